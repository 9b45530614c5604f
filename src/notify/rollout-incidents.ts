// The rollout model, kind-agnostic: what became of each deployment of ours, followed across
// cycles (the daemon never waits inside a cycle). Each cycle reports, per resource, the rollout
// status the plan read; this decides the facts to log (started, completed, failed, rolled_back)
// and the Slack messages: one when a rollout fails or is rolled back, one when a later commit's
// rollout completes (and, with --notify-rollouts, one per completed rollout). What is followed is
// kept in --state-dir (rollouts.json), so a restart neither repeats an alert nor forgets to resolve
// it; without a state file, a failure found already held on AWS was announced by an earlier
// process and is recorded without a message.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RolloutStatus } from '../reconcilers/shared/rollout-status.js';
import { rolloutCompletedMessage, rolloutFailedMessage, rolloutResolvedMessage } from './slack-messages.js';
import type { SlackMessage } from './slack-sender.js';

export interface FollowedRollout {
  /** `Kind/name` */
  id: string;
  arn?: string;
  specHash: string;
  phase: 'rolling-out' | 'rollout-failed' | 'rolled-back';
  /** the commit whose rollout it is */
  revision: string;
  /** the spec hash of an open failure (announced), until a later hash completes */
  failedHash?: string;
  /** a retry of a failed hash is under way: its completion resolves the failure, its failure is announced again */
  retrying?: boolean;
}

export interface RolloutObservation {
  id: string;
  arn?: string;
  /** what the kind reports (undefined: nothing of ours to follow) */
  status: RolloutStatus | undefined;
  /** true when the resource is in sync this cycle (no change, or its change applied) */
  inSync: boolean;
  /** this cycle's write started the rollout */
  started: boolean;
}

export type RolloutEvent = { type: 'started' | 'completed' | 'failed' | 'rolled_back'; id: string; status: RolloutStatus };

export interface RolloutDecisions {
  events: RolloutEvent[];
  messages: SlackMessage[];
}

/** Updates `open` in place for one cycle. Pure apart from that. */
export function decideRollouts(
  open: Map<string, FollowedRollout>,
  revision: string,
  observations: readonly RolloutObservation[],
  options: { notifyRollouts: boolean; declared: readonly string[] },
): RolloutDecisions {
  const out: RolloutDecisions = { events: [], messages: [] };
  for (const o of observations) {
    const prev = open.get(o.id);
    const s = o.status;
    const label = { id: o.id, ...(o.arn === undefined ? {} : { arn: o.arn }) };
    const failureOpen = prev?.failedHash;
    if (s === undefined) {
      // nothing followed (e.g. an endpoint that reports no deployments): a later hash in sync resolves
      if (o.inSync && failureOpen !== undefined && prev !== undefined && prev.specHash !== failureOpen) {
        out.messages.push(rolloutResolvedMessage(label, revision));
        open.delete(o.id);
      } else if (o.inSync && prev?.phase === 'rolling-out' && failureOpen === undefined) {
        open.delete(o.id);
      }
      continue;
    }
    if (s.state === 'rolling-out') {
      if (o.started) out.events.push({ type: 'started', id: o.id, status: s });
      // a new deployment of the failed hash itself (--retry-failed, POST /retry) is a new attempt
      const retry = o.started && failureOpen === s.specHash;
      const failedHash = retry ? undefined : failureOpen;
      open.set(o.id, {
        ...label,
        specHash: s.specHash,
        phase: 'rolling-out',
        revision,
        ...(failedHash === undefined ? {} : { failedHash }),
        ...(retry || prev?.retrying === true ? { retrying: true } : {}),
      });
      continue;
    }
    if (s.state === 'in-sync') {
      if (prev !== undefined && prev.specHash === s.specHash && prev.phase === 'rolling-out') {
        out.events.push({ type: 'completed', id: o.id, status: s });
        if ((failureOpen !== undefined && failureOpen !== s.specHash) || prev.retrying === true) out.messages.push(rolloutResolvedMessage(label, revision));
        else if (options.notifyRollouts) out.messages.push(rolloutCompletedMessage(label, revision));
      } else if (failureOpen !== undefined && failureOpen !== s.specHash) {
        out.messages.push(rolloutResolvedMessage(label, revision));
      }
      open.delete(o.id);
      continue;
    }
    // failed or rolled back
    if (failureOpen === s.specHash) {
      if (s.state === 'rolled-back' && prev?.phase !== 'rolled-back') out.events.push({ type: 'rolled_back', id: o.id, status: s });
      open.set(o.id, { ...(prev as FollowedRollout), phase: s.state });
      continue;
    }
    open.set(o.id, { ...label, specHash: s.specHash, phase: s.state, revision, failedHash: s.specHash });
    if (s.held && prev === undefined) continue; // held on AWS before this process knew it: announced already
    out.events.push({ type: 'failed', id: o.id, status: s });
    if (s.state === 'rolled-back') out.events.push({ type: 'rolled_back', id: o.id, status: s });
    out.messages.push(
      rolloutFailedMessage({
        ...label,
        revision,
        reason: s.reason ?? s.detail,
        ...(s.stoppedReason === undefined ? {} : { stoppedReason: s.stoppedReason }),
        ...(s.rolledBackTo === undefined ? {} : { rolledBackTo: s.rolledBackTo }),
      }),
    );
  }
  const declared = new Set(options.declared);
  for (const id of [...open.keys()]) if (!declared.has(id)) open.delete(id);
  return out;
}

export interface RolloutIncidentsOptions {
  notify: (m: SlackMessage) => void;
  /** --state-dir/rollouts.json; none: memory only */
  stateFile?: string;
  /** also announce rollouts that complete (--notify-rollouts) */
  notifyRollouts?: boolean;
  warn?: (msg: string) => void;
}

export class RolloutIncidents {
  readonly #open = new Map<string, FollowedRollout>();
  readonly #options: RolloutIncidentsOptions;

  constructor(options: RolloutIncidentsOptions) {
    this.#options = options;
    if (options.stateFile === undefined) return;
    try {
      const parsed = JSON.parse(readFileSync(options.stateFile, 'utf8')) as { rollouts?: FollowedRollout[] };
      for (const r of parsed.rollouts ?? []) if (typeof r?.id === 'string') this.#open.set(r.id, r);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') options.warn?.(`cannot read ${options.stateFile} (${(err as Error).message}): following rollouts from scratch`);
    }
  }

  /** Rollouts followed now (in progress or with an open failure). */
  followed(): FollowedRollout[] {
    return [...this.#open.values()].map((r) => ({ ...r }));
  }

  observe(revision: string, observations: readonly RolloutObservation[], declared: readonly string[]): RolloutEvent[] {
    const decided = decideRollouts(this.#open, revision, observations, { notifyRollouts: this.#options.notifyRollouts === true, declared });
    for (const m of decided.messages) this.#options.notify(m);
    this.#save();
    return decided.events;
  }

  #save(): void {
    const file = this.#options.stateFile;
    if (file === undefined) return;
    try {
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ version: 1, rollouts: [...this.#open.values()] }, null, 2)}\n`);
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.#options.warn?.(`cannot write ${file}: ${(err as Error).message}`);
    }
  }
}
