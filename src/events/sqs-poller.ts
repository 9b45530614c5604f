// Long-polls the events queue (ReceiveMessage, up to 10 messages, WaitTimeSeconds), one receive
// at a time, and hands each batch on. It receives only while fewer than `maxHeld` messages are
// held (bounded memory under a flood). Failures back off (1 s doubling to 30 s). Knows when the
// last message came and whether the last receives failed (the resync falls back on either).
import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** long-poll wait, seconds (0..20); must stay under the request deadline */
  waitSeconds: number;
  /** how long a received message stays hidden before SQS shows it again (its retry), seconds */
  visibilitySeconds: number;
  /** receive only while fewer messages than this are held */
  maxHeld: number;
  held: () => number;
  onMessages: (messages: Message[]) => Promise<void>;
  onError: (error: Error, consecutive: number) => void;
  now?: () => number;
  /** first backoff after a failure, ms (tests) */
  backoffBaseMs?: number;
}

export class SqsPoller {
  #stopped = false;
  #loop: Promise<void> | undefined;
  #consecutiveFailures = 0;
  #lastMessageAt: number;
  #lastOkAt: number | undefined;
  #wake: (() => void) | undefined;
  #abort = new AbortController();
  readonly #now: () => number;

  constructor(private readonly opts: SqsPollerOptions) {
    this.#now = opts.now ?? Date.now;
    this.#lastMessageAt = this.#now();
  }

  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** When the last message arrived (or the poller started). */
  get lastMessageAt(): number {
    return this.#lastMessageAt;
  }

  get lastOkAt(): number | undefined {
    return this.#lastOkAt;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** A held message was settled: receive again if the poller waits for room. */
  released(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    this.#wake?.();
    await this.#loop;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      timer.unref?.();
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  async #run(): Promise<void> {
    const { sqs, queueUrl, waitSeconds, visibilitySeconds, maxHeld, backoffBaseMs = 1_000 } = this.opts;
    while (!this.#stopped) {
      const room = maxHeld - this.opts.held();
      if (room <= 0) {
        // bounded: wait until the targeted reconciles settle some (or 1 s)
        await this.#sleep(1_000);
        continue;
      }
      let messages: Message[];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, room),
            WaitTimeSeconds: waitSeconds,
            VisibilityTimeout: visibilitySeconds,
          }),
          { abortSignal: this.#abort.signal },
        );
        messages = out.Messages ?? [];
        this.#consecutiveFailures = 0;
        this.#lastOkAt = this.#now();
      } catch (e) {
        if (this.#stopped) break;
        this.#consecutiveFailures += 1;
        this.opts.onError(e as Error, this.#consecutiveFailures);
        await this.#sleep(Math.min(30_000, backoffBaseMs * 2 ** (this.#consecutiveFailures - 1)));
        continue;
      }
      if (messages.length === 0) continue;
      this.#lastMessageAt = this.#now();
      try {
        await this.opts.onMessages(messages);
      } catch (e) {
        // a handler bug must not stop the poll; the messages come back after the visibility timeout
        this.opts.onError(e as Error, this.#consecutiveFailures);
      }
    }
  }
}
