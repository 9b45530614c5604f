// A total deadline on every AWS request attempt, from sending the request to the last byte
// of the answer. The SDK's Node handler only has inactivity timeouts once the headers are in
// (socketTimeout; its requestTimeout is cleared when the headers arrive and only warns by
// default), so an answer that trickles one byte every few seconds never ends. This wraps the
// client's own request handler: each attempt gets an AbortSignal that fires at the deadline,
// and the answer's body stream is destroyed if it is still being read then.
import { finished, type Readable } from 'node:stream';
import type { RequestGate } from './request-gate.js';

/** Default total deadline of one attempt: AWS answers in well under a second. */
export const DEFAULT_REQUEST_DEADLINE_MS = 10_000;

interface HandlerOptions {
  abortSignal?: unknown;
  [key: string]: unknown;
}

interface HandlerLike {
  handle(request: unknown, options?: HandlerOptions): Promise<{ response: { body?: unknown } }>;
  destroy?(): void;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
  metadata?: unknown;
  /** set on the handlers this module makes: the deadline they enforce */
  requestDeadlineMs?: number;
}

interface ClientLike {
  config: { requestHandler: unknown };
}

/** Same shape as the SDK's own socket timeout (name TimeoutError, no code): retried as transient, counted as TimeoutError. */
export function deadlineError(deadlineMs: number): Error {
  return Object.assign(new Error(`AWS request did not complete within its ${deadlineMs} ms deadline`), { name: 'TimeoutError' });
}

function isReadable(body: unknown): body is Readable {
  return body !== null && typeof body === 'object' && typeof (body as Readable).destroy === 'function' && typeof (body as Readable).on === 'function';
}

/** Wrap `handler` so that every attempt ends within `deadlineMs` (and none starts while `gate` is closed). */
export function deadlineHandler(handler: HandlerLike, deadlineMs: number, gate?: RequestGate, label = 'AWS request'): HandlerLike {
  return {
    requestDeadlineMs: deadlineMs,
    metadata: handler.metadata,
    destroy: () => handler.destroy?.(),
    updateHttpClientConfig: (key, value) => handler.updateHttpClientConfig?.(key, value),
    httpHandlerConfigs: () => handler.httpHandlerConfigs?.() ?? {},
    async handle(request, options = {}) {
      gate?.check(label);
      const controller = new AbortController();
      let body: Readable | undefined;
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        const error = deadlineError(deadlineMs);
        controller.abort(error);
        body?.destroy(error);
      }, deadlineMs);
      const caller = options.abortSignal;
      const signal = caller instanceof AbortSignal ? AbortSignal.any([caller, controller.signal]) : controller.signal;
      try {
        const out = await handler.handle(request, { ...options, abortSignal: signal });
        const responseBody = out.response.body;
        if (isReadable(responseBody) && !expired) {
          body = responseBody;
          // the deadline covers reading the body too: cleared only once the stream is done
          finished(responseBody, () => clearTimeout(timer));
        } else {
          clearTimeout(timer);
          if (expired && isReadable(responseBody)) responseBody.destroy(deadlineError(deadlineMs));
        }
        return out;
      } catch (error) {
        clearTimeout(timer);
        throw expired ? deadlineError(deadlineMs) : error;
      }
    },
  };
}

/** Replace a constructed SDK client's request handler with the deadline-bound one. */
export function applyRequestDeadline(client: ClientLike, deadlineMs: number, gate?: RequestGate, label?: string): void {
  client.config.requestHandler = deadlineHandler(client.config.requestHandler as HandlerLike, deadlineMs, gate, label);
}

/** The total deadline a client's attempts have (DEFAULT_REQUEST_DEADLINE_MS when none was applied). */
export function requestDeadlineOf(client: unknown): number {
  // tests' fake clients have no config: they get the default
  const handler = (client as Partial<ClientLike> | undefined)?.config?.requestHandler as HandlerLike | undefined;
  const ms = handler?.requestDeadlineMs;
  return typeof ms === 'number' && ms > 0 ? ms : DEFAULT_REQUEST_DEADLINE_MS;
}
