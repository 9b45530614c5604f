// The rule language of the fault proxy: which calls a rule applies to, seeded randomness,
// and token buckets that throttle like AWS's per-account request-rate limits.
import { isReadOperation, type AwsService } from './aws-wire.js';

/** Which calls a rule applies to. Every given field must match; an empty matcher matches all. */
/** The controller's three services, and STS (targets' AssumeRole) and DynamoDB (leases). */
export type ProxiedService = AwsService | 'sts' | 'dynamodb';

export interface CallMatcher {
  service?: ProxiedService | ProxiedService[];
  /** exact operation name(s), or a pattern */
  operation?: string | string[] | RegExp;
  /** read = Describe, List and Get operations; write = everything else */
  kind?: 'read' | 'write';
  /** request parameters that must be equal (the form fields or the JSON body's top level), e.g. { RoleArn: '...' } */
  params?: Record<string, string>;
}

export type FaultKind = 'throttle' | 'error500' | 'accessDenied' | 'drop' | 'trickle' | 'delay' | 'silent';

export interface FaultRule extends CallMatcher {
  /**
   * throttle: the service's own throttling error; error500: its 5xx error; accessDenied: its 403
   * AccessDenied (STS: a role that cannot be assumed); drop: destroy the socket;
   * trickle: forward, then send moto's answer (headers at once) one body byte every `trickleMs`;
   * delay: hold the request `delayMs`, then forward it even when the client has given up (a late write);
   * silent: read the request and never answer (the socket stays open until the client or stop() closes it)
   */
  fault: FaultKind;
  /** trickle: ms between two body bytes (default 1000) */
  trickleMs?: number;
  /** delay: ms the request is held before it goes to moto (default 1000) */
  delayMs?: number;
  /** chance per matching call, 0..1 (default 1), drawn from the proxy's seeded RNG */
  probability?: number;
  /** let this many matching calls through before the rule starts firing (default 0) */
  skip?: number;
  /** fire at most this many times (default: no limit) */
  times?: number;
}

export interface LatencyRule extends CallMatcher {
  /** added before the call is answered or forwarded */
  latencyMs: number;
}

export interface RateLimitRule extends CallMatcher {
  /** bucket size: calls allowed in a burst */
  capacity: number;
  /** tokens added per second */
  refillPerSecond: number;
  /** rule: one bucket for every call the rule matches (an operation class); operation: one per operation */
  scope?: 'rule' | 'operation';
}

export interface CallInfo {
  service: string;
  operation: string;
  params?: Record<string, unknown>;
  /** whose buckets the call draws from: AWS's are per account and region (e.g. `111111111111/us-east-1`) */
  bucketScope?: string;
}

export function matches(matcher: CallMatcher, call: CallInfo): boolean {
  if (matcher.service !== undefined) {
    const services: string[] = Array.isArray(matcher.service) ? matcher.service : [matcher.service];
    if (!services.includes(call.service)) return false;
  }
  if (matcher.operation !== undefined) {
    const { operation } = matcher;
    if (operation instanceof RegExp) {
      if (!operation.test(call.operation)) return false;
    } else if (!(Array.isArray(operation) ? operation : [operation]).includes(call.operation)) {
      return false;
    }
  }
  if (matcher.kind !== undefined && (matcher.kind === 'read') !== isReadOperation(call.operation)) return false;
  if (matcher.params !== undefined && !Object.entries(matcher.params).every(([k, v]) => call.params?.[k] === v)) return false;
  return true;
}

/** mulberry32: a small, fast, seeded PRNG; the same seed gives the same fault pattern. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A token bucket (one per rule, or per rule and operation, in each account and region): starts full, refills continuously, one token per call. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  available(): number {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
    return this.tokens;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/** Decides, call by call, which fault (if any) fires. State: RNG, per-rule match counts, buckets. */
export class FaultPlan {
  private random: () => number;
  private faultState: { seen: number; fired: number }[];
  private buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly faults: FaultRule[],
    private readonly rateLimits: RateLimitRule[],
    private readonly latency: LatencyRule[],
    private readonly baseLatencyMs: number,
    seed: number,
    private readonly now: () => number,
  ) {
    this.random = seededRandom(seed);
    this.faultState = faults.map(() => ({ seen: 0, fired: 0 }));
  }

  latencyFor(call: CallInfo): number {
    return this.latency.filter((rule) => matches(rule, call)).reduce((sum, rule) => sum + rule.latencyMs, this.baseLatencyMs);
  }

  /** The first fault rule that fires for this call, else a rate-limit throttle, else undefined. */
  decide(call: CallInfo): { fault: FaultKind; by: 'rule' | 'rate-limit'; rule?: FaultRule } | undefined {
    for (const [index, rule] of this.faults.entries()) {
      if (!matches(rule, call)) continue;
      const state = this.faultState[index]!;
      state.seen += 1;
      if (state.seen <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && state.fired >= rule.times) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      state.fired += 1;
      return { fault: rule.fault, by: 'rule', rule };
    }
    const buckets = this.rateLimits.flatMap((rule, index) => {
      if (!matches(rule, call)) return [];
      const key = `${call.bucketScope ?? ''}|${rule.scope === 'operation' ? `${index}:${call.service}:${call.operation}` : `${index}`}`;
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(rule.capacity, rule.refillPerSecond, this.now)));
      return [bucket];
    });
    if (buckets.some((bucket) => bucket.available() < 1)) return { fault: 'throttle', by: 'rate-limit' };
    for (const bucket of buckets) bucket.take();
    return undefined;
  }
}
