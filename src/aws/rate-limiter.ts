// Client-side token buckets: every AWS call waits for a token from its service/class
// bucket(s) before it is sent, so the controller throttles itself instead of spending
// AWS's account-wide bucket (shared with the console, Terraform, other controllers) and
// the SDK's retry quota. Installed as client middleware after the SDK's retry middleware,
// so each attempt (retries included) takes a token.
import type { FinalizeRequestHandlerOptions, FinalizeRequestMiddleware, HandlerExecutionContext } from '@smithy/types';
import type { AwsService } from './aws-service.js';
import { isThrottling } from './errors.js';
import {
  type BucketClass,
  type BucketConfig,
  type RateLimitOverrides,
  bucketClassesFor,
  isPerOperationClass,
  resolveRateLimits,
} from './rate-limits.js';

/** Time source; tests pass a fake one. */
export interface Clock {
  /** milliseconds, monotonic */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket that hands out reservations: `reserve()` always takes a token and
 * returns how long the caller must wait for it (tokens may go negative = queued callers),
 * so concurrent callers are served in order without polling.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly config: BucketConfig,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.tokens = config.capacity;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.config.capacity, this.tokens + elapsed * this.config.refillPerSecond);
  }

  /** Take one token; returns the milliseconds to wait before using it (0 = now). */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.config.refillPerSecond) * 1000);
  }

  /** AWS said we are throttled: its bucket is empty, so ours should be too. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  /** Tokens available now (negative: callers queued). */
  available(): number {
    this.refill();
    return this.tokens;
  }
}

export interface RateLimiterStats {
  /** calls that had to wait for a token */
  waited: number;
  /** total milliseconds spent waiting */
  waitedMs: number;
  /** throttling errors that came back anyway */
  throttled: number;
}

export class RateLimiter {
  private readonly limits: Partial<Record<BucketClass, BucketConfig>>;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly counters: RateLimiterStats = { waited: 0, waitedMs: 0, throttled: 0 };

  /**
   * @param overrides per-class buckets (AWS's published sizes by default)
   * @param clock time source (tests pass a fake one)
   * @param utilization share of each bucket to use (default 0.9, see DEFAULT_UTILIZATION)
   */
  constructor(
    overrides: RateLimitOverrides = {},
    private readonly clock: Clock = systemClock,
    utilization?: number,
  ) {
    this.limits = resolveRateLimits(overrides, utilization);
  }

  private bucketsFor(service: AwsService, operation: string): TokenBucket[] {
    const out: TokenBucket[] = [];
    for (const cls of bucketClassesFor(service, operation)) {
      const cfg = this.limits[cls];
      if (!cfg) continue;
      const key = isPerOperationClass(cls) ? `${cls}:${operation}` : cls;
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = new TokenBucket(cfg, this.clock);
        this.buckets.set(key, bucket);
      }
      out.push(bucket);
    }
    return out;
  }

  /** How long a call would have to wait right now, without taking a token. */
  peekWaitMs(service: AwsService, operation: string): number {
    let wait = 0;
    for (const b of this.bucketsFor(service, operation)) {
      const t = b.available();
      if (t < 1) wait = Math.max(wait, Math.ceil(((1 - t) / b.config.refillPerSecond) * 1000));
    }
    return wait;
  }

  /** Wait until the call may be sent; resolves with the milliseconds waited. */
  async acquire(service: AwsService, operation: string): Promise<number> {
    let wait = 0;
    for (const b of this.bucketsFor(service, operation)) wait = Math.max(wait, b.reserve());
    if (wait > 0) {
      this.counters.waited += 1;
      this.counters.waitedMs += wait;
      await this.clock.sleep(wait);
    }
    return wait;
  }

  /** A throttling error came back: empty the call's buckets so the retry waits for a refill. */
  throttled(service: AwsService, operation: string): void {
    this.counters.throttled += 1;
    for (const b of this.bucketsFor(service, operation)) b.drain();
  }

  stats(): RateLimiterStats {
    return { ...this.counters };
  }
}

function operationOf(context: HandlerExecutionContext): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

/** Client middleware: wait for a token before each attempt; drain on throttling errors. */
export function rateLimitMiddleware(limiter: RateLimiter, service: AwsService): FinalizeRequestMiddleware<object, object> {
  return (next, context) => async (args) => {
    const operation = operationOf(context);
    await limiter.acquire(service, operation);
    try {
      return await next(args);
    } catch (err) {
      if (isThrottling(err)) limiter.throttled(service, operation);
      throw err;
    }
  };
}

export const RATE_LIMIT_MIDDLEWARE_NAME = 'ecsReconcilerRateLimit';

export const rateLimitMiddlewareOptions: FinalizeRequestHandlerOptions & { name: string } = {
  step: 'finalizeRequest',
  name: RATE_LIMIT_MIDDLEWARE_NAME,
};
