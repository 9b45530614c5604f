import { DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { startElbv2TagStream } from '../../src/aws/elbv2-tag-stream.js';

/** An ELBv2 client that answers DescribeTags with one tag per ARN and records each call's ARNs. */
function fakeClients(calls: string[][], fail?: (arns: string[]) => Error | undefined): AwsClients {
  const elbv2 = {
    send: async (command: DescribeTagsCommand) => {
      const arns = [...(command.input.ResourceArns ?? [])];
      calls.push(arns);
      const error = fail?.(arns);
      if (error) throw error;
      return { TagDescriptions: arns.map((a) => ({ ResourceArn: a, Tags: [{ Key: 'of', Value: a }] })) };
    },
  };
  return { elbv2 } as unknown as AwsClients;
}

const arns = (prefix: string, n: number): [string, string][] =>
  Array.from({ length: n }, (_, i) => [`arn:${prefix}/${i}`, `${prefix} ${i}`]);

describe('the ELBv2 tag pass fed kind by kind', () => {
  it("reads a kind's full batches at once and its tags resolve before the other kinds hand theirs in", async () => {
    const calls: string[][] = [];
    const stream = startElbv2TagStream(fakeClients(calls), 3);
    const groups = await stream.add(arns('tg', 40));
    expect(calls.map((c) => c.length)).toEqual([20, 20]);
    expect(groups.get('arn:tg/39')).toEqual([{ Key: 'of', Value: 'arn:tg/39' }]);
    const listeners = stream.add(arns('listener', 5));
    const rules = stream.add(arns('rule', 18));
    await Promise.all([listeners, rules]);
    // 63 ARNs: 4 calls, the minimum, the last one mixing listeners and rules
    expect(calls.map((c) => c.length)).toEqual([20, 20, 20, 3]);
    expect((await rules).get('arn:rule/17')).toHaveLength(1);
  });

  it("holds a kind's remainder until every kind has handed in or skipped, then sends it", async () => {
    const calls: string[][] = [];
    const stream = startElbv2TagStream(fakeClients(calls), 2);
    let done = false;
    const groups = stream.add(arns('tg', 25)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.map((c) => c.length)).toEqual([20]);
    expect(done).toBe(false);
    stream.skip();
    await groups;
    expect(calls.map((c) => c.length)).toEqual([20, 5]);
  });

  it('rejects only the kinds whose ARNs were in a failed call', async () => {
    const calls: string[][] = [];
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDenied' });
    const stream = startElbv2TagStream(fakeClients(calls, (a) => (a.some((x) => x.startsWith('arn:rule')) ? denied : undefined)), 2);
    const groups = stream.add(arns('tg', 20));
    const rules = stream.add(arns('rule', 3));
    await expect(groups).resolves.toBeInstanceOf(Map);
    await expect(rules).rejects.toThrow();
  });

  it('reads an ARN handed in twice once', async () => {
    const calls: string[][] = [];
    const stream = startElbv2TagStream(fakeClients(calls), 2);
    const one = stream.add(arns('tg', 3));
    const two = stream.add(arns('tg', 3));
    await Promise.all([one, two]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(3);
  });
});
