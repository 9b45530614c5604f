// ECS_RECONCILER_RATE_LIMITS: bucket overrides for an account whose quotas AWS raised.
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { parseRateLimits, RATE_LIMITS_ENV } from '../../src/aws/rate-limits.js';

describe('parseRateLimits', () => {
  it.each([
    ['', {}],
    ['  ', {}],
    ['off', false],
    ['elbv2:describe=200/50', { 'elbv2:describe': { capacity: 200, refillPerSecond: 50 } }],
    [
      'elbv2:describe=200/50, elbv2:account = 200 / 50',
      { 'elbv2:describe': { capacity: 200, refillPerSecond: 50 }, 'elbv2:account': { capacity: 200, refillPerSecond: 50 } },
    ],
    ['ecs:describe=off', { 'ecs:describe': null }],
    ['elbv2:resource-intensive=10/0.2', { 'elbv2:resource-intensive': { capacity: 10, refillPerSecond: 0.2 } }],
  ])('%j', (text, expected) => {
    expect(parseRateLimits(text)).toEqual(expected);
  });

  it.each(['elbv2:describ=200/50', 'elbv2:describe=200', 'elbv2:describe=fast', 'elbv2:describe'])('rejects %j naming the variable and the entry', (text) => {
    expect(() => parseRateLimits(text)).toThrow(new RegExp(`^${RATE_LIMITS_ENV}: ".+" is not <class>=<burst>/<per-second>`));
  });
});

describe('createAwsClients reads ECS_RECONCILER_RATE_LIMITS', () => {
  const saved = process.env[RATE_LIMITS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[RATE_LIMITS_ENV];
    else process.env[RATE_LIMITS_ENV] = saved;
  });

  it('off: no client-side limiter', () => {
    process.env[RATE_LIMITS_ENV] = 'off';
    const clients = createAwsClients({ region: 'us-east-1' });
    expect(clients.limiter).toBeUndefined();
    clients.destroy();
  });

  it('a raised ELBv2 describe bucket lets a 100-call burst through without waiting', () => {
    process.env[RATE_LIMITS_ENV] = 'elbv2:describe=200/50,elbv2:account=200/50';
    const clients = createAwsClients({ region: 'us-east-1' });
    expect(clients.limiter?.peekWaitMs('elbv2', 'DescribeTags')).toBe(0);
    for (let i = 0; i < 100; i++) void clients.limiter?.acquire('elbv2', 'DescribeTags');
    expect(clients.limiter?.peekWaitMs('elbv2', 'DescribeTags')).toBe(0);
    clients.destroy();
  });

  it('explicit options win over the variable', () => {
    process.env[RATE_LIMITS_ENV] = 'off';
    const clients = createAwsClients({ region: 'us-east-1', rateLimits: {} });
    expect(clients.limiter).toBeDefined();
    clients.destroy();
  });
});
