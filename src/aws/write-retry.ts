// Retry policy around one AWS write. The SDK already retries throttling and 5xx inside each call
// (its own `maxAttempts`), so this outer loop counts the attempts the SDK reports in
// `$metadata.attempts` against one budget instead of multiplying the two.
//
// A failure is "ambiguous" when the request may have reached AWS and been applied (5xx, connection
// reset, timeout). After one, a create must not simply be sent again: the caller gets
// `{ ambiguous: true }` on the next attempt and re-checks (describe, find ours) before re-creating.
// `guardAmbiguousRetries(command)` stops the SDK's own retry loop from blindly re-sending a create
// after such a failure, handing the decision to this module instead.
//
// Two kinds of ambiguous failure differ in when a re-check can be believed. A 5xx is an answer:
// AWS has finished with the request, so a describe right after it sees whatever it did. A
// timeout or a reset got no answer: the request may still be on its way (a slow path holds it
// past the client's deadline and then delivers it), so a describe right away can miss a create
// that lands a moment later, and sending the create again makes a second one. `unanswered` marks
// that case; `awaitLanding` keeps re-checking for a window before the caller decides.
import pRetry from 'p-retry';
import { isRetryable } from '../aws/errors.js';

export interface WriteAttempt {
  /** 1-based */
  attempt: number;
  /** an earlier attempt failed in a way that may have applied the write: re-check before creating */
  ambiguous: boolean;
  /** one of those failures got no answer from AWS (timeout, reset): the write may still be in flight */
  unanswered: boolean;
}

export interface WriteRetryOptions {
  /** outer retries after the first attempt (default 3) */
  retries?: number;
  /** total HTTP attempts, SDK retries included, after which no new attempt starts (default 8) */
  maxTotalAttempts?: number;
  /** first backoff in ms (default 250); doubles each retry, jittered x1..x2 */
  minTimeoutMs?: number;
  /** backoff cap in ms (default 4000) */
  maxTimeoutMs?: number;
  /** which errors are worth another attempt (default: isRetryable from src/aws/errors.ts) */
  isRetryable?: (err: unknown) => boolean;
  /** called before each retry (for logs) */
  onRetry?: (info: { attempt: number; error: unknown; attemptsUsed: number }) => void;
}

const AMBIGUOUS_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const AMBIGUOUS_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AmbiguousWriteError']);

interface ErrorShape {
  name?: string;
  code?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  ambiguous?: boolean;
}

function shape(err: unknown): ErrorShape {
  return typeof err === 'object' && err !== null ? (err as ErrorShape) : {};
}

/** The request may have been applied by AWS although an error came back. */
export function isAmbiguousFailure(err: unknown, depth = 0): boolean {
  const e = shape(err);
  if (e.ambiguous === true) return true;
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (status >= 500 && status <= 599) return true;
  if (e.name !== undefined && AMBIGUOUS_NAMES.has(e.name)) return true;
  if (e.code !== undefined && AMBIGUOUS_NETWORK_CODES.has(e.code)) return true;
  return e.cause !== undefined && depth < 5 && isAmbiguousFailure(e.cause, depth + 1);
}

/** An ambiguous failure without an HTTP answer from AWS: the request may not have been handled yet. */
export function isUnansweredFailure(err: unknown): boolean {
  return isAmbiguousFailure(err) && answeredStatus(err) === undefined;
}

function answeredStatus(err: unknown, depth = 0): number | undefined {
  const e = shape(err);
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status > 0) return status;
  // AmbiguousWriteError keeps the failure that made the write ambiguous in `original`
  const inner = (err as { original?: unknown } | null)?.original ?? e.cause;
  return inner !== undefined && depth < 5 ? answeredStatus(inner, depth + 1) : undefined;
}

/** HTTP attempts the SDK made for the failed call (1 when it does not say). */
export function sdkAttempts(err: unknown): number {
  const n = shape(err).$metadata?.attempts;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/** Thrown instead of a second send after an ambiguous failure inside the SDK's retry loop. */
export class AmbiguousWriteError extends Error {
  override readonly name = 'AmbiguousWriteError';
  readonly ambiguous = true;
  /** the failure that made the write ambiguous (not `cause`: the SDK would treat that as transient) */
  readonly original: unknown;
  constructor(original: unknown) {
    const msg = original instanceof Error ? original.message : String(original);
    super(`the write may or may not have been applied (${msg})`);
    this.original = original;
  }
}

interface StackCommand {
  middlewareStack: {
    addRelativeTo(
      mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      opts: { relation: 'before' | 'after'; toMiddleware: string; name?: string; override?: boolean },
    ): void;
  };
}

/**
 * For non-idempotent creates: once one attempt inside the SDK failed ambiguously, the SDK's next
 * retry of the same command is refused with AmbiguousWriteError (not retryable for the SDK), so
 * the write helper re-checks AWS before it sends the create again. Returns the command.
 */
export function guardAmbiguousRetries<C>(command: C): C {
  let ambiguous: unknown;
  (command as unknown as StackCommand).middlewareStack.addRelativeTo(
    (next) => async (args) => {
      if (ambiguous !== undefined) throw new AmbiguousWriteError(ambiguous);
      try {
        return await next(args);
      } catch (err) {
        if (isAmbiguousFailure(err)) ambiguous = err;
        throw err;
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'ecsReconcilerAmbiguousGuard', override: true },
  );
  return command;
}

/** Run `write` with the policy above. The result is the write's; errors are the last one, unwrapped. */
export async function withWriteRetry<T>(
  write: (attempt: WriteAttempt) => Promise<T>,
  opts: WriteRetryOptions = {},
): Promise<T> {
  const retryable = opts.isRetryable ?? isRetryableWrite;
  const maxTotal = opts.maxTotalAttempts ?? 8;
  let used = 0;
  let ambiguous = false;
  let unanswered = false;
  let attempt = 0;
  let lastError: unknown;
  try {
    return await pRetry(
      async () => {
        attempt += 1;
        try {
          return await write({ attempt, ambiguous, unanswered });
        } catch (err) {
          lastError = err;
          used += sdkAttempts(err);
          if (isAmbiguousFailure(err)) ambiguous = true;
          if (isUnansweredFailure(err)) unanswered = true;
          throw err instanceof Error ? err : new Error(String(err));
        }
      },
      {
        retries: opts.retries ?? 3,
        minTimeout: opts.minTimeoutMs ?? 250,
        maxTimeout: opts.maxTimeoutMs ?? 4000,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => used < maxTotal && retryable(lastError ?? error),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0 && used < maxTotal && retryable(lastError ?? error)) {
            opts.onRetry?.({ attempt: attemptNumber, error: lastError ?? error, attemptsUsed: used });
          }
        },
      },
    );
  } catch (err) {
    throw lastError ?? err;
  }
}

/** Default retry decision: AWS's retryable errors, plus an ambiguous create the caller re-checks. */
export function isRetryableWrite(err: unknown): boolean {
  if (err instanceof UnsettledWriteError) return false;
  if (err instanceof AmbiguousWriteError) return true;
  return isRetryable(err);
}

/**
 * A create that got no answer and did not show up within the landing window: it may still land,
 * so it is not sent again (a second resource otherwise). Not retried; the next cycle re-checks.
 */
export class UnsettledWriteError extends Error {
  override readonly name = 'UnsettledWriteError';
}

export interface LandingWindow {
  /** how long to keep re-checking, ms */
  windowMs: number;
  /** pause between checks, ms (default 2000) */
  pollMs?: number;
  /** for tests */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** How long a create that got no answer is given to land: twice the request deadline. */
export function landingWindowMs(requestDeadlineMs: number): number {
  // AWS handles a request it received well within one deadline; the second one covers a path that
  // held the request for as long again before delivering it (what the fault proxy's delay does)
  return 2 * requestDeadlineMs;
}

/** Re-check (`check` returns what the write made, if it landed) until found or the window ends. */
export async function awaitLanding<T>(check: () => Promise<T | undefined>, window: LandingWindow): Promise<T | undefined> {
  const now = window.now ?? Date.now;
  const sleep = window.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const end = now() + window.windowMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    const left = end - now();
    if (left <= 0) return undefined;
    await sleep(Math.min(window.pollMs ?? 2_000, left));
  }
}
