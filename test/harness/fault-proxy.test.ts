// The fault proxy between the real AWS SDK and moto: pass-through, counting, recording,
// AWS-shaped faults per service, latency and token-bucket rate limits.
import { CreateSecurityGroupCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { assumedRoleClients } from '../support/assumed-role-clients.js';
import { FaultProxy, type FaultProxyOptions } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';

let proxy: FaultProxy | undefined;
let clients: TestClients | undefined;

async function open(options: Omit<FaultProxyOptions, 'target'> = {}, maxAttempts = 1): Promise<{ proxy: FaultProxy; clients: TestClients }> {
  proxy = new FaultProxy({ target: motoUrl(), ...options });
  clients = createTestClients(await proxy.start(), { maxAttempts });
  return { proxy, clients };
}

afterEach(async () => {
  clients?.destroy();
  await proxy?.stop();
  proxy = clients = undefined;
});

/** One read call per service, through the clients. */
const READS = {
  ecs: (c: TestClients) => c.ecs.send(new ListClustersCommand({})),
  elbv2: (c: TestClients) => c.elbv2.send(new DescribeLoadBalancersCommand({})),
  ec2: (c: TestClients) => c.ec2.send(new DescribeVpcsCommand({})),
} as const;

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('pass-through', () => {
  it('forwards to moto and counts calls per service and operation', async () => {
    const { proxy, clients } = await open();
    await READS.ecs(clients);
    await READS.ecs(clients);
    await READS.elbv2(clients);
    const vpcs = await READS.ec2(clients);
    expect(vpcs.Vpcs?.some((vpc) => vpc.IsDefault)).toBe(true);
    expect(proxy.counts()).toEqual({ 'ecs:ListClusters': 2, 'elbv2:DescribeLoadBalancers': 1, 'ec2:DescribeVpcs': 1 });
    expect(proxy.count('ecs', 'ListClusters')).toBe(2);
    expect(proxy.count('ecs')).toBe(2);
    expect(proxy.calls.every((call) => call.outcome === 'forwarded' && call.status === 200)).toBe(true);
  });

  it('records writes in order with their parameters, reads without', async () => {
    const { proxy, clients } = await open();
    const vpcs = await READS.ec2(clients);
    const vpcId = vpcs.Vpcs![0]!.VpcId!;
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'recorded' }));
    await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'recorded-sg', Description: 'recorded', VpcId: vpcId }));
    await clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'recorded-tg', Protocol: 'HTTP', Port: 80, VpcId: vpcId }));
    expect(proxy.calls[0]).toMatchObject({ seq: 1, service: 'ec2', operation: 'DescribeVpcs', write: false });
    expect(proxy.calls[0]!.params).toBeUndefined();
    expect(proxy.writes().map(({ service, operation, params }) => ({ service, operation, params }))).toEqual([
      { service: 'ecs', operation: 'CreateCluster', params: { clusterName: 'recorded' } },
      { service: 'ec2', operation: 'CreateSecurityGroup', params: { GroupName: 'recorded-sg', GroupDescription: 'recorded', VpcId: vpcId } },
      { service: 'elbv2', operation: 'CreateTargetGroup', params: { Name: 'recorded-tg', Protocol: 'HTTP', Port: '80', VpcId: vpcId } },
    ]);
    proxy.resetCounts();
    expect(proxy.counts()).toEqual({});
  });
});

describe('AWS-shaped faults', () => {
  it.each([
    { service: 'ecs', name: 'ThrottlingException', status: 400 },
    { service: 'elbv2', name: 'Throttling', status: 400 },
    { service: 'ec2', name: 'RequestLimitExceeded', status: 503 },
  ] as const)('$service throttling reaches the SDK as $name (HTTP $status)', async ({ service, name, status }) => {
    const { proxy, clients } = await open({ faults: [{ service, fault: 'throttle' }] });
    expect(await failure(READS[service](clients))).toMatchObject({ name, status });
    expect(proxy.calls).toMatchObject([{ service, outcome: 'throttle', status }]);
    const other = service === 'ecs' ? 'ec2' : 'ecs';
    await expect(READS[other](clients)).resolves.toBeDefined();
  });

  it.each([
    { service: 'ecs', name: 'ServerException' },
    { service: 'elbv2', name: 'InternalFailure' },
    { service: 'ec2', name: 'InternalError' },
  ] as const)('$service error500 reaches the SDK as $name (HTTP 500)', async ({ service, name }) => {
    const { proxy, clients } = await open({ faults: [{ service, fault: 'error500' }] });
    expect(await failure(READS[service](clients))).toMatchObject({ name, status: 500 });
    expect(proxy.calls[0]!.outcome).toBe('error500');
  });

  it.each(['ecs', 'elbv2', 'ec2'] as const)('the SDK retries injected %s throttling and then succeeds', async (service) => {
    const { proxy, clients } = await open({ faults: [{ service, fault: 'throttle', times: 2 }] }, 3);
    await expect(READS[service](clients)).resolves.toBeDefined();
    expect(proxy.calls.map((call) => call.outcome)).toEqual(['throttle', 'throttle', 'forwarded']);
  });

  it('drop destroys the connection: the SDK sees a network error, not an HTTP response', async () => {
    const { proxy, clients } = await open({ faults: [{ service: 'ecs', operation: 'ListClusters', fault: 'drop' }] });
    const error = await failure(READS.ecs(clients));
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/socket hang up|ECONNRESET|aborted/i);
    expect(proxy.calls[0]).toMatchObject({ outcome: 'drop' });
    expect(proxy.calls[0]!.status).toBeUndefined();
  });

  it('skip and times pick exactly which matching call fails', async () => {
    const { proxy, clients } = await open({ faults: [{ operation: 'ListClusters', fault: 'error500', skip: 1, times: 1 }] });
    await READS.ecs(clients);
    await failure(READS.ecs(clients));
    await READS.ecs(clients);
    expect(proxy.calls.map((call) => call.outcome)).toEqual(['forwarded', 'error500', 'forwarded']);
  });

  it('kind: write faults writes and lets reads through', async () => {
    const { proxy, clients } = await open({ faults: [{ kind: 'write', fault: 'throttle' }] });
    await READS.ecs(clients);
    expect((await failure(clients.ecs.send(new CreateClusterCommand({ clusterName: 'no' })))).name).toBe('ThrottlingException');
    expect(proxy.counts({ outcome: 'throttle' })).toEqual({ 'ecs:CreateCluster': 1 });
  });

  it('probabilistic faults repeat exactly for the same seed', async () => {
    const pattern = async (seed: number): Promise<string[]> => {
      const { proxy, clients } = await open({ seed, faults: [{ service: 'ecs', fault: 'error500', probability: 0.5 }] });
      for (let i = 0; i < 16; i++) await READS.ecs(clients).catch(() => undefined);
      const outcomes = proxy.calls.map((call) => call.outcome);
      clients.destroy();
      await proxy.stop();
      return outcomes;
    };
    const first = await pattern(42);
    expect(await pattern(42)).toEqual(first);
    expect(first).toContain('error500');
    expect(first).toContain('forwarded');
  });

  it('configure() swaps the rules at runtime and clearFaults() removes them', async () => {
    const { proxy, clients } = await open();
    await READS.ec2(clients);
    proxy.configure({ faults: [{ service: 'ec2', fault: 'throttle' }] });
    expect((await failure(READS.ec2(clients))).name).toBe('RequestLimitExceeded');
    proxy.clearFaults();
    await READS.ec2(clients);
    expect(proxy.calls.map((call) => call.outcome)).toEqual(['forwarded', 'throttle', 'forwarded']);
  });
});

describe('latency and rate limits', () => {
  it('adds the configured latency to matching calls only', async () => {
    const { clients } = await open({ latency: [{ service: 'elbv2', latencyMs: 300 }] });
    const started = performance.now();
    await READS.elbv2(clients);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('a token bucket per operation class throttles a burst and refills with time', async () => {
    let clock = 0;
    const { proxy, clients } = await open({
      now: () => clock,
      rateLimits: [{ service: 'ecs', kind: 'read', capacity: 2, refillPerSecond: 1 }],
    });
    await READS.ecs(clients);
    await READS.ecs(clients);
    expect((await failure(READS.ecs(clients))).name).toBe('ThrottlingException');
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'writes-not-limited' }));
    clock += 1000;
    await READS.ecs(clients);
    expect(proxy.calls.map((call) => call.outcome)).toEqual(['forwarded', 'forwarded', 'rate-limited', 'forwarded', 'forwarded']);
  });

  it('scope operation gives each operation its own bucket', async () => {
    const { proxy, clients } = await open({
      now: () => 0,
      rateLimits: [{ kind: 'read', capacity: 1, refillPerSecond: 1, scope: 'operation' }],
    });
    await READS.ecs(clients);
    await READS.ec2(clients);
    await failure(READS.ecs(clients));
    expect(proxy.counts({ outcome: 'rate-limited' })).toEqual({ 'ecs:ListClusters': 1 });
    expect(proxy.counts({ outcome: 'forwarded' })).toEqual({ 'ecs:ListClusters': 1, 'ec2:DescribeVpcs': 1 });
  });

  it('each account and region has its own buckets, an assumed role drawing from its account\'s', async () => {
    const { proxy, clients } = await open({ now: () => 0, rateLimits: [{ service: 'ecs', kind: 'read', capacity: 1, refillPerSecond: 1 }] });
    const a = await assumedRoleClients(proxy.url, '111111111111');
    const b = await assumedRoleClients(proxy.url, '222222222222');
    const a2 = await assumedRoleClients(proxy.url, '111111111111');
    const westOfA = await assumedRoleClients(proxy.url, '111111111111', 'us-west-2');
    try {
      await READS.ecs(clients);
      await READS.ecs(a);
      await READS.ecs(b);
      await READS.ecs(westOfA);
      // a second session in account A: A's bucket in us-east-1 is empty
      expect((await failure(READS.ecs(a2))).name).toBe('ThrottlingException');
      expect((await failure(READS.ecs(clients))).name).toBe('ThrottlingException');
      // (the assumed-role clients retry a throttled call: count outcomes, not attempts)
      expect(proxy.counts({ caller: '111111111111', outcome: 'forwarded' })).toEqual({ 'ecs:ListClusters': 2 });
      expect(proxy.counts({ caller: '222222222222' })).toEqual({ 'ecs:ListClusters': 1 });
      expect(new Set(proxy.calls.filter((c) => c.service === 'ecs').map((c) => `${c.caller}/${c.region} ${c.outcome}`))).toEqual(
        new Set([
          'testing/us-east-1 forwarded',
          '111111111111/us-east-1 forwarded',
          '222222222222/us-east-1 forwarded',
          '111111111111/us-west-2 forwarded',
          '111111111111/us-east-1 rate-limited',
          'testing/us-east-1 rate-limited',
        ]),
      );
    } finally {
      for (const c of [a, b, a2, westOfA]) c.destroy();
    }
  });
});
