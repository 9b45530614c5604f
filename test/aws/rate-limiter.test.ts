import { describe, expect, it } from 'vitest';
import { type Clock, RateLimiter, rateLimitMiddleware, TokenBucket } from '../../src/aws/rate-limiter.js';
import { bucketClassesFor, DEFAULT_RATE_LIMITS, resolveRateLimits } from '../../src/aws/rate-limits.js';

/** Time only moves when a test (or a sleeping caller) moves it. */
class FakeClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

describe('TokenBucket', () => {
  it('serves a burst of `capacity` at once, then one token per 1/rate seconds', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, clock);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    // queued callers get increasing waits: 0.5 s, 1 s, 1.5 s
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([500, 1000, 1500]);
  });

  it('refills over time, never above capacity', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 10 }, clock);
    bucket.reserve();
    bucket.reserve();
    expect(bucket.available()).toBe(0);
    clock.advance(100);
    expect(bucket.available()).toBeCloseTo(1);
    clock.advance(10_000);
    expect(bucket.available()).toBe(2);
  });

  it('drain empties a full bucket so the next call waits a refill', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ capacity: 40, refillPerSecond: 10 }, clock);
    bucket.drain();
    expect(bucket.reserve()).toBe(100);
  });

  it('drain keeps the debt of callers already queued', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 }, clock);
    bucket.reserve();
    bucket.reserve(); // -1
    bucket.drain();
    expect(bucket.reserve()).toBe(2000);
  });
});

describe('default rate limits (AWS published buckets)', () => {
  it.each([
    ['ecs:describe', 100, 20],
    ['ecs:mutate', 50, 5],
    ['ecs:task-definition-mutate', 20, 1],
    ['elbv2:describe', 40, 10],
    ['elbv2:mutate', 20, 3],
    ['elbv2:account', 40, 10],
    ['ec2:describe', 100, 20],
    ['ec2:mutate', 50, 5],
  ] as const)('%s = %i burst / %i per s', (cls, capacity, rate) => {
    expect(DEFAULT_RATE_LIMITS[cls]).toEqual({ capacity, refillPerSecond: rate });
  });

  it.each([
    ['ecs', 'DescribeServices', ['ecs:describe']],
    ['ecs', 'DescribeTaskDefinition', ['ecs:task-definition-read']],
    ['ecs', 'DescribeClusters', ['ecs:cluster-read']],
    ['ecs', 'UpdateService', ['ecs:mutate']],
    ['ecs', 'RegisterTaskDefinition', ['ecs:task-definition-mutate']],
    ['ecs', 'TagResource', ['ecs:tag-mutate']],
    ['elbv2', 'DescribeRules', ['elbv2:describe', 'elbv2:account']],
    ['elbv2', 'ModifyRule', ['elbv2:mutate', 'elbv2:account']],
    ['elbv2', 'RegisterTargets', ['elbv2:registration', 'elbv2:account']],
    ['ec2', 'DescribeSecurityGroupRules', ['ec2:describe']],
    ['ec2', 'AuthorizeSecurityGroupIngress', ['ec2:mutate']],
    ['ec2', 'CreateTags', ['ec2:tags']],
  ] as const)('%s:%s draws from %j', (service, operation, classes) => {
    expect(bucketClassesFor(service, operation)).toEqual(classes);
  });

  it('by default uses 90 % of each bucket (headroom for jitter and other callers), never below 1 token', () => {
    const limits = resolveRateLimits({ 'ecs:task-definition-mutate': { capacity: 1, refillPerSecond: 1 } });
    expect(limits['elbv2:describe']).toEqual({ capacity: 36, refillPerSecond: 9 });
    expect(limits['ecs:task-definition-mutate']).toEqual({ capacity: 1, refillPerSecond: 0.9 });
    expect(() => resolveRateLimits({}, 0)).toThrow(/utilization/);
    expect(() => resolveRateLimits({}, 1.5)).toThrow(/utilization/);
  });

  it('overrides replace a class, null switches it off, bad values are refused', () => {
    const limits = resolveRateLimits({ 'elbv2:describe': { capacity: 200, refillPerSecond: 50 }, 'elbv2:account': null }, 1);
    expect(limits['elbv2:describe']).toEqual({ capacity: 200, refillPerSecond: 50 });
    expect(limits['elbv2:account']).toBeUndefined();
    expect(limits['ecs:describe']).toEqual({ capacity: 100, refillPerSecond: 20 });
    expect(() => resolveRateLimits({ 'ec2:describe': { capacity: 0, refillPerSecond: 1 } })).toThrow(/ec2:describe/);
  });
});

describe('RateLimiter', () => {
  it('default utilization: 36 ELBv2 describes at once, then 9 per second', async () => {
    const limiter = new RateLimiter({}, new FakeClock());
    const waits: number[] = [];
    for (let i = 0; i < 37; i++) waits.push(await limiter.acquire('elbv2', 'DescribeTags'));
    expect(waits.filter((w) => w === 0)).toHaveLength(36);
    expect(waits[36]).toBe(112); // ceil(1000 / 9)
  });

  it('ELBv2 describes at full utilization: 40 at once, then 10 per second (a 41st call waits 100 ms)', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({}, clock, 1);
    const waits: number[] = [];
    for (let i = 0; i < 45; i++) waits.push(await limiter.acquire('elbv2', 'DescribeTags'));
    expect(waits.slice(0, 40).every((w) => w === 0)).toBe(true);
    expect(waits.slice(40)).toEqual([100, 200, 300, 400, 500]);
    expect(limiter.stats()).toMatchObject({ waited: 5, waitedMs: 1500 });
  });

  it('the ELBv2 account bucket is shared by describes and writes', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ 'elbv2:describe': { capacity: 1000, refillPerSecond: 1000 } }, clock, 1);
    for (let i = 0; i < 40; i++) await limiter.acquire('elbv2', 'DescribeRules');
    // describe bucket is far from empty, but the account bucket is: a write must wait
    expect(await limiter.acquire('elbv2', 'ModifyRule')).toBe(100);
  });

  it('EC2 buckets are per operation, ECS ones per class', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({}, clock, 1);
    for (let i = 0; i < 100; i++) await limiter.acquire('ec2', 'DescribeSecurityGroups');
    expect(await limiter.acquire('ec2', 'DescribeSecurityGroupRules')).toBe(0);
    expect(await limiter.acquire('ec2', 'DescribeSecurityGroups')).toBe(50);
    for (let i = 0; i < 100; i++) await limiter.acquire('ecs', 'DescribeServices');
    expect(await limiter.acquire('ecs', 'ListServices')).toBe(50);
  });

  it('after a throttling error the next call waits for a refill', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({}, clock, 1);
    expect(await limiter.acquire('ecs', 'DescribeServices')).toBe(0);
    limiter.throttled('ecs', 'DescribeServices');
    expect(await limiter.acquire('ecs', 'DescribeServices')).toBe(50);
    expect(limiter.stats().throttled).toBe(1);
  });

  it('peekWaitMs tells the wait without taking a token', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ 'ecs:mutate': { capacity: 1, refillPerSecond: 5 } }, clock, 1);
    expect(limiter.peekWaitMs('ecs', 'UpdateService')).toBe(0);
    await limiter.acquire('ecs', 'UpdateService');
    expect(limiter.peekWaitMs('ecs', 'UpdateService')).toBe(200);
    expect(limiter.peekWaitMs('ecs', 'UpdateService')).toBe(200);
  });
});

describe('rateLimitMiddleware', () => {
  it('waits for a token before each attempt and drains on a throttling error', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ 'ecs:describe': { capacity: 1, refillPerSecond: 4 } }, clock, 1);
    const mw = rateLimitMiddleware(limiter, 'ecs');
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    let sent = 0;
    const handler = mw(
      async () => {
        sent += 1;
        if (sent === 1) throw throttle;
        return { response: {}, output: { $metadata: {} } };
      },
      { commandName: 'DescribeServicesCommand' },
    );
    await expect(handler({ input: {}, request: {} })).rejects.toBe(throttle);
    expect(clock.sleeps).toEqual([]); // first call had a token
    await handler({ input: {}, request: {} });
    expect(clock.sleeps).toEqual([250]); // drained: the retry waited for one refill
    expect(sent).toBe(2);
  });
});
