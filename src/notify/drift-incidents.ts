// The drift incident model: Slack hears about a drift once when it appears and once when it is
// resolved, not once per cycle. An incident is keyed by resource id + sorted drifted field
// paths + desired spec hash (never by message text): the same drift seen again is the same
// incident; other fields or another desired spec make a new one. Uncorrected incidents
// (policy observe, or a failed correction) are re-announced at most every `realertMs`.
// Rollout and invalid-revision messages go out once per revision. Conflicts are incidents of
// their own (conflict-incidents.ts), kept in the same state file. The state lives in one small
// JSON file (written atomically) so a restart neither repeats nor forgets an alert.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LogEvent, logDriftResolved } from '../log/log-events.js';
import { renderValue } from '../log/render-value.js';
import type { Logger } from '../log/logger.js';
import { driftOpenedMessage, driftReminderMessage, driftResolvedMessage, invalidRevisionMessage, rolloutMessage } from './slack-messages.js';
import type { DriftFieldView, InvalidRevisionError, RolloutItem } from './slack-messages.js';
import type { SlackMessage } from './slack-sender.js';
import { decideConflicts, type ConflictDecision, type ConflictIncident, type ConflictObservation } from './conflict-incidents.js';

export interface Incident {
  /** resource id + sorted drifted field paths + desired spec hash */
  key: string;
  id: string;
  arn?: string;
  paths: string[];
  specHash: string;
  fields: DriftFieldView[];
  revision: string;
  corrected: boolean;
  observeOnly: boolean;
  error?: string;
  /** who made the change (from its CloudTrail event), with --events-queue */
  author?: string;
  openedAt: number;
  lastAnnouncedAt: number;
}

export interface IncidentState {
  version: 1;
  incidents: Incident[];
  /** newest last, capped */
  invalidRevisions: string[];
  rollouts: string[];
  /** open conflicts (absent in files written before conflicts were alerted) */
  conflicts?: ConflictIncident[];
}

export const EMPTY_STATE: IncidentState = { version: 1, incidents: [], invalidRevisions: [], rollouts: [], conflicts: [] };

/** Read the state file; a missing file is an empty state, a corrupt one is reported through `onError` and ignored. */
export function loadIncidentState(file: string, onError: (message: string) => void): { state: IncidentState; restored: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') onError(`cannot read incident state ${file}: ${(e as Error).message}`);
    return { state: structuredClone(EMPTY_STATE), restored: false };
  }
  try {
    const parsed = JSON.parse(text) as Partial<IncidentState>;
    if (parsed.version !== 1 || !Array.isArray(parsed.incidents)) throw new Error('unknown format');
    return {
      state: {
        version: 1,
        incidents: parsed.incidents,
        invalidRevisions: Array.isArray(parsed.invalidRevisions) ? parsed.invalidRevisions : [],
        rollouts: Array.isArray(parsed.rollouts) ? parsed.rollouts : [],
        conflicts: Array.isArray(parsed.conflicts) ? parsed.conflicts : [],
      },
      restored: true,
    };
  } catch (e) {
    onError(`incident state ${file} is not valid (${(e as Error).message}); starting without it`);
    return { state: structuredClone(EMPTY_STATE), restored: false };
  }
}

/** Write atomically; throws on failure (the caller logs and carries on). */
export function saveIncidentState(file: string, state: IncidentState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export interface DriftObservation {
  /** `Kind/name` */
  id: string;
  arn?: string;
  /** the drifted fields, values already redacted where secret */
  fields: { path: string; live: unknown; desired: unknown }[];
  /** the applier wrote the desired values back in this cycle */
  corrected: boolean;
  /** the resource policy is observe (never written) */
  observeOnly: boolean;
  /** hash of the desired spec (ResourceMeta.specHash) */
  specHash: string;
  /** why the correction failed (enforce, not corrected) */
  error?: string;
  /** who made the change and how, with --events-queue (`changed by ...`, or that the author is unknown) */
  author?: string;
}

export interface CycleObservation {
  /** the revision in force */
  revision: string;
  drifts: readonly DriftObservation[];
  /** ids without drift this cycle (in sync, or converged by this cycle's rollout writes) */
  inSync: readonly string[];
  /** every declared id; when given, incidents of ids no longer declared are closed silently */
  declared?: readonly string[];
}

export type IncidentDecisionType = 'opened' | 'reminded' | 'resolved' | 'replaced' | 'forgotten';
export interface IncidentDecision {
  type: IncidentDecisionType;
  id: string;
  key: string;
  message?: SlackMessage;
}

export interface DriftIncidentsOptions {
  /** where messages go (SlackSender.enqueue) */
  notify: (message: SlackMessage) => void;
  /** --realert, default 6 h */
  realertMs?: number;
  now?: () => number;
  /** JSON file keeping incidents across restarts (e.g. <state-dir>/incidents.json); none: memory only */
  stateFile?: string;
  logger?: Logger;
}

const REVISIONS_KEPT = 50;

/** The dedupe key: resource, sorted field paths, desired spec hash. */
export function incidentKey(d: Pick<DriftObservation, 'id' | 'fields' | 'specHash'>): string {
  const paths = [...new Set(d.fields.map((f) => f.path))].sort();
  return `${d.id}|${paths.join(',')}|${d.specHash}`;
}

export class DriftIncidents {
  readonly #notify: (m: SlackMessage) => void;
  readonly #realertMs: number;
  readonly #now: () => number;
  readonly #file: string | undefined;
  readonly #log: Logger | undefined;
  readonly #state: IncidentState;
  readonly #byId = new Map<string, Incident>();
  readonly #conflicts = new Map<string, ConflictIncident>();
  /** true when open incidents were restored from the state file */
  readonly restored: boolean;
  #cycles = 0;

  constructor(options: DriftIncidentsOptions) {
    this.#notify = options.notify;
    this.#realertMs = options.realertMs ?? 6 * 3_600_000;
    this.#now = options.now ?? Date.now;
    this.#file = options.stateFile;
    this.#log = options.logger;
    const loaded = this.#file
      ? loadIncidentState(this.#file, (msg) => this.#log?.warn(msg))
      : { state: { version: 1 as const, incidents: [], invalidRevisions: [], rollouts: [], conflicts: [] }, restored: false };
    this.#state = loaded.state;
    this.restored = loaded.restored;
    for (const i of this.#state.incidents) this.#byId.set(i.id, i);
    for (const c of this.#state.conflicts ?? []) this.#conflicts.set(c.id, c);
  }

  /** Open incidents, by resource id. */
  open(): Incident[] {
    return [...this.#byId.values()].map((i) => ({ ...i }));
  }

  /** Feed one cycle's outcome; returns what was decided (messages already handed to notify). */
  observeCycle(cycle: CycleObservation): IncidentDecision[] {
    const now = this.#now();
    // without restored state, a drift found by the first cycle may predate this process
    const atStartWithoutState = this.#cycles++ === 0 && !this.restored;
    const decisions: IncidentDecision[] = [];
    const emit = (type: IncidentDecisionType, inc: Incident, message?: SlackMessage): void => {
      decisions.push({ type, id: inc.id, key: inc.key, ...(message ? { message } : {}) });
      if (message) this.#notify(message);
    };

    for (const d of cycle.drifts) {
      const key = incidentKey(d);
      const existing = this.#byId.get(d.id);
      if (existing && existing.key === key) {
        // the same drift still there: keep quiet, unless it stays uncorrected past --realert
        existing.corrected = existing.corrected || d.corrected;
        existing.observeOnly = d.observeOnly;
        existing.error = d.error;
        if (!d.corrected && now - existing.lastAnnouncedAt >= this.#realertMs) {
          existing.lastAnnouncedAt = now;
          existing.fields = fieldViews(d.fields);
          emit('reminded', existing, driftReminderMessage({ ...existing, corrected: false }, now));
        }
        continue;
      }
      if (existing) emit('replaced', existing);
      const incident: Incident = {
        key,
        id: d.id,
        ...(d.arn ? { arn: d.arn } : {}),
        paths: [...new Set(d.fields.map((f) => f.path))].sort(),
        specHash: d.specHash,
        fields: fieldViews(d.fields),
        revision: cycle.revision,
        corrected: d.corrected,
        observeOnly: d.observeOnly,
        ...(d.error ? { error: d.error } : {}),
        ...(d.author ? { author: d.author } : {}),
        openedAt: now,
        lastAnnouncedAt: now,
      };
      this.#byId.set(d.id, incident);
      const message = driftOpenedMessage(incident);
      if (atStartWithoutState) message.text += '\n_Found by the first check after the controller started: it may have been reported before._';
      emit('opened', incident, message);
    }

    for (const id of cycle.inSync) {
      const inc = this.#byId.get(id);
      if (!inc) continue;
      this.#byId.delete(id);
      if (this.#log) logDriftResolved(this.#log, { id, arn: inc.arn, revision: cycle.revision });
      emit('resolved', inc, driftResolvedMessage(inc, cycle.revision));
    }

    if (cycle.declared) {
      const declared = new Set(cycle.declared);
      for (const inc of [...this.#byId.values()]) {
        if (!declared.has(inc.id)) {
          this.#byId.delete(inc.id);
          emit('forgotten', inc);
        }
      }
    }
    if (decisions.length > 0) this.#persist();
    return decisions;
  }

  /** Open conflicts, by resource id. */
  openConflicts(): ConflictIncident[] {
    return [...this.#conflicts.values()].map((c) => ({ ...c }));
  }

  /** Feed one cycle's conflicts: one message when a conflict appears, one when it is gone. */
  observeConflicts(cycle: ConflictObservation): ConflictDecision[] {
    const decisions = decideConflicts(this.#conflicts, cycle, this.#now(), this.#realertMs);
    for (const d of decisions) if ('message' in d) this.#notify(d.message);
    if (decisions.length > 0) this.#persist();
    return decisions;
  }

  /** One message per rolled-out revision (repeated calls for the same revision are ignored). */
  rollout(revision: string, items: readonly RolloutItem[], subject?: string): SlackMessage | undefined {
    if (items.length === 0 || this.#state.rollouts.includes(revision)) return undefined;
    this.#state.rollouts = remember(this.#state.rollouts, revision);
    const message = rolloutMessage(revision, items, subject);
    this.#notify(message);
    this.#persist();
    return message;
  }

  /** One message per invalid revision; `inForce` is the revision that stays applied. */
  invalidRevision(revision: string, errors: readonly InvalidRevisionError[], inForce?: string): SlackMessage | undefined {
    if (this.#state.invalidRevisions.includes(revision)) return undefined;
    this.#state.invalidRevisions = remember(this.#state.invalidRevisions, revision);
    const message = invalidRevisionMessage(revision, errors, inForce);
    this.#notify(message);
    this.#persist();
    return message;
  }

  #persist(): void {
    this.#state.incidents = [...this.#byId.values()];
    this.#state.conflicts = [...this.#conflicts.values()];
    if (!this.#file) return;
    try {
      saveIncidentState(this.#file, this.#state);
    } catch (e) {
      this.#log?.warn({ event: LogEvent.stateUnwritable, file: this.#file }, `cannot write incident state ${this.#file}: ${(e as Error).message}; alerts may repeat after a restart`);
    }
  }
}

function remember(list: string[], revision: string): string[] {
  return [...list, revision].slice(-REVISIONS_KEPT);
}

/** Longest value a Slack line shows (the rest is cut with `…`). */
const FIELD_MAX = 150;

/** Stored and shown as display strings (rendered once, by the plan's renderer): bounded size. */
function fieldViews(fields: DriftObservation['fields']): Incident['fields'] {
  return fields.map((f) => ({ path: f.path, live: renderValue(f.live, { maxLength: FIELD_MAX }), desired: renderValue(f.desired, { maxLength: FIELD_MAX }) }));
}
