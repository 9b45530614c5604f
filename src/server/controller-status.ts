// The daemon's state as /status and /readyz show it. The loop owns one ControllerStatus and
// updates it as cycles run; the HTTP server only reads snapshots.

export type CycleResult = 'success' | 'partial' | 'failed' | 'timeout';
export type ResourceState = 'in-sync' | 'drifted' | 'pending' | 'failed' | 'observe-only' | 'rolling-out' | 'rollout-failed' | 'rolled-back';
export const RESOURCE_STATES: readonly ResourceState[] = ['in-sync', 'drifted', 'pending', 'failed', 'observe-only', 'rolling-out', 'rollout-failed', 'rolled-back'];

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
  /** AWS request attempts the cycle made (retries count once each), and how many of them were writes */
  awsCalls?: number;
  writes?: number;
}

/** An open drift incident (the one Slack was told about), values already rendered and redacted. */
export interface DriftIncidentStatus {
  id: string;
  arn?: string;
  fields: { path: string; live: string; desired: string }[];
  /** when the incident opened (ISO) */
  openedAt: string;
  corrected: boolean;
  observeOnly: boolean;
  error?: string;
  /** who made the change and how (--events-queue) */
  author?: string;
}

/** What the next cycle will do for a resource that is not in sync. */
export interface NextAction {
  id: string;
  /** e.g. `correct drift`, `retry`, `report only (policy observe)` */
  action: string;
  detail?: string;
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
  /** the last cycles, newest first (at most RECENT_CYCLES) */
  recentCycles: CycleStatus[];
  cycles: number;
  resources: ResourceStatus[];
  counts: Record<ResourceState, number>;
  /** open drift incidents, by resource id */
  driftIncidents: DriftIncidentStatus[];
  /** when the next cycle is due (null while one runs or before the first is scheduled) */
  nextCycleAt: string | null;
  /** what the next cycle will do (empty: nothing, everything is in sync) */
  nextActions: NextAction[];
  /** when this document was made (ages on the status page are counted from it) */
  generatedAt: string;
  /** with --events-queue: whether events flow and which interval is in force */
  events?: EventsStatus;
  /** with a controller config file: one section per target (its own cycles, resources, incidents) */
  targets?: TargetStatusSection[];
}

/** The CloudTrail event source (--events-queue), as /status and /readyz show it. */
export interface EventsStatus {
  queueUrl: string;
  /** `events`: full cycles every --resync; `fallback`: the queue is quiet or failing, cycles every --interval */
  mode: 'events' | 'fallback';
  /** why it falls back (quiet for how long, the last error) */
  reason?: string;
  intervalMs: number;
  received: number;
  lastMessageAt: string | null;
}

/** One target's part of /status (issue 16). */
export interface TargetStatusSection {
  name: string;
  account: string | null;
  region: string;
  /** with --lease-table: whether this replica holds the target's lease (only the owner reconciles it) */
  owned: boolean;
  status: Omit<StatusDocument, 'targets'>;
}

/** How many finished cycles /status and the status page list. */
export const RECENT_CYCLES = 10;

export interface Readiness {
  ready: boolean;
  reason: string;
}

export interface Liveness {
  alive: boolean;
  reason: string;
}

/** /healthz tolerates this much beyond a cycle timeout: a timed-out cycle drains (git's own 60 s timeout, one AWS deadline). */
export const DEFAULT_STALL_GRACE_MS = 90_000;

export interface ControllerStatusOptions {
  /** the reconcile interval; ready means a cycle succeeded within 3 of them */
  intervalMs: number;
  /** the loop's cycle timeout (default 5 min); part of the /healthz bound */
  cycleTimeoutMs?: number;
  /** /healthz bound = 2 intervals + cycle timeout + this (default 90 s) */
  stallGraceMs?: number;
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
  /** when the last cycle that reconciled (success or partial, and AWS answered) finished */
  #lastWorkingAt: number | null = null;
  #running: number | null = null;
  /** AWS attempts of the running cycle: answered (ok) and not */
  #awsOk = 0;
  #awsFailed = 0;
  #awsWrites = 0;
  #recent: CycleStatus[] = [];
  #incidents: DriftIncidentStatus[] = [];
  #nextActions: NextAction[] = [];
  #nextCycleAt: number | null = null;
  readonly #stallBoundMs: number;
  #cycles = 0;
  #resources: ResourceStatus[] = [];
  #events: EventsStatus | undefined;

  constructor(options: ControllerStatusOptions) {
    this.#intervalMs = options.intervalMs;
    this.#now = options.now ?? Date.now;
    this.#createdAt = this.#now();
    this.#stallBoundMs = 2 * options.intervalMs + (options.cycleTimeoutMs ?? 300_000) + (options.stallGraceMs ?? DEFAULT_STALL_GRACE_MS);
  }

  /** /healthz fails when no cycle has finished for this long. */
  get stallBoundMs(): number {
    return this.#stallBoundMs;
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
    this.#nextCycleAt = null;
    this.#awsOk = 0;
    this.#awsFailed = 0;
    this.#awsWrites = 0;
  }

  /** One AWS attempt of the running cycle ended: answered, or failed (error, throttled, unreachable). */
  awsCallFinished(ok: boolean, write = false): void {
    if (ok) this.#awsOk += 1;
    else this.#awsFailed += 1;
    if (write) this.#awsWrites += 1;
  }

  /** The loop scheduled the next cycle `delayMs` from now. */
  nextCycleIn(delayMs: number): void {
    this.#nextCycleAt = this.#now() + delayMs;
  }

  /** The open drift incidents and what the next cycle will do, after a cycle's report. */
  setOutlook(incidents: readonly DriftIncidentStatus[], next: readonly NextAction[]): void {
    this.#incidents = [...incidents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#nextActions = [...next];
  }

  cycleFinished(outcome: { result: CycleResult; error?: string }): void {
    const finished = this.#now();
    const started = this.#running ?? finished;
    this.#running = null;
    this.#cycles += 1;
    this.#lastFinishedAt = finished;
    // success or partial reconciled something; not when every AWS attempt of it failed
    const reconciled = outcome.result === 'success' || outcome.result === 'partial';
    if (reconciled && !(this.#awsFailed > 0 && this.#awsOk === 0)) this.#lastWorkingAt = finished;
    this.#lastCycle = {
      startedAt: iso(started),
      finishedAt: iso(finished),
      result: outcome.result,
      durationMs: finished - started,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      awsCalls: this.#awsOk + this.#awsFailed,
      writes: this.#awsWrites,
    };
    this.#recent = [this.#lastCycle, ...this.#recent].slice(0, RECENT_CYCLES);
  }

  /** Replace the per-resource states (sorted by id for a stable document). */
  setResources(resources: readonly ResourceStatus[]): void {
    this.#resources = [...resources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The event source's state (--events-queue); /readyz says when it falls back to the interval. */
  setEvents(events: EventsStatus): void {
    this.#events = { ...events };
  }

  get resources(): readonly ResourceStatus[] {
    return this.#resources;
  }

  /**
   * Ready when a revision is in force and a cycle reconciled (success or partial, with AWS
   * answering) within the last 3 intervals. A failed or timed-out cycle never makes it ready.
   */
  readiness(): Readiness {
    const now = this.#now();
    const limit = 3 * this.#intervalMs;
    const seconds = (ms: number): number => Math.round(ms / 1000);
    const last = this.#lastCycle;
    const lastSaid = last ? `; last cycle: ${last.result ?? 'unknown'}${last.error ? ` (${last.error})` : ''}` : '';
    if (this.#revision === null) {
      return { ready: false, reason: `no desired-state revision in force yet (started ${seconds(now - this.#createdAt)} s ago)${lastSaid}` };
    }
    if (this.#lastWorkingAt === null) {
      return {
        ready: false,
        reason: last === null ? `no reconcile cycle has finished yet (started ${seconds(now - this.#createdAt)} s ago)` : `no cycle has reconciled yet${lastSaid}`,
      };
    }
    const age = now - this.#lastWorkingAt;
    if (age > limit) {
      return {
        ready: false,
        reason: `the last successful cycle finished ${seconds(age)} s ago, more than 3 intervals (${seconds(limit)} s)${lastSaid}${
          this.#running === null ? '' : `; a cycle has been running for ${seconds(now - this.#running)} s`
        }`,
      };
    }
    const ev = this.#events;
    const events = ev === undefined ? '' : ev.mode === 'events' ? `; events flowing from ${ev.queueUrl}, full resync every ${seconds(ev.intervalMs)} s` : `; events: falling back to the ${seconds(ev.intervalMs)} s interval (${ev.reason ?? 'queue quiet or failing'})`;
    return { ready: true, reason: `last successful cycle finished ${seconds(age)} s ago${lastSaid}${events}` };
  }

  /** Alive while the loop finishes cycles (of any result): none for the stall bound means it is stuck. */
  liveness(): Liveness {
    const now = this.#now();
    const since = this.#lastFinishedAt ?? this.#createdAt;
    const age = now - since;
    if (age <= this.#stallBoundMs) return { alive: true, reason: 'the loop is finishing cycles' };
    const running = this.#running === null ? '' : `; a cycle has been running for ${Math.round((now - this.#running) / 1000)} s`;
    return {
      alive: false,
      reason: `no cycle has finished for ${Math.round(age / 1000)} s, more than ${Math.round(this.#stallBoundMs / 1000)} s (2 intervals + cycle timeout + stall grace): the loop is stuck${running}`,
    };
  }

  #targets: (() => TargetStatusSection[]) | undefined;

  /** The targets' sections, read at each snapshot. */
  setTargetSections(provider: () => TargetStatusSection[]): void {
    this.#targets = provider;
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
      recentCycles: this.#recent.map((c) => ({ ...c })),
      cycles: this.#cycles,
      resources: this.#resources.map((r) => ({ ...r })),
      counts,
      driftIncidents: this.#incidents.map((i) => ({ ...i, fields: i.fields.map((f) => ({ ...f })) })),
      nextCycleAt: this.#nextCycleAt === null ? null : iso(this.#nextCycleAt),
      nextActions: this.#nextActions.map((a) => ({ ...a })),
      generatedAt: iso(this.#now()),
      ...(this.#events === undefined ? {} : { events: { ...this.#events } }),
      ...(this.#targets === undefined ? {} : { targets: this.#targets() }),
    };
  }
}
