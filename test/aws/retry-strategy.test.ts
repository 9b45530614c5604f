import type { RetryErrorInfo, RetryToken, SdkError } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { backoffMs, ControllerRetryStrategy } from '../../src/aws/retry-strategy.js';

/** An SDK-shaped error (the strategy only reads name, code and $metadata). */
function sdkError(e: Error): SdkError {
  return e as unknown as SdkError;
}

const throttle: RetryErrorInfo = {
  errorType: 'THROTTLING',
  error: sdkError(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })),
};
const refused: RetryErrorInfo = {
  errorType: 'TRANSIENT',
  error: sdkError(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error', code: 'ECONNREFUSED', $metadata: {} })),
};
const server500: RetryErrorInfo = {
  errorType: 'TRANSIENT',
  error: sdkError(Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } })),
};
const denied: RetryErrorInfo = {
  errorType: 'CLIENT_ERROR',
  error: sdkError(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })),
};
// ELBv2's throttling code is not in every SDK list: classified by our own isThrottling
const elbThrottleUnclassified: RetryErrorInfo = {
  errorType: 'CLIENT_ERROR',
  error: sdkError(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequests', $metadata: { httpStatusCode: 400 } })),
};

/** Refresh until the strategy refuses; returns the delays it asked for. */
async function retriesUntilRefused(strategy: ControllerRetryStrategy, infos: RetryErrorInfo[]): Promise<number[]> {
  let token: RetryToken = await strategy.acquireInitialRetryToken('scope');
  const delays: number[] = [];
  for (const info of infos) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, info);
    } catch {
      return delays;
    }
    delays.push(token.getRetryDelay());
  }
  return delays;
}

describe('ControllerRetryStrategy', () => {
  const fixedRandom = () => 0.5;

  it.each([
    ['connection refused', refused, 3, 2],
    ['500', server500, 3, 2],
    ['connection refused, maxAttempts 1', refused, 1, 0],
    ['AccessDenied', denied, 3, 0],
  ])('%s: %i attempts in all -> %i retries', async (_label, info, maxAttempts, retries) => {
    const strategy = new ControllerRetryStrategy({ maxAttempts }, fixedRandom);
    expect(await retriesUntilRefused(strategy, Array(10).fill(info))).toHaveLength(retries);
  });

  it('throttling has its own, larger budget and does not use the transient one', async () => {
    const strategy = new ControllerRetryStrategy({ maxAttempts: 3, maxThrottleRetries: 8 }, fixedRandom);
    const delays = await retriesUntilRefused(strategy, [...Array(8).fill(throttle), refused, refused, refused]);
    expect(delays).toHaveLength(10); // 8 throttling retries, then still 2 transient ones
  });

  it('recognises throttling the SDK did not classify', async () => {
    const strategy = new ControllerRetryStrategy({ maxThrottleRetries: 2 }, fixedRandom);
    expect(await retriesUntilRefused(strategy, Array(5).fill(elbThrottleUnclassified))).toHaveLength(2);
  });

  it('backs off exponentially within caps', async () => {
    const strategy = new ControllerRetryStrategy({ maxAttempts: 5, throttleBaseMs: 250, transientBaseMs: 100 }, () => 1);
    expect(await retriesUntilRefused(strategy, Array(4).fill(refused))).toEqual([100, 200, 400, 800]);
    const throttled = new ControllerRetryStrategy({ maxThrottleRetries: 6, throttleBaseMs: 250 }, () => 1);
    expect(await retriesUntilRefused(throttled, Array(6).fill(throttle))).toEqual([250, 500, 1000, 2000, 4000, 5000]);
  });

  it('refuses maxAttempts below 1', () => {
    expect(() => new ControllerRetryStrategy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});

describe('backoffMs', () => {
  it.each([
    [0, 0, 50],
    [0, 1, 100],
    [3, 0, 400],
    [10, 1, 2000],
  ])('retry %i with random %d -> %i ms (base 100, cap 2000)', (retry, random, expected) => {
    expect(backoffMs(retry, 100, 2000, () => random)).toBe(expected);
  });
});
