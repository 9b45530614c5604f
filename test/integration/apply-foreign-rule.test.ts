// Issue 11 item 1, against moto: a hand-made rule (made with the SDK behind the controller's back)
// sits at a declared priority with other conditions and another action. It must never be
// "adopted" (rewritten with our conditions and action, tagged as ours, and so later pruned): the
// declared rule at that priority is a conflict naming both sides, blocking that rule alone.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRuleCommand, DescribeRulesCommand, DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createAlb, createSecurityGroup, createSubnets, createVpc, listenerArn } from '../../src/demo/worlds/world-building-blocks.js';
import { formatPlan } from '../../src/reconcilers/format-plan.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyWith, planDir } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;
let hand: string;

function yaml(rules: boolean): string {
  const rule = (name: string, priority: number, path: string) =>
    `apiVersion: ecs-reconciler/v1\nkind: ListenerRule\nmetadata: { name: ${name} }\nspec:\n  listener: { loadBalancer: foreign-alb, port: 80 }\n  priority: ${priority}\n  conditions: { pathPatterns: ["${path}"] }\n  action: { forward: { targetGroup: foreign-users } }\n`;
  return [
    `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: foreign-users }\nspec:\n  vpcId: ${vpcId}\n  protocol: HTTP\n  port: 5000\n  targetType: instance\n  healthCheck: { path: /ping, matcher: "200" }\n`,
    `apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: foreign-http }\nspec:\n  loadBalancer: foreign-alb\n  port: 80\n  protocol: HTTP\n  defaultAction: { fixedResponse: { statusCode: 404, contentType: text/plain, messageBody: Resource not found } }\n`,
    ...(rules ? [rule('users-api', 100, '/users*'), rule('other-api', 200, '/other*')] : []),
  ].join('---\n');
}

async function handRule() {
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'foreign-alb', 80) }));
  const rule = Rules?.find((r) => r.RuleArn === hand);
  const { TagDescriptions } = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [hand] }));
  return {
    exists: rule !== undefined,
    priority: rule?.Priority,
    paths: rule?.Conditions?.flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []),
    action: rule?.Actions?.map((a) => [a.Type, a.FixedResponseConfig?.StatusCode]),
    tags: TagDescriptions?.[0]?.Tags ?? [],
  };
}

const untouched = { exists: true, priority: '100', paths: ['/handmade*'], action: [['fixed-response', '200']], tags: [] };

/** every write the proxy saw that names the hand-made rule in its parameters */
function writesTouchingHand(): string[] {
  return proxy.writes().filter((w) => Object.values(w.params ?? {}).some((v) => v === hand)).map((w) => w.operation);
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  vpcId = await createVpc(clients, 'foreign-vpc', '10.11.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.11.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.11.2.0/24', az: 'us-east-1b' },
  ]);
  await createAlb(clients, 'foreign-alb', subnets, [await createSecurityGroup(clients, vpcId, 'foreign-alb-sg', 'alb')]);
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-foreign-rule-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('a hand-made rule at a declared priority', () => {
  it('the controller makes the listener; someone adds /handmade* -> fixed-response 200 at priority 100 by hand', async () => {
    const first = await applyWith(proxy, dir, 'routing.yaml', yaml(false));
    expect(first.report.ok, first.lines.join('\n')).toBe(true);
    const { Rules } = await clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: await listenerArn(clients, 'foreign-alb', 80),
        Priority: 100,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/handmade*'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'hand' } }],
      }),
    );
    hand = Rules![0]!.RuleArn!;
    expect(await handRule()).toEqual(untouched);
  });

  it('plan: the declared rule at priority 100 is a conflict that shows both rules; the other rule is a create', async () => {
    writeFileSync(join(dir, 'routing.yaml'), yaml(true));
    const plan = await planDir(dir, motoUrl(), true);
    expect(plan.conflicts.map((c) => c.id)).toEqual(['ListenerRule/users-api']);
    const text = formatPlan(plan);
    expect(text).toContain(`priority 100 on listener foreign-alb:80 is held by rule ${hand} (not managed by ecs-reconciler; path /handmade* -> fixed-response 200`);
    expect(text).toContain('declared: path /users* -> forward foreign-users');
    expect(plan.changes.filter((c) => c.kind === 'ListenerRule').map((c) => [c.id, c.action])).toEqual([['ListenerRule/other-api', 'create']]);
  });

  it('apply --prune leaves the hand-made rule exactly as it was and creates only the other rule', async () => {
    const run = await applyWith(proxy, dir, 'routing.yaml', yaml(true), { prune: true });
    expect(run.report.ok).toBe(false);
    expect(run.report.conflicts.map((c) => c.id)).toEqual(['ListenerRule/users-api']);
    expect(writesTouchingHand()).toEqual([]);
    expect(run.ops).toEqual(['CreateRule']);
    expect(await handRule()).toEqual(untouched);
  });

  it('and stays so on the next apply --prune (nothing of it is ours to delete)', async () => {
    const run = await applyWith(proxy, dir, 'routing.yaml', yaml(true), { prune: true });
    expect(writesTouchingHand()).toEqual([]);
    expect(run.ops).toEqual([]);
    expect(await handRule()).toEqual(untouched);
  });
});
