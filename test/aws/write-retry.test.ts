// The write retry policy: which errors are retried, the budget shared with the SDK's own retries,
// the ambiguous flag that makes creates re-check, and the guard that stops the SDK from
// re-sending a create after a 5xx (against a real SDK client and a local HTTP server).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateRuleCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousWriteError,
  awaitLanding,
  guardAmbiguousRetries,
  isAmbiguousFailure,
  isUnansweredFailure,
  landingWindowMs,
  UnsettledWriteError,
  withWriteRetry,
  type WriteAttempt,
} from '../../src/aws/write-retry.js';

const awsError = (name: string, status: number, attempts = 1) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status, attempts } });

const fast = { minTimeoutMs: 1, maxTimeoutMs: 2 };

async function run(errors: unknown[], opts = {}): Promise<{ attempts: WriteAttempt[]; result?: string; error?: unknown }> {
  const attempts: WriteAttempt[] = [];
  try {
    const result = await withWriteRetry(async (a) => {
      attempts.push(a);
      const e = errors[a.attempt - 1];
      if (e !== undefined) throw e;
      return 'done';
    }, { ...fast, ...opts });
    return { attempts, result };
  } catch (error) {
    return { attempts, error };
  }
}

describe('withWriteRetry', () => {
  it.each([
    { case: 'validation error', err: awsError('ValidationError', 400), calls: 1 },
    { case: 'access denied', err: awsError('AccessDenied', 403), calls: 1 },
    { case: 'duplicate', err: awsError('DuplicateTargetGroupName', 400), calls: 1 },
  ])('does not retry a $case', async ({ err, calls }) => {
    const out = await run([err, err, err]);
    expect(out.attempts).toHaveLength(calls);
    expect(out.error).toBe(err);
  });

  it.each([
    { case: 'throttling', err: awsError('Throttling', 400) },
    { case: 'ECS throttling', err: awsError('ThrottlingException', 400) },
    { case: '500', err: awsError('InternalFailure', 500) },
    { case: 'connection reset', err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) },
  ])('retries $case until it succeeds', async ({ err }) => {
    const out = await run([err, err]);
    expect(out.result).toBe('done');
    expect(out.attempts).toHaveLength(3);
  });

  it('counts the attempts the SDK already made against one budget', async () => {
    // each failure reports 3 SDK attempts: 3, 6, then 9 >= 8 -> stop after the third call
    const err = awsError('InternalFailure', 500, 3);
    const out = await run([err, err, err, err, err], { retries: 10, maxTotalAttempts: 8 });
    expect(out.attempts).toHaveLength(3);
    expect(out.error).toBe(err);
  });

  it('stops after the outer retries even when the SDK reports one attempt each', async () => {
    const err = awsError('Throttling', 400, 1);
    const out = await run(Array(10).fill(err), { retries: 2 });
    expect(out.attempts).toHaveLength(3);
  });

  it('marks the next attempt ambiguous after a failure that may have been applied', async () => {
    const throttled = await run([awsError('Throttling', 400)]);
    expect(throttled.attempts.map((a) => a.ambiguous)).toEqual([false, false]);
    const failed = await run([awsError('InternalFailure', 500), awsError('Throttling', 400)]);
    expect(failed.attempts.map((a) => a.ambiguous)).toEqual([false, true, true]);
  });

  it.each([
    { err: awsError('InternalFailure', 500), ambiguous: true },
    { err: awsError('ServiceUnavailable', 503), ambiguous: true },
    { err: Object.assign(new Error('x'), { code: 'ECONNRESET' }), ambiguous: true },
    { err: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), ambiguous: false },
    { err: awsError('Throttling', 400), ambiguous: false },
    { err: new AmbiguousWriteError(new Error('x')), ambiguous: true },
  ])('isAmbiguousFailure($err.message) = $ambiguous', ({ err, ambiguous }) => {
    expect(isAmbiguousFailure(err)).toBe(ambiguous);
  });
});

describe('guardAmbiguousRetries (real SDK client, local server answering 500)', () => {
  let server: Server;
  let requests = 0;
  let client: ElasticLoadBalancingV2Client;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests += 1;
        const body =
          '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>boom</Message></Error><RequestId>1</RequestId></ErrorResponse>';
        res.writeHead(500, { 'content-type': 'text/xml' });
        res.end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    client = new ElasticLoadBalancingV2Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 3,
    });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((r) => server.close(r));
  });

  const command = () =>
    new CreateRuleCommand({ ListenerArn: 'arn:l', Priority: 1, Conditions: [], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] });

  it('without the guard the SDK sends the create three times', async () => {
    requests = 0;
    await expect(client.send(command())).rejects.toMatchObject({ name: 'InternalFailure' });
    expect(requests).toBe(3);
  });

  it('with the guard the create is sent once and the caller is told it is ambiguous', async () => {
    requests = 0;
    const err: unknown = await client.send(guardAmbiguousRetries(command())).catch((e: unknown) => e);
    expect(requests).toBe(1);
    expect(err).toBeInstanceOf(AmbiguousWriteError);
    expect(isAmbiguousFailure(err)).toBe(true);
    expect((err as AmbiguousWriteError).message).toContain('may or may not have been applied');
  });
});

describe('unanswered failures and the landing window', () => {
  it.each([
    { case: 'a timeout (no answer)', err: Object.assign(new Error('x'), { name: 'TimeoutError' }), unanswered: true },
    { case: 'a reset (no answer)', err: Object.assign(new Error('x'), { code: 'ECONNRESET' }), unanswered: true },
    { case: 'the SDK guard after a timeout', err: new AmbiguousWriteError(Object.assign(new Error('x'), { name: 'TimeoutError' })), unanswered: true },
    { case: 'a 500 (an answer)', err: awsError('InternalFailure', 500), unanswered: false },
    { case: 'the SDK guard after a 500', err: new AmbiguousWriteError(awsError('InternalFailure', 500)), unanswered: false },
    { case: 'a throttle (not ambiguous)', err: awsError('Throttling', 400), unanswered: false },
  ])('$case: unanswered $unanswered', ({ err, unanswered }) => {
    expect(isUnansweredFailure(err)).toBe(unanswered);
  });

  it('tells the next attempt that an earlier one got no answer', async () => {
    const out = await run([Object.assign(new Error('x'), { name: 'TimeoutError' })]);
    expect(out.attempts.map((a) => [a.ambiguous, a.unanswered])).toEqual([[false, false], [true, true]]);
    const after500 = await run([awsError('InternalFailure', 500)]);
    expect(after500.attempts.map((a) => [a.ambiguous, a.unanswered])).toEqual([[false, false], [true, false]]);
  });

  it('does not retry an UnsettledWriteError', async () => {
    const err = new UnsettledWriteError('may still land');
    const out = await run([err, err]);
    expect(out.attempts).toHaveLength(1);
    expect(out.error).toBe(err);
  });

  it('awaitLanding re-checks until found, and gives up at the end of the window', async () => {
    let clock = 0;
    const window = { windowMs: 10_000, pollMs: 2_000, now: () => clock, sleep: async (ms: number) => void (clock += ms) };
    let checks = 0;
    expect(await awaitLanding(async () => (++checks === 3 ? 'arn' : undefined), window)).toBe('arn');
    expect([checks, clock]).toEqual([3, 4_000]);
    clock = 0;
    checks = 0;
    expect(await awaitLanding(async () => void ++checks, window)).toBeUndefined();
    expect([checks, clock]).toEqual([6, 10_000]); // at 0, 2, 4, 6, 8 and 10 s
    expect(landingWindowMs(10_000)).toBe(20_000);
  });
});
