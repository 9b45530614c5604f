// The conflict incident model, kind-agnostic: a conflict (a resource the plan cannot write, e.g. a
// declared rule priority held by a hand-made rule, a missing cluster) is announced once when it
// appears and once when it is gone, like a drift, not once per cycle. An incident is keyed by
// resource id + the conflict's text: the planner's messages are deterministic (they name the
// other resource and both sides), so the same conflict reads the same every cycle, and another
// conflict on the same resource is a new incident. Open conflicts are re-announced at most every
// `realertMs` (nothing is written for the resource until someone acts). Pure: DriftIncidents
// keeps the state and sends.
import { conflictOpenedMessage, conflictReminderMessage, conflictResolvedMessage } from './slack-messages.js';
import type { SlackMessage } from './slack-sender.js';

export interface ConflictIncident {
  /** resource id + message */
  key: string;
  /** `Kind/name` */
  id: string;
  message: string;
  revision: string;
  openedAt: number;
  lastAnnouncedAt: number;
}

export interface ConflictObservation {
  /** the revision in force */
  revision: string;
  /** the plan's conflicts this cycle (several for one id are one incident) */
  conflicts: readonly { id: string; message: string }[];
  /** every declared id; incidents of ids no longer declared are closed without a message */
  declared?: readonly string[];
}

export type ConflictDecision =
  | { type: 'opened' | 'reminded' | 'resolved'; incident: ConflictIncident; message: SlackMessage }
  | { type: 'replaced' | 'forgotten'; incident: ConflictIncident };

export function conflictKey(id: string, message: string): string {
  return `${id}|${message}`;
}

/** One message per resource: a resource blocked by several conflicts is one incident. */
function byResource(conflicts: ConflictObservation['conflicts']): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of conflicts) out.set(c.id, out.has(c.id) ? `${out.get(c.id)}; ${c.message}` : c.message);
  return out;
}

/** Updates `open` (id -> incident) in place for one cycle and returns what to announce. */
export function decideConflicts(
  open: Map<string, ConflictIncident>,
  cycle: ConflictObservation,
  now: number,
  realertMs: number,
): ConflictDecision[] {
  const decisions: ConflictDecision[] = [];
  const current = byResource(cycle.conflicts);
  for (const [id, message] of current) {
    const key = conflictKey(id, message);
    const existing = open.get(id);
    if (existing !== undefined && existing.key === key) {
      if (now - existing.lastAnnouncedAt >= realertMs) {
        existing.lastAnnouncedAt = now;
        decisions.push({ type: 'reminded', incident: existing, message: conflictReminderMessage(existing, now) });
      }
      continue;
    }
    if (existing !== undefined) decisions.push({ type: 'replaced', incident: existing });
    const incident: ConflictIncident = { key, id, message, revision: cycle.revision, openedAt: now, lastAnnouncedAt: now };
    open.set(id, incident);
    decisions.push({ type: 'opened', incident, message: conflictOpenedMessage(incident) });
  }
  const declared = cycle.declared === undefined ? undefined : new Set(cycle.declared);
  for (const [id, incident] of [...open]) {
    if (current.has(id)) continue;
    open.delete(id);
    if (declared !== undefined && !declared.has(id)) decisions.push({ type: 'forgotten', incident });
    else decisions.push({ type: 'resolved', incident, message: conflictResolvedMessage(incident, cycle.revision) });
  }
  return decisions;
}
