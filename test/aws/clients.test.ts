// createAwsClients against local HTTP servers that answer like AWS: endpoint variables,
// call counting per attempt, throttling retries that wait, and the one-line errors for
// AccessDenied, expired credentials, unreachable and hung endpoints.
// The SDK reads region and endpoint variables at call time: calls run inside withEnv.
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/aws/clients.js';
import { awsCall } from '../../src/aws/errors.js';
import { awsError, closedPort, emptyOk, FakeAwsServer, TEST_AWS_ENV, withEnv } from './fake-aws-server.js';

const servers: FakeAwsServer[] = [];

/** The call was expected to fail. */
function unexpected(): never {
  throw new Error('the call succeeded but was expected to fail');
}
const clientSets: AwsClients[] = [];

async function server(handler?: ConstructorParameters<typeof FakeAwsServer>[0]): Promise<FakeAwsServer> {
  const s = new FakeAwsServer(handler);
  await s.start();
  servers.push(s);
  return s;
}

function clients(opts: Parameters<typeof createAwsClients>[0] = {}): AwsClients {
  const c = createAwsClients({ retry: { transientBaseMs: 10, throttleBaseMs: 10 }, ...opts });
  clientSets.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clientSets.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const rules = (c: AwsClients) => c.elbv2.send(new DescribeRulesCommand({ ListenerArn: 'arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/1/2' }));

describe('createAwsClients', () => {
  it('sends each service where AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> say (the SDK honours both)', async () => {
    const general = await server();
    const elb = await server();
    await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: general.url, AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.url }, async () => {
      const c = clients();
      await c.ecs.send(new DescribeClustersCommand({ clusters: ['a'] }));
      await rules(c);
      await c.ec2.send(new DescribeSecurityGroupsCommand({}));
    });
    expect(general.calls).toEqual([
      { service: 'ecs', operation: 'DescribeClusters' },
      { service: 'ec2', operation: 'DescribeSecurityGroups' },
    ]);
    expect(elb.calls).toEqual([{ service: 'elbv2', operation: 'DescribeRules' }]);
  });

  it('SQS and SSM are made (their SDK packages loaded) on first use, and counted like the others', async () => {
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    const s = await server((call) => (call.service === 'ssm' ? { status: 200, headers: json, body: JSON.stringify({ Parameters: [], InvalidParameters: ['/x'] }) } : emptyOk(call)));
    const c = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: s.url }, async () => {
      const c = clients();
      expect([c.sqs.made, c.ssm.made]).toEqual([false, false]);
      const ssm = await c.ssm.get();
      expect(await c.ssm.get()).toBe(ssm);
      const { GetParametersCommand } = await import('@aws-sdk/client-ssm');
      const out = await ssm.send(new GetParametersCommand({ Names: ['/x'] }));
      expect(out.InvalidParameters).toEqual(['/x']);
      return c;
    });
    expect([c.sqs.made, c.ssm.made]).toEqual([false, true]);
    expect(c.calls.snapshot()).toEqual([{ service: 'ssm', operation: 'GetParameters', outcome: 'ok', count: 1 }]);
  });

  it('counts every attempt; throttling is retried after waiting and the call succeeds', async () => {
    const s = await server((call, n) => (n <= 2 ? awsError('elbv2', 400, 'Throttling', 'Rate exceeded') : emptyOk(call)));
    const c = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: s.url }, async () => {
      const c = clients();
      await rules(c);
      return c;
    });
    expect(c.calls.snapshot()).toEqual([
      { service: 'elbv2', operation: 'DescribeRules', outcome: 'ok', count: 1 },
      { service: 'elbv2', operation: 'DescribeRules', outcome: 'throttled', count: 2 },
    ]);
    expect(c.limiter?.stats()).toMatchObject({ throttled: 2, waited: 2 });
    expect(s.count()).toBe(3);
  });

  it('AccessDenied: one attempt, one line naming the call and the resource', async () => {
    const s = await server((call) =>
      awsError(call.service, 403, 'AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/ctl/x is not authorized to perform: elasticloadbalancing:DescribeRules'),
    );
    const err = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: s.url }, async () => {
      const c = clients();
      return awsCall({ service: 'elbv2', operation: 'DescribeRules', resource: 'ListenerRule/users-api' }, () => rules(c)).then(unexpected, (e: Error) => e);
    });
    expect(err.message).toBe(
      "AccessDenied on elasticloadbalancing:DescribeRules for ListenerRule/users-api: User: arn:aws:sts::123456789012:assumed-role/ctl/x is not authorized to perform: elasticloadbalancing:DescribeRules (grant elasticloadbalancing:DescribeRules to the controller's IAM role)",
    );
    expect(s.count()).toBe(1);
  });

  it('expired credentials: one attempt, a one-line explanation', async () => {
    const s = await server((call) => awsError(call.service, 400, 'ExpiredTokenException', 'The security token included in the request is expired'));
    const err = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: s.url }, async () => {
      const c = clients();
      return awsCall({ service: 'ecs', operation: 'DescribeClusters' }, () => c.ecs.send(new DescribeClustersCommand({ clusters: ['a'] }))).then(
        unexpected,
        (e: Error) => e,
      );
    });
    expect(err.message).toMatch(/^AWS credentials expired or invalid: ExpiredTokenException: The security token included in the request is expired \(ecs:DescribeClusters\)/);
    expect(s.count()).toBe(1);
  });

  it('unreachable endpoint: bounded attempts, then "cannot reach AWS endpoint <url>: connection refused"', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const c = clients();
    const err = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: url }, () =>
      awsCall({ service: 'elbv2', operation: 'DescribeRules', resource: 'ListenerRule/users-api' }, () => rules(c)).then(unexpected, (e: Error) => e),
    );
    expect(err.message).toBe(
      `cannot reach AWS endpoint ${url}: connection refused (elasticloadbalancing:DescribeRules for ListenerRule/users-api); check the network and AWS_ENDPOINT_URL*`,
    );
    expect(c.calls.snapshot()).toEqual([{ service: 'elbv2', operation: 'DescribeRules', outcome: 'ECONNREFUSED', count: 3 }]);
  });

  it('5xx: retried up to maxAttempts, then reported', async () => {
    const s = await server((call) => awsError(call.service, 500, 'InternalFailure', 'internal'));
    const c = clients({ maxAttempts: 2 });
    const err = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: s.url }, () =>
      awsCall({ service: 'elbv2', operation: 'DescribeRules' }, () => rules(c)).then(unexpected, (e: Error) => e),
    );
    expect(err.message).toBe('InternalFailure on elasticloadbalancing:DescribeRules: internal');
    expect(s.count()).toBe(2);
  });

  it('a server that never answers times out per attempt (socket timeout), bounded', async () => {
    const s = await server(() => 'hang');
    const c = clients({ socketTimeoutMs: 200 });
    const err = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: s.url }, () =>
      awsCall({ service: 'ecs', operation: 'DescribeClusters' }, () => c.ecs.send(new DescribeClustersCommand({ clusters: ['a'] }))).then(
        unexpected,
        (e: Error) => e,
      ),
    );
    expect(err.message).toMatch(new RegExp(`^cannot reach AWS endpoint ${s.url}: timed out \\(ecs:DescribeClusters\\)`));
    expect(c.calls.count({ outcome: 'TimeoutError' })).toBe(3);
  });

  it('rateLimits: false leaves the limiter out', async () => {
    const s = await server();
    const c = clients({ rateLimits: false });
    await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: s.url }, () => rules(c));
    expect(c.limiter).toBeUndefined();
    expect(c.calls.count()).toBe(1);
  });
});
