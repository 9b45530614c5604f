// The resources events touched, waiting for their targeted reconcile, and the SQS messages
// that wait on them. One worker: every pending resource is reconciled in one batch (a flood of
// events for the same rule is one reconcile), between full cycles (ControllerLoop.between), so
// at most one reconcile of a resource is ever in flight. A message is deleted only once every
// resource it touched was reconciled by a batch that started after the message arrived; a
// failed resource keeps its messages (SQS shows them again after the visibility timeout and,
// after maxReceiveCount receives, moves them to the dead-letter queue).
import type { Logger } from '../log/logger.js';

export interface TargetedRun {
  reconciled: string[];
  failed: string[];
  /** drift written back: read once more (the confirming read closes the incident, as a next full cycle would) */
  corrected?: string[];
}

export interface TargetedQueueDeps {
  /** one targeted reconcile of these resource ids */
  run(ids: readonly string[]): Promise<TargetedRun>;
  /** run work between full cycles, never beside one */
  between<T>(work: () => Promise<T>): Promise<T>;
  /** delete the message (it was handled) */
  remove(receiptHandle: string): Promise<void>;
  logger: Logger;
}

interface HeldMessage {
  handle: string;
  waiting: Set<string>;
  failed: boolean;
  /** the batch number that may settle it: one that starts after it arrived */
  since: number;
}

export class TargetedQueue {
  readonly #pending = new Set<string>();
  /** pending only to confirm a correction: never confirmed again (two tools fighting is not a loop) */
  readonly #confirming = new Set<string>();
  readonly #messages = new Map<string, HeldMessage>();
  #working: Promise<void> | undefined;
  #batches = 0;
  readonly #idle = new Set<() => void>();

  constructor(private readonly deps: TargetedQueueDeps) {}

  /** Messages held (received, not yet deleted or given back). */
  get held(): number {
    return this.#messages.size;
  }

  /** Resources waiting for a reconcile. */
  get pending(): number {
    return this.#pending.size;
  }

  /** A message touching these resources; the same message again (redelivered) only takes its newer handle. */
  add(messageId: string, receiptHandle: string, ids: readonly string[]): void {
    const held = this.#messages.get(messageId);
    if (held === undefined) {
      this.#messages.set(messageId, { handle: receiptHandle, waiting: new Set(ids), failed: false, since: this.#batches + 1 });
    } else {
      held.handle = receiptHandle;
      held.failed = false;
      held.since = this.#batches + 1;
      for (const id of ids) held.waiting.add(id);
    }
    for (const id of ids) {
      this.#pending.add(id);
      this.#confirming.delete(id);
    }
    this.#kick();
  }

  /** Resolves once nothing is pending or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#working === undefined && this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  #kick(): void {
    if (this.#working !== undefined) return;
    this.#working = this.#work().finally(() => {
      this.#working = undefined;
      if (this.#pending.size > 0) this.#kick();
      else for (const done of [...this.#idle]) {
        this.#idle.delete(done);
        done();
      }
    });
  }

  async #work(): Promise<void> {
    while (this.#pending.size > 0) {
      const batch = [...this.#pending].sort();
      const confirms = new Set([...this.#confirming].filter((id) => this.#pending.has(id)));
      this.#pending.clear();
      this.#confirming.clear();
      const number = ++this.#batches;
      let failed: Set<string>;
      try {
        const result = await this.deps.between(() => this.deps.run(batch));
        failed = new Set(result.failed);
        for (const id of result.corrected ?? []) {
          if (confirms.has(id) || this.#pending.has(id)) continue;
          this.#pending.add(id);
          this.#confirming.add(id);
        }
      } catch (e) {
        this.deps.logger.warn({ event: 'events.reconcile-failed', resources: batch, err: { message: (e as Error).message } }, `targeted reconcile of ${batch.join(', ')} failed: ${(e as Error).message}; their events are kept for a retry`);
        failed = new Set(batch);
      }
      await this.#settle(number, batch, failed);
    }
  }

  async #settle(batchNumber: number, batch: readonly string[], failed: ReadonlySet<string>): Promise<void> {
    const deletes: Promise<void>[] = [];
    for (const [messageId, m] of this.#messages) {
      if (m.since > batchNumber) continue;
      for (const id of batch) {
        if (!m.waiting.delete(id)) continue;
        if (failed.has(id)) m.failed = true;
      }
      if (m.waiting.size > 0) continue;
      this.#messages.delete(messageId);
      // a failed one is left in the queue: SQS shows it again after the visibility timeout
      if (!m.failed) {
        deletes.push(
          this.deps.remove(m.handle).catch((e: unknown) => {
            this.deps.logger.warn({ event: 'events.delete-failed', messageId, err: { message: (e as Error).message } }, `cannot delete SQS message ${messageId}: ${(e as Error).message} (it is received again; the reconcile is harmless)`);
          }),
        );
      }
    }
    await Promise.all(deletes);
  }
}
