// Observation cost against moto: the exact calls per operation for the fixture equal the
// batched minimum, the second cycle reuses the task-definition cache, and what was read is
// the live state of every declared resource. The fault proxy counts the calls on the wire
// to check the client's own counter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/aws/clients.js';
import { createObserveCache, observe } from '../../src/controller/observe.js';
import type { TaskDefinitionCache } from '../../src/reconcilers/service/task-definition-cache.js';
import type { LiveState } from '../../src/reconcilers/types.js';
import { TAG_OWNER } from '../../src/reconcilers/types.js';
import type { DesiredState } from '../../src/spec/types.js';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';
import { buildObserveFixture, CLUSTER, type Fixture, FIXTURE, FIXTURE_INVENTORY, minimumCalls, serviceName, tgName } from './observe-fixture.js';

let builder: TestClients;
let fixture: Fixture;
let proxy: FaultProxy;
let clients: AwsClients;
const savedEnv = { ...process.env };

beforeAll(async () => {
  builder = createTestClients(motoUrl());
  fixture = await buildObserveFixture(builder);
  proxy = new FaultProxy({ target: motoUrl() });
  const url = await proxy.start();
  // the controller's clients find the endpoint, region and credentials the way production does: in the environment
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  });
  clients = createAwsClients();
});

afterAll(async () => {
  clients?.destroy();
  builder?.destroy();
  await proxy?.stop();
  process.env = savedEnv;
});


async function observeCounted(desired: DesiredState, cache = createObserveCache()): Promise<{ live: LiveState; calls: Record<string, number> }> {
  clients.calls.reset();
  proxy.resetCounts();
  const live = await observe(desired, clients, { cache });
  const calls = clients.calls.byOperation();
  expect(proxy.counts()).toEqual(calls); // the client's counter agrees with the wire
  return { live, calls };
}

describe('observe: calls for 25 services, 25 target groups, 2 listeners with 30 rules, 10 security groups', () => {
  it('first cycle makes exactly the batched minimum of calls', async () => {
    const { calls } = await observeCounted(fixture.desired);
    const minimum = minimumCalls(FIXTURE_INVENTORY);
    expect(minimum).toEqual({
      'ecs:DescribeClusters': 1,
      'ecs:DescribeServices': 3,
      'ecs:DescribeTaskDefinition': 25,
      'elbv2:DescribeTargetGroups': 1,
      'elbv2:DescribeTargetGroupAttributes': 5,
      'elbv2:DescribeLoadBalancers': 1,
      'elbv2:DescribeListeners': 1,
      'elbv2:DescribeRules': 2,
      'elbv2:DescribeTags': 3,
      'ec2:DescribeSecurityGroups': 1,
      'ec2:DescribeSecurityGroupRules': 1,
    });
    expect(calls).toEqual(minimum);
  });

  it('second cycle reuses the task-definition cache: no DescribeTaskDefinition at all', async () => {
    const cache = createObserveCache();
    await observeCounted(fixture.desired, cache);
    const { calls } = await observeCounted(fixture.desired, cache);
    const { 'ecs:DescribeTaskDefinition': _cached, ...rest } = minimumCalls({ ...FIXTURE_INVENTORY, uncachedTaskDefinitions: 0 });
    expect(calls['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(calls).toEqual(rest);
    expect((cache.byKind.get('Service') as TaskDefinitionCache).taskDefinitions.size).toBe(FIXTURE.services);
  });

  it('reads every declared resource, normalised, with its tags', async () => {
    const { live } = await observeCounted(fixture.desired);
    expect(live.clusters).toEqual([CLUSTER]);
    expect(live.services.map((s) => s.name).sort()).toEqual(Array.from({ length: FIXTURE.services }, (_, i) => serviceName(i)));
    const svc = live.services.find((s) => s.name === serviceName(3));
    expect(svc?.taskDefinition.spec.containers[0]?.image).toBe('nginx:1.3');
    expect(svc?.taskDefinition.tags[TAG_OWNER]).toBe('fixture');

    expect(live.targetGroups.map((t) => t.name).sort()).toEqual(Array.from({ length: FIXTURE.targetGroups }, (_, i) => tgName(i)));
    expect(live.targetGroups.find((t) => t.name === tgName(0))?.attributes['deregistration_delay.timeout_seconds']).toBe('30');
    expect(live.targetGroups.find((t) => t.name === tgName(10))?.attributes).toEqual({});

    expect(live.loadBalancers.map((lb) => lb.name)).toEqual(['observe-alb']);
    expect(live.listeners.map((l) => l.port).sort()).toEqual([80, 8080]);
    expect(live.rules).toHaveLength(FIXTURE.rules);
    expect(live.rules.every((r) => r.tags[TAG_OWNER] === 'fixture')).toBe(true);
    expect(live.rules.find((r) => r.priority === 107)?.conditions.pathPatterns).toEqual(['/r07*']);

    expect(live.securityGroups.map((g) => g.groupId)).toEqual(fixture.groupIds);
    expect(live.securityGroups.every((g) => g.rules.length === 2)).toBe(true);
  });

  it('declared resources that do not exist are absent, not errors', async () => {
    const desired = structuredClone(fixture.desired);
    const tg = structuredClone(desired.targetGroups[0]!);
    desired.targetGroups.push({ ...tg, name: 'obs-tg-missing', id: 'TargetGroup/obs-tg-missing' });
    const svc = structuredClone(desired.services[0]!);
    desired.services.push({ ...svc, name: 'obs-svc-missing', id: 'Service/obs-svc-missing' });
    desired.services.push({ ...svc, name: 'elsewhere', id: 'Service/elsewhere', spec: { ...svc.spec, cluster: 'no-such-cluster' } });
    const rule = structuredClone(desired.listenerRules[0]!);
    desired.listenerRules.push({ ...rule, name: 'on-missing-lb', id: 'ListenerRule/on-missing-lb', spec: { ...rule.spec, listener: { loadBalancer: 'no-such-alb', port: 80 } } });
    const sg = structuredClone(desired.securityGroupIngress[0]!);
    desired.securityGroupIngress.push({ ...sg, name: 'sg-missing', id: 'SecurityGroupIngress/sg-missing', spec: { ...sg.spec, groupId: 'sg-0123456789abcdef0' } });

    const { live, calls } = await observeCounted(desired);
    expect(live.targetGroups).toHaveLength(FIXTURE.targetGroups);
    expect(live.services).toHaveLength(FIXTURE.services);
    expect(live.clusters).toEqual([CLUSTER]);
    expect(live.loadBalancers.map((lb) => lb.name)).toEqual(['observe-alb']);
    expect(live.securityGroups).toHaveLength(FIXTURE.securityGroups);
    // one listing page of 400 proves the missing one absent
    expect(calls['elbv2:DescribeTargetGroups']).toBe(1);
    // 2 LB names: AWS fails the by-names call whole (then one listing page: 2 calls); moto answers with the one it has (1 call)
    expect(calls['elbv2:DescribeLoadBalancers']).toBeGreaterThanOrEqual(1);
    expect(calls['elbv2:DescribeLoadBalancers']).toBeLessThanOrEqual(2);
    expect(calls['ecs:DescribeServices']).toBe(3);
  });
});
