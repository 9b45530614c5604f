// `ecs-reconciler plan` as a process when AWS cannot be used: unreachable, expired credentials,
// AccessDenied. Each exits 1 within 30 s with one line per failure and no stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsError, closedPort, FakeAwsServer } from '../aws/fake-aws-server.js';
import { awsEnv, runCli } from '../support/cli-process.js';

const DESIRED = new URL('../../desired/flask-react.yaml', import.meta.url).pathname;

const denied = new FakeAwsServer((call) =>
  call.service === 'ecs'
    ? awsError('ecs', 400, 'AccessDeniedException', 'not authorized')
    : awsError(call.service, 403, 'AccessDenied', `User: arn:aws:sts::123456789012:assumed-role/r/x is not authorized to perform: ${call.operation}`),
);
const expired = new FakeAwsServer((call) =>
  call.service === 'ecs'
    ? awsError('ecs', 400, 'ExpiredTokenException', 'The security token included in the request is expired')
    : awsError(call.service, 403, 'ExpiredToken', 'The security token included in the request is expired'),
);
let deniedUrl = '';
let expiredUrl = '';

beforeAll(async () => {
  deniedUrl = await denied.start();
  expiredUrl = await expired.start();
});
afterAll(async () => {
  await denied.stop();
  await expired.stop();
});

async function plan(endpoint: string) {
  const started = Date.now();
  const result = await runCli(['plan', DESIRED], { env: awsEnv(endpoint), timeoutMs: 40_000 });
  return { ...result, ms: Date.now() - started, lines: result.stderr.trim().split('\n').filter(Boolean) };
}

describe('plan when AWS cannot be used', () => {
  it.each([
    ['unreachable AWS', async () => `http://127.0.0.1:${await closedPort()}`, /^error: cannot reach AWS endpoint http:\/\/127\.0\.0\.1:\d+: connection refused/],
    ['expired credentials', async () => expiredUrl, /^error: AWS credentials expired or invalid: ExpiredToken/],
    ['AccessDenied', async () => deniedUrl, /^error: AccessDenied(Exception)? on (ecs|elasticloadbalancing|ec2):Describe\w+ for \w+\/[\w-]+/],
  ])('%s: exit 1 within 30 s, one line per failure, no stack', async (_name, endpoint, first) => {
    const run = await plan(await endpoint());
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(30_000);
    expect(run.lines.length).toBeGreaterThan(0);
    expect(new Set(run.lines).size).toBe(run.lines.length); // one line per distinct failure
    for (const line of run.lines) expect(line).toMatch(/^error: /);
    expect(run.lines.some((l) => first.test(l)), run.stderr).toBe(true);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  }, 40_000);
});
