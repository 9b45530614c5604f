// Counts every AWS request attempt by service, operation and outcome (ok | throttled |
// error code). Installed as client middleware after the SDK's retry middleware, so a
// retried call counts once per attempt, the way AWS (and the test fault proxy) see it.
// The benchmark reads snapshots; the daemon's /metrics subscribes to events.
import type { FinalizeRequestHandlerOptions, FinalizeRequestMiddleware, HandlerExecutionContext } from '@smithy/types';
import type { AwsService } from './aws-service.js';
import { errorCode, isThrottling } from './errors.js';

/** `ok`, `throttled`, or the AWS / network error code (e.g. `AccessDenied`, `ECONNREFUSED`). */
export type CallOutcome = string;

export interface CallEvent {
  service: AwsService;
  operation: string;
  outcome: CallOutcome;
  /** time from sending to the response or error, ms */
  durationMs: number;
  /** the endpoint the request went to, e.g. `http://127.0.0.1:5000` */
  endpoint?: string;
}

export interface CallCount {
  service: AwsService;
  operation: string;
  outcome: CallOutcome;
  count: number;
}

export interface CallFilter {
  service?: AwsService;
  operation?: string;
  outcome?: CallOutcome;
}

export type CallListener = (event: CallEvent) => void;

export class CallCounter {
  private readonly counts = new Map<string, CallCount>();
  private readonly listeners = new Set<CallListener>();

  record(event: CallEvent): void {
    const key = `${event.service}\u0000${event.operation}\u0000${event.outcome}`;
    const entry = this.counts.get(key);
    if (entry) entry.count += 1;
    else this.counts.set(key, { service: event.service, operation: event.operation, outcome: event.outcome, count: 1 });
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a broken metrics listener must never fail an AWS call
      }
    }
  }

  /** Every (service, operation, outcome) seen since the last reset, sorted. */
  snapshot(): CallCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) =>
        a.service !== b.service
          ? a.service.localeCompare(b.service)
          : a.operation !== b.operation
            ? a.operation.localeCompare(b.operation)
            : a.outcome.localeCompare(b.outcome),
      );
  }

  /** Number of attempts matching the filter (all outcomes unless given). */
  count(filter: CallFilter = {}): number {
    let n = 0;
    for (const c of this.counts.values()) {
      if (filter.service && c.service !== filter.service) continue;
      if (filter.operation && c.operation !== filter.operation) continue;
      if (filter.outcome && c.outcome !== filter.outcome) continue;
      n += c.count;
    }
    return n;
  }

  /** `{ 'elbv2:DescribeRules': 2, ... }`, all outcomes summed: the shape tests and the benchmark compare. */
  byOperation(filter: Omit<CallFilter, 'operation'> = {}): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.snapshot()) {
      if (filter.service && c.service !== filter.service) continue;
      if (filter.outcome && c.outcome !== filter.outcome) continue;
      const key = `${c.service}:${c.operation}`;
      out[key] = (out[key] ?? 0) + c.count;
    }
    return out;
  }

  reset(): void {
    this.counts.clear();
  }

  /** Subscribe to every attempt as it completes; returns the unsubscribe function. */
  onCall(listener: CallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

interface RequestLike {
  protocol?: string;
  hostname?: string;
  port?: number;
}

function endpointOf(request: unknown): string | undefined {
  const r = request as RequestLike | undefined;
  if (!r?.hostname) return undefined;
  const protocol = (r.protocol ?? 'https:').replace(/:?$/, ':');
  return `${protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}`;
}

function operationOf(context: HandlerExecutionContext): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

/**
 * Client middleware: records each attempt, and stamps the endpoint onto errors
 * (`err.$endpoint`) so that "cannot reach AWS endpoint ..." can name it.
 */
export function callCounterMiddleware(
  counter: CallCounter,
  service: AwsService,
  now: () => number = () => performance.now(),
): FinalizeRequestMiddleware<object, object> {
  return (next, context) => async (args) => {
    const operation = operationOf(context);
    const endpoint = endpointOf(args.request);
    const started = now();
    try {
      const result = await next(args);
      counter.record({ service, operation, outcome: 'ok', durationMs: now() - started, endpoint });
      return result;
    } catch (err) {
      const outcome = isThrottling(err) ? 'throttled' : errorCode(err);
      counter.record({ service, operation, outcome, durationMs: now() - started, endpoint });
      if (endpoint && err !== null && typeof err === 'object' && !('$endpoint' in err)) {
        try {
          Object.defineProperty(err, '$endpoint', { value: endpoint, enumerable: false, configurable: true });
        } catch {
          // frozen error: the message will say "the <service> endpoint" instead
        }
      }
      throw err;
    }
  };
}

export const CALL_COUNTER_MIDDLEWARE_NAME = 'ecsReconcilerCallCounter';

export const callCounterMiddlewareOptions: FinalizeRequestHandlerOptions & { name: string } = {
  step: 'finalizeRequest',
  name: CALL_COUNTER_MIDDLEWARE_NAME,
};
