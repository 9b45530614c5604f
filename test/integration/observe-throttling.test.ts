// Client-side rate limiting against AWS-like token buckets in the fault proxy (issue 7):
// with the limiter set to the proxy's buckets, observe() gets no throttling error back;
// without it, the proxy throttles and observe() still succeeds because throttled calls
// wait and retry instead of failing the cycle. Small buckets keep the test short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import type { RateLimitOverrides } from '../../src/aws/rate-limits.js';
import { createObserveCache, observe } from '../../src/controller/observe.js';
import { TEST_AWS_ENV, withEnv } from '../aws/fake-aws-server.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy, type RateLimitRule } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';
import { buildObserveFixture, type Fixture, FIXTURE, FIXTURE_INVENTORY, minimumCalls } from './observe-fixture.js';

/** The proxy's "AWS": per-class buckets as AWS documents them, scaled down. */
const AWS_BUCKETS: RateLimitRule[] = [
  { service: 'ecs', operation: ['DescribeServices', 'ListServices'], capacity: 5, refillPerSecond: 20 },
  { service: 'ecs', operation: ['DescribeClusters', 'ListClusters'], capacity: 5, refillPerSecond: 20 },
  { service: 'ecs', operation: 'DescribeTaskDefinition', capacity: 5, refillPerSecond: 20 },
  { service: 'elbv2', capacity: 5, refillPerSecond: 10 },
  { service: 'ec2', kind: 'read', capacity: 5, refillPerSecond: 20, scope: 'operation' },
];

/** The controller told the same numbers. */
const CLIENT_LIMITS: RateLimitOverrides = {
  'ecs:describe': { capacity: 5, refillPerSecond: 20 },
  'ecs:cluster-read': { capacity: 5, refillPerSecond: 20 },
  'ecs:task-definition-read': { capacity: 5, refillPerSecond: 20 },
  'elbv2:describe': { capacity: 5, refillPerSecond: 10 },
  'elbv2:account': { capacity: 5, refillPerSecond: 10 },
  'ec2:describe': { capacity: 5, refillPerSecond: 20 },
};

let builder: TestClients;
let fixture: Fixture;
let proxy: FaultProxy;

beforeAll(async () => {
  builder = createTestClients(motoUrl());
  fixture = await buildObserveFixture(builder);
  proxy = new FaultProxy({ target: motoUrl(), latencyMs: 5, rateLimits: AWS_BUCKETS });
  await proxy.start();
});

afterAll(async () => {
  builder?.destroy();
  await proxy?.stop();
});

async function observeThroughProxy(rateLimits: RateLimitOverrides | false) {
  proxy.configure({ latencyMs: 5, rateLimits: AWS_BUCKETS }); // fresh, full buckets
  proxy.resetCounts();
  return withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: proxy.url }, async () => {
    const clients = createAwsClients({ rateLimits });
    try {
      const live = await observe(fixture.desired, clients, { cache: createObserveCache() });
      return { live, clients };
    } finally {
      clients.destroy();
    }
  });
}

describe('observe under AWS-like throttling', () => {
  it('the client-side limiter keeps every call under the buckets: zero throttling errors', async () => {
    const { live, clients } = await observeThroughProxy(CLIENT_LIMITS);
    expect(proxy.count('ecs', undefined, { outcome: 'rate-limited' }) + proxy.count('elbv2', undefined, { outcome: 'rate-limited' }) + proxy.count('ec2', undefined, { outcome: 'rate-limited' })).toBe(0);
    expect(clients.calls.count({ outcome: 'throttled' })).toBe(0);
    expect(clients.limiter?.stats().waited).toBeGreaterThan(0); // it did have to hold calls back
    expect(live.services).toHaveLength(FIXTURE.services);
    // and no call beyond the minimum
    expect(clients.calls.byOperation()).toEqual(
      minimumCalls(FIXTURE_INVENTORY),
    );
  });

  it('without the limiter AWS throttles, and throttled calls wait and retry: the cycle still succeeds', async () => {
    const { live, clients } = await observeThroughProxy(false);
    const throttled = proxy.counts({ outcome: 'rate-limited' });
    expect(Object.values(throttled).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(clients.calls.count({ outcome: 'throttled' })).toBe(Object.values(throttled).reduce((a, b) => a + b, 0));
    expect(live.services).toHaveLength(FIXTURE.services);
    expect(live.rules).toHaveLength(FIXTURE.rules);
  });
});
