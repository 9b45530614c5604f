// The daemon's state as /status and /readyz show it. The loop owns one ControllerStatus and
// updates it as cycles run; the HTTP server only reads snapshots.

export type CycleResult = 'success' | 'partial' | 'failed' | 'timeout';
export type ResourceState = 'in-sync' | 'drifted' | 'pending' | 'failed' | 'observe-only';
export const RESOURCE_STATES: readonly ResourceState[] = ['in-sync', 'drifted', 'pending', 'failed', 'observe-only'];

export interface ResourceStatus {
  /** `Kind/name` */
  id: string;
  state: ResourceState;
  arn?: string;
  /** short human reason: the drifted fields, the error, what is pending */
  detail?: string;
}

export interface CycleStatus {
  startedAt: string;
  finishedAt?: string;
  result?: CycleResult;
  durationMs?: number;
  /** user-facing message of a failed cycle (never a stack) */
  error?: string;
}

export interface InvalidRevisionStatus {
  revision: string;
  errors: { file: string; line: number; col: number; message: string }[];
}

export interface StatusDocument {
  /** the revision whose desired state is in force */
  revision: string | null;
  source: string | null;
  /** the newest revision fetched, when it is invalid (and therefore not in force) */
  invalidRevision: InvalidRevisionStatus | null;
  lastCycle: CycleStatus | null;
  /** set while a cycle runs */
  runningCycle: { startedAt: string } | null;
  cycles: number;
  resources: ResourceStatus[];
  counts: Record<ResourceState, number>;
}

export interface Readiness {
  ready: boolean;
  reason: string;
}

export interface ControllerStatusOptions {
  /** the reconcile interval; ready means a cycle finished within 3 of them */
  intervalMs: number;
  /** injectable clock (ms since epoch) */
  now?: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class ControllerStatus {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #createdAt: number;
  #revision: string | null = null;
  #source: string | null = null;
  #invalid: InvalidRevisionStatus | null = null;
  #lastCycle: CycleStatus | null = null;
  #lastFinishedAt: number | null = null;
  #running: number | null = null;
  #cycles = 0;
  #resources: ResourceStatus[] = [];

  constructor(options: ControllerStatusOptions) {
    this.#intervalMs = options.intervalMs;
    this.#now = options.now ?? Date.now;
    this.#createdAt = this.#now();
  }

  setSource(description: string): void {
    this.#source = description;
  }

  /** The revision now in force (a valid one); clears a reported invalid revision. */
  setRevision(revision: string): void {
    this.#revision = revision;
    this.#invalid = null;
  }

  /** The newest revision is invalid; the previous one stays in force. */
  setInvalidRevision(revision: string, errors: InvalidRevisionStatus['errors']): void {
    this.#invalid = { revision, errors: errors.map(({ file, line, col, message }) => ({ file, line, col, message })) };
  }

  cycleStarted(): void {
    this.#running = this.#now();
  }

  cycleFinished(outcome: { result: CycleResult; error?: string }): void {
    const finished = this.#now();
    const started = this.#running ?? finished;
    this.#running = null;
    this.#cycles += 1;
    this.#lastFinishedAt = finished;
    this.#lastCycle = {
      startedAt: iso(started),
      finishedAt: iso(finished),
      result: outcome.result,
      durationMs: finished - started,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    };
  }

  /** Replace the per-resource states (sorted by id for a stable document). */
  setResources(resources: readonly ResourceStatus[]): void {
    this.#resources = [...resources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get resources(): readonly ResourceStatus[] {
    return this.#resources;
  }

  /** Ready when a cycle (of any result) finished within the last 3 intervals. */
  readiness(): Readiness {
    const now = this.#now();
    const limit = 3 * this.#intervalMs;
    if (this.#lastFinishedAt === null) {
      return { ready: false, reason: `no reconcile cycle has finished yet (started ${Math.round((now - this.#createdAt) / 1000)} s ago)` };
    }
    const age = now - this.#lastFinishedAt;
    if (age > limit) {
      return {
        ready: false,
        reason: `the last cycle finished ${Math.round(age / 1000)} s ago, more than 3 intervals (${Math.round(limit / 1000)} s)${
          this.#running === null ? '' : `; a cycle has been running for ${Math.round((now - this.#running) / 1000)} s`
        }`,
      };
    }
    return { ready: true, reason: `last cycle finished ${Math.round(age / 1000)} s ago (${this.#lastCycle?.result ?? 'unknown'})` };
  }

  snapshot(): StatusDocument {
    const counts = Object.fromEntries(RESOURCE_STATES.map((s) => [s, 0])) as Record<ResourceState, number>;
    for (const r of this.#resources) counts[r.state] += 1;
    return {
      revision: this.#revision,
      source: this.#source,
      invalidRevision: this.#invalid,
      lastCycle: this.#lastCycle,
      runningCycle: this.#running === null ? null : { startedAt: iso(this.#running) },
      cycles: this.#cycles,
      resources: this.#resources.map((r) => ({ ...r })),
      counts,
    };
  }
}
