// The daemon's schedule: a cycle every interval (with jitter), at once on a push (coalesced
// when one is running), never two at once; a cycle timeout; exponential backoff after a
// failure, capped at the interval; stop() waits for the running writes (bounded).
// A timed-out cycle is told so through its AbortSignal (the daemon then stops its new AWS
// requests; each one in flight ends at its own deadline) and the loop waits for it to settle
// before the next one: released within a request deadline, never two at once. A cycle that
// still does not settle keeps the loop held; /healthz reports that (the task is replaced).
import type { Logger } from '../log/logger.js';
import { LogEvent } from '../log/log-events.js';
import type { ControllerMetrics } from '../server/metrics.js';
import type { ControllerStatus, CycleResult } from '../server/controller-status.js';

export interface LoopOptions {
  /** one cycle; throws for a failed cycle (message is for people); `signal` aborts when it timed out */
  cycle: (signal: AbortSignal) => Promise<CycleResult>;
  intervalMs: number;
  /** fraction of the interval added at random (default 0.1) */
  jitter?: number;
  cycleTimeoutMs: number;
  /** first backoff after a failure (default 1 s), doubling up to the interval */
  backoffBaseMs?: number;
  logger: Logger;
  status: ControllerStatus;
  metrics: ControllerMetrics;
  random?: () => number;
  /** called after each cycle with the number of cycles run so far */
  afterCycle?: (cycles: number) => void;
  /** after a timeout, log once when the cycle still runs this much later (default 30 s) */
  drainWarnMs?: number;
  /** the interval in force, asked before each wait (--resync while events flow); default intervalMs */
  currentIntervalMs?: () => number;
}

export class ControllerLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #pending = false;
  #stopped = false;
  #failures = 0;
  #cycles = 0;
  readonly #endListeners = new Set<(cycles: number) => void>();

  constructor(private readonly opts: LoopOptions) {}

  /** Cycles started so far (the one running included). */
  get cycles(): number {
    return this.#cycles;
  }

  /**
   * Call `listener` after each cycle has finished and logged its result (its status is updated),
   * not when it starts. Returns the unsubscribe function.
   */
  onCycleEnd(listener: (cycles: number) => void): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  /** Start with a cycle now. */
  start(): void {
    this.trigger('start');
  }

  /** Run a cycle as soon as possible; if one is running, run one more right after it. */
  trigger(reason: string): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#pending = true;
      this.opts.logger.debug({ reason }, 'cycle requested while one runs: queued');
      return;
    }
    this.#clearTimer();
    this.#running = this.#runOne(reason).finally(() => {
      this.#running = undefined;
      this.opts.afterCycle?.(this.#cycles);
      for (const listener of [...this.#endListeners]) listener(this.#cycles);
      if (this.#stopped) return;
      if (this.#pending) {
        this.#pending = false;
        this.trigger('queued');
      } else {
        this.#schedule(this.#nextDelay());
      }
    });
  }

  /**
   * Run `work` (a targeted reconcile of an event's resources) between cycles: after the running
   * cycle, never beside one; a cycle asked for meanwhile runs right after it. stop() waits for it.
   */
  async between<T>(work: () => Promise<T>): Promise<T> {
    while (this.#running !== undefined) await this.#running;
    if (this.#stopped) throw new Error('the controller is stopping');
    // held before work starts: a cycle asked for from inside it waits (#pending)
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#running = held.finally(() => {
      this.#running = undefined;
      if (!this.#stopped && this.#pending) {
        this.#pending = false;
        this.trigger('queued');
      }
    });
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Stop taking cycles; wait for the running one up to `graceMs`. True when it finished in time. */
  async stop(graceMs: number): Promise<boolean> {
    this.#stopped = true;
    this.#clearTimer();
    const running = this.#running;
    if (running === undefined) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const finished = await Promise.race([running.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return finished;
  }

  #nextDelay(): number {
    const { backoffBaseMs = 1_000, jitter = 0.1, random = Math.random } = this.opts;
    const intervalMs = this.opts.currentIntervalMs?.() ?? this.opts.intervalMs;
    if (this.#failures > 0) return Math.min(intervalMs, backoffBaseMs * 2 ** (this.#failures - 1));
    return intervalMs + Math.floor(intervalMs * jitter * random());
  }

  #schedule(delayMs: number): void {
    this.#clearTimer();
    this.opts.status.nextCycleIn(delayMs);
    this.#timer = setTimeout(() => this.trigger('interval'), delayMs);
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** never two at once: the timed-out cycle settles (its requests meet their deadlines) before another starts */
  async #drain(cycle: Promise<CycleResult>, started: number): Promise<void> {
    const { logger, drainWarnMs = 30_000 } = this.opts;
    const settled = cycle.then(
      () => true,
      () => true,
    );
    let warn: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      warn = setTimeout(() => resolve(false), drainWarnMs);
    });
    const inTime = await Promise.race([settled, late]);
    clearTimeout(warn);
    if (!inTime) {
      logger.error(
        { event: LogEvent.cycleFailed, result: 'timeout', cycle: this.#cycles, runningMs: Date.now() - started },
        `the timed-out cycle is still running ${drainWarnMs} ms later; no new cycle starts until it ends (/healthz fails past its bound)`,
      );
      await settled;
    }
    logger.info({ cycle: this.#cycles, durationMs: Date.now() - started }, 'the timed-out cycle has ended; the loop continues');
  }

  async #runOne(reason: string): Promise<void> {
    const { logger, status, metrics, cycleTimeoutMs } = this.opts;
    const started = Date.now();
    this.#cycles += 1;
    status.cycleStarted();
    logger.debug({ event: LogEvent.cycleStarted, reason, cycle: this.#cycles }, 'cycle started');
    const timedOut = new AbortController();
    const cycle = this.opts.cycle(timedOut.signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), cycleTimeoutMs);
    });
    let result: CycleResult;
    let error: string | undefined;
    try {
      result = await Promise.race([cycle, timeout]);
    } catch (e) {
      result = 'failed';
      error = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(timer);
    }
    const seconds = (Date.now() - started) / 1000;
    this.#failures = result === 'failed' || result === 'timeout' ? this.#failures + 1 : 0;
    status.cycleFinished({ result, ...(error === undefined ? {} : { error }) });
    metrics.recordCycle(result, seconds);
    const fields = { event: result === 'failed' || result === 'timeout' ? LogEvent.cycleFailed : LogEvent.cycleCompleted, result, durationMs: Math.round(seconds * 1000), cycle: this.#cycles };
    if (result === 'timeout') {
      logger.error(fields, `cycle timed out after ${cycleTimeoutMs} ms; it starts no new AWS request, waiting for the ones in flight before the next cycle`);
      timedOut.abort(new Error(`cycle ${this.#cycles} timed out after ${cycleTimeoutMs} ms`));
      await this.#drain(cycle, started);
    } else if (result === 'failed') {
      logger.error({ ...fields, error }, `cycle failed: ${error ?? 'unknown error'}`);
    } else {
      logger.info(fields, `cycle ${result} in ${fields.durationMs} ms`);
    }
  }
}
