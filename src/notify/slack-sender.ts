// Posting to Slack without ever slowing a reconcile: enqueue() returns at once; one worker
// posts in order through @slack/webhook with a request timeout, retries transient failures
// with backoff, then drops the message with a log line. At most `maxPerMinute` posts go out in
// any rolling minute; when the backlog is larger than what is left, the rest is folded into
// one "…and N more" message.
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { LogEvent } from '../log/log-events.js';
import type { Logger } from '../log/logger.js';
import { SecretRegistry, redactSecrets } from '../log/redact-secrets.js';
import { slackText } from './slack-escape.js';

export interface SlackMessage {
  /** mrkdwn text posted */
  text: string;
  /** one line naming the message, shown when it is folded or dropped */
  title: string;
}

export interface SlackSenderOptions {
  /** SLACK_WEBHOOK_URL; undefined or empty: messages are only logged (debug) */
  webhookUrl: string | undefined;
  secrets?: SecretRegistry;
  logger?: Logger;
  /** default 10 */
  maxPerMinute?: number;
  /** the rolling window, default 60 000 ms */
  windowMs?: number;
  /** per request, default 10 000 ms */
  timeoutMs?: number;
  /** waits before each retry; default [1000, 4000, 15000] (3 retries) */
  retryDelaysMs?: number[];
  /** messages waiting beyond this are dropped (default 1000) */
  maxQueue?: number;
  now?: () => number;
}

export interface SenderStats {
  posted: number;
  folded: number;
  dropped: number;
  failedAttempts: number;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Build the fold message for `messages` (at most 20 titles listed). */
export function foldMessages(messages: readonly SlackMessage[]): SlackMessage {
  // titles are plain text (they name resources from the files): escaped here, where they enter mrkdwn
  const listed = messages.slice(0, 20).map((m) => `• ${slackText(m.title)}`);
  const rest = messages.length - listed.length;
  const text = [`…and ${messages.length} more (Slack rate limit of this controller reached):`, ...listed, ...(rest > 0 ? [`• …${rest} others`] : [])].join('\n');
  return { text, title: `…and ${messages.length} more` };
}

export class SlackSender {
  readonly #hook: IncomingWebhook | undefined;
  readonly #url: string;
  readonly #secrets: SecretRegistry;
  readonly #log: Logger | undefined;
  readonly #max: number;
  readonly #windowMs: number;
  readonly #delays: number[];
  readonly #maxQueue: number;
  readonly #now: () => number;
  readonly #queue: SlackMessage[] = [];
  readonly #postedAt: number[] = [];
  #worker: Promise<void> | undefined;
  #closed = false;
  readonly stats: SenderStats = { posted: 0, folded: 0, dropped: 0, failedAttempts: 0 };

  constructor(options: SlackSenderOptions) {
    this.#url = options.webhookUrl ?? '';
    this.#secrets = options.secrets ?? new SecretRegistry();
    this.#secrets.add(this.#url);
    this.#log = options.logger;
    this.#max = Math.max(1, options.maxPerMinute ?? 10);
    this.#windowMs = options.windowMs ?? 60_000;
    this.#delays = options.retryDelaysMs ?? [1000, 4000, 15_000];
    this.#maxQueue = options.maxQueue ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#hook =
      this.#url === ''
        ? undefined
        : new IncomingWebhook(this.#url, { timeout: options.timeoutMs ?? 10_000, retryConfig: { retries: 0 } });
  }

  get enabled(): boolean {
    return this.#hook !== undefined;
  }

  /** Messages waiting (the one being posted included). */
  get pending(): number {
    return this.#queue.length + (this.#worker ? 1 : 0);
  }

  /** Queue a message; never throws, never waits. */
  enqueue(message: SlackMessage): void {
    const safe = { text: this.#scrub(message.text), title: this.#scrub(message.title) };
    if (!this.#hook || this.#closed) {
      this.#log?.debug({ event: LogEvent.notifySent, title: safe.title, delivered: false }, 'slack disabled: message not sent');
      return;
    }
    if (this.#queue.length >= this.#maxQueue) {
      this.stats.dropped += 1;
      this.#log?.warn({ event: LogEvent.notifyDropped, title: safe.title, reason: 'queue full' }, 'slack message dropped: queue full');
      return;
    }
    this.#queue.push(safe);
    this.#worker ??= this.#drain().finally(() => {
      this.#worker = undefined;
    });
  }

  /** Wait until the queue is empty or `timeoutMs` passed (shutdown, tests). */
  async flush(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#worker || this.#queue.length > 0) {
      if (Date.now() >= deadline) return false;
      await Promise.race([this.#worker, sleep(Math.min(50, deadline - Date.now()))]);
    }
    return true;
  }

  /** Stop taking messages; give queued ones up to `timeoutMs` to go out. */
  async close(timeoutMs = 5000): Promise<void> {
    const flushed = await this.flush(timeoutMs);
    this.#closed = true;
    if (!flushed && this.#queue.length > 0) {
      const n = this.#queue.splice(0).length;
      this.stats.dropped += n;
      this.#log?.warn({ event: LogEvent.notifyDropped, count: n, reason: 'shutdown' }, `${n} slack message(s) dropped at shutdown`);
    }
  }

  #scrub(text: string): string {
    return redactSecrets(text, this.#secrets.values());
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const now = this.#now();
      while (this.#postedAt.length > 0 && (this.#postedAt[0] ?? 0) <= now - this.#windowMs) this.#postedAt.shift();
      if (this.#postedAt.length >= this.#max) {
        await sleep(Math.max(10, (this.#postedAt[0] ?? now) + this.#windowMs - now));
        continue;
      }
      let message: SlackMessage;
      if (this.#postedAt.length === this.#max - 1 && this.#queue.length > 1) {
        const folded = this.#queue.splice(0);
        this.stats.folded += folded.length;
        message = foldMessages(folded);
      } else {
        message = this.#queue.shift() as SlackMessage;
      }
      this.#postedAt.push(now);
      await this.#deliver(message);
    }
  }

  async #deliver(message: SlackMessage): Promise<void> {
    const hook = this.#hook;
    if (!hook) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await hook.send({ text: message.text });
        this.stats.posted += 1;
        this.#log?.debug({ event: LogEvent.notifySent, title: message.title, attempt: attempt + 1 }, 'slack message sent');
        return;
      } catch (e) {
        this.stats.failedAttempts += 1;
        const { reason, retryable } = describeFailure(e);
        const delay = this.#delays[attempt];
        if (!retryable || delay === undefined || this.#closed) {
          this.stats.dropped += 1;
          this.#log?.warn(
            { event: LogEvent.notifyDropped, title: message.title, attempts: attempt + 1, reason: this.#scrub(reason) },
            `slack message dropped after ${attempt + 1} attempt(s): ${this.#scrub(reason)}`,
          );
          return;
        }
        await sleep(delay);
      }
    }
  }
}

/** What went wrong, and whether another attempt may succeed (network, timeout, 429, 5xx). */
export function describeFailure(e: unknown): { reason: string; retryable: boolean } {
  if (e instanceof IncomingWebhookHTTPError) {
    const status = e.statusCode;
    return { reason: `Slack answered HTTP ${status}`, retryable: status === 429 || status >= 500 };
  }
  if (e instanceof IncomingWebhookRequestError) {
    const original = e.original as Error & { cause?: { code?: string } };
    const timeout = original.name === 'TimeoutError' || original.name === 'AbortError';
    const code = original.cause?.code;
    return { reason: timeout ? 'Slack did not answer within the request timeout' : `request failed${code ? ` (${code})` : ''}`, retryable: true };
  }
  // p-retry's AbortError wraps 4xx answers
  const inner = (e as { originalError?: unknown }).originalError;
  if (inner) return describeFailure(inner);
  return { reason: e instanceof Error ? e.message : String(e), retryable: false };
}
