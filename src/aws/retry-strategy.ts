// The SDK retry strategy the controller's clients use. Two separate budgets:
// - throttling errors are retried up to `maxThrottleRetries` times with a growing pause
//   (the rate limiter's drained bucket adds its own wait), so throttling slows a cycle
//   down instead of failing it;
// - transient failures (5xx, timeouts, connection refused/reset) get `maxAttempts` attempts
//   in all with a short backoff, so an unreachable endpoint fails fast (well under 30 s).
// No shared retry quota: the client-side rate limiter is what keeps call volume in check.
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { isRetryable, isThrottling } from './errors.js';

export interface RetryPolicy {
  /** attempts in all for transient errors (1 = no retry); default 3 */
  maxAttempts: number;
  /** retries after throttling errors; default 8 */
  maxThrottleRetries: number;
  /** first backoff for transient errors, ms; default 100 (doubles, capped at 2 s) */
  transientBaseMs: number;
  /** first backoff after a throttling error, ms; default 250 (doubles, capped at 5 s) */
  throttleBaseMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  maxThrottleRetries: 8,
  transientBaseMs: 100,
  throttleBaseMs: 250,
};

const TRANSIENT_CAP_MS = 2_000;
const THROTTLE_CAP_MS = 5_000;

export class ControllerRetryToken implements RetryToken {
  constructor(
    readonly transientRetries: number,
    readonly throttleRetries: number,
    private readonly delayMs: number,
  ) {}

  getRetryCount(): number {
    return this.transientRetries + this.throttleRetries;
  }

  getRetryDelay(): number {
    return this.delayMs;
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function backoffMs(retry: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** retry);
  return Math.round(exp / 2 + (exp / 2) * random());
}

export class ControllerRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'ecs-reconciler';
  private readonly policy: RetryPolicy;

  constructor(
    policy: Partial<RetryPolicy> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy };
    if (!(this.policy.maxAttempts >= 1)) throw new Error(`maxAttempts must be >= 1 (got ${this.policy.maxAttempts})`);
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return new ControllerRetryToken(0, 0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const prev = token instanceof ControllerRetryToken ? token : new ControllerRetryToken(token.getRetryCount(), 0, 0);
    const err = info.error;
    if (info.errorType === 'THROTTLING' || isThrottling(err)) {
      if (prev.throttleRetries < this.policy.maxThrottleRetries) {
        const delay = backoffMs(prev.throttleRetries, this.policy.throttleBaseMs, THROTTLE_CAP_MS, this.random);
        return new ControllerRetryToken(prev.transientRetries, prev.throttleRetries + 1, delay);
      }
      throw new Error('throttling retries exhausted');
    }
    const transient = info.errorType === 'TRANSIENT' || (info.errorType === 'SERVER_ERROR' && isRetryable(err));
    if (transient && prev.transientRetries + 1 < this.policy.maxAttempts) {
      const delay = backoffMs(prev.transientRetries, this.policy.transientBaseMs, TRANSIENT_CAP_MS, this.random);
      return new ControllerRetryToken(prev.transientRetries + 1, prev.throttleRetries, delay);
    }
    throw new Error('not retryable or attempts exhausted');
  }

  recordSuccess(_token: RetryToken): void {
    // no shared retry quota to refill
  }
}
