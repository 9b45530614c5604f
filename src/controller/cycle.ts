// One reconcile cycle of the daemon: sync the source, load the revision (only a valid one is
// ever put in force), observe, plan, apply (or only report), then log, alert and record.
import { LogEvent, logApplyFailed, logSourceInvalid, logSourceUpdated } from '../log/log-events.js';
import type { CycleResult } from '../server/controller-status.js';
import { loadDesiredState } from '../spec/load-desired-state.js';
import { ReconcilerError } from '../reconciler-error.js';
import { SourceError } from '../source/desired-source.js';
import { applyPlan, applyWaves } from './apply.js';
import type { ApplyReport } from './apply-report.js';
import { observePlanInWaves } from './plan-waves.js';
import { desiredResources } from '../reconcilers/registry.js';
import { createApplyContext } from '../reconcilers/shared/apply-context.js';
import { secretValues } from '../spec/secret-values.js';
import { observeAndPlan } from './pipeline.js';
import { createObserveCache, observe } from './observe.js';
import { planAll } from '../reconcilers/plan.js';
import { EventIndex, subsetOf, withReferences } from '../reconcilers/event-routing.js';
import type { Plan } from '../reconcilers/types.js';
import { reportCycle } from './cycle-report.js';
import { formatResolvedLookups, resolveLookups, withoutBlocked, type ResolvedLookup } from '../reconcilers/resolve-lookups.js';

import type { CycleDeps, InForce } from './cycle-deps.js';

export type { CycleDeps, InForce } from './cycle-deps.js';

/** Raised for a cycle that could not reconcile at all; `message` is one line for people. */
export class CycleError extends ReconcilerError {
  override readonly name = 'CycleError';
  constructor(message: string) {
    super('cycle.failed', message);
  }
}

/** Holds the revision in force between cycles; `run()` is one cycle. */
export class Reconciler {
  #inForce: InForce | undefined;
  /** the newest revision that failed to load: not loaded again until the source moves on */
  #invalidRevision: string | undefined;
  /** one sync at a time (the cycle and the git poll share the source) */
  #sourceLock: Promise<unknown> = Promise.resolve();
  /** the live ARN each declared resource's last plan found (events name resources by ARN) */
  readonly #arns = new Map<string, string>();
  #index: { revision: string; arns: number; index: EventIndex } | undefined;
  #arnsVersion = 0;
  /** this reconciler's task definitions and other immutable reads: one per target (a shared one made each target evict the others' and re-read them every cycle) */
  readonly #cache = createObserveCache();
  /** the resolved lookups last logged (logged again only when they change) */
  #lookupsLogged = '';

  constructor(private readonly deps: CycleDeps) {}

  get inForce(): InForce | undefined {
    return this.#inForce;
  }

  /** Sync the source and put a new valid revision in force. Source failures keep the last one. */
  refreshSource(): Promise<void> {
    const next = this.#sourceLock.then(() => this.#refresh());
    this.#sourceLock = next.catch(() => undefined);
    return next;
  }

  /** For the git poll between cycles: true when a new valid revision was put in force. */
  async sourceMoved(): Promise<boolean> {
    const before = this.#inForce?.revision;
    await this.refreshSource().catch(() => undefined);
    return this.#inForce?.revision !== before;
  }

  async #refresh(): Promise<void> {
    const { source, logger, status, metrics } = this.deps;
    let synced;
    try {
      synced = await source.sync();
    } catch (error) {
      // a commit refused for what it holds (a link out of the checkout) is an invalid revision:
      // logged and sent to Slack once, shown in /status, the last valid one stays in force
      if (error instanceof SourceError && error.code === 'source.unsafe-link' && error.revision !== undefined) {
        this.#refuseRevision(error.revision, refusedRevisionErrors(this.deps.secrets.scrub(error.message)));
        if (this.#inForce === undefined) throw new CycleError(`no valid desired state yet: commit ${error.revision} was refused (see source.invalid)`);
        return;
      }
      const message = this.deps.secrets.scrub(error instanceof Error ? error.message : String(error));
      logger.error({ event: LogEvent.sourceFailed, source: source.describe(), err: { message } }, `cannot read ${source.describe()}: ${message}`);
      if (this.#inForce === undefined) throw new CycleError(`cannot read the desired state: ${message}`);
      return;
    }
    const { revision, dir } = synced;
    if (revision === this.#inForce?.revision || revision === this.#invalidRevision) return;
    const loaded = this.deps.load !== undefined ? await this.deps.load(dir) : await loadDesiredState(dir, this.deps.loadOptions);
    if (!loaded.ok) {
      this.#refuseRevision(
        revision,
        loaded.errors.map((e) => ({ file: e.file, line: e.line, col: e.col, message: e.message, kindName: e.kindName })),
      );
      return;
    }
    const previous = this.#inForce?.revision;
    this.#inForce = { revision, state: loaded.state };
    this.#invalidRevision = undefined;
    this.deps.secrets.add(...secretValues(loaded.state));
    logSourceUpdated(logger, { revision, ...(previous === undefined ? {} : { previous }), source: source.describe() });
    status.setRevision(revision);
    metrics.setRevision(revision);
  }

  /** A revision that is not put in force: logged, shown and alerted once (the same one again is ignored). */
  #refuseRevision(revision: string, errors: RevisionError[]): void {
    if (revision === this.#invalidRevision) return;
    const { logger, status, incidents } = this.deps;
    this.#invalidRevision = revision;
    logSourceInvalid(logger, { revision, errors });
    status.setInvalidRevision(revision, errors);
    incidents.invalidRevision(revision, errors, this.#inForce?.revision);
  }

  /** Events name resources by ARN, group id, cluster + service: which declared resources answer to what. */
  eventIndex(): EventIndex | undefined {
    const inForce = this.#inForce;
    if (inForce === undefined) return undefined;
    const cached = this.#index;
    if (cached?.revision === inForce.revision && cached.arns === this.#arnsVersion) return cached.index;
    const index = new EventIndex(inForce.state, this.#arns);
    this.#index = { revision: inForce.revision, arns: this.#arnsVersion, index };
    return index;
  }

  /** The ARNs the plan found, and those the apply created (a rule created now is edited by hand next). */
  #rememberArns(plan: Plan, created: readonly { changeId: string; operation: string; target?: string }[] = []): void {
    const found = [
      ...plan.changes.flatMap((c) => (c.liveId === undefined ? [] : [[c.id, c.liveId] as const])),
      ...created.flatMap((w) => (/^Create(?!Tags)/.test(w.operation) && w.target !== undefined ? [[w.changeId, w.target] as const] : [])),
    ];
    for (const [id, arn] of found) {
      if (this.#arns.get(id) === arn) continue;
      this.#arns.set(id, arn);
      this.#arnsVersion += 1;
    }
  }

  /**
   * A targeted reconcile (issue 17): observe, plan and apply only these declared resources
   * (and what their plans need beside them), with the revision in force; no source sync, no
   * prune. The plan is made against the whole desired state (so priorities and references are
   * judged as in a full cycle) over the live state of the subset, and only the subset's own
   * changes are kept (never a prune delete; with --prune the revokes an exclusive group's update
   * carries run, under the same guard). Throws when nothing could be observed.
   */
  async runTargeted(ids: readonly string[]): Promise<TargetedResult> {
    const inForce = this.#inForce;
    if (inForce === undefined) throw new CycleError('no valid desired state yet');
    const { clients, ownerId, prune, maxDeletes, dryRun, logger } = this.deps;
    const declared = new Set(desiredResources(inForce.state).map((r) => r.id));
    const wanted = new Set(ids.filter((id) => declared.has(id)));
    if (wanted.size === 0) return { result: 'success', reconciled: [], failed: [], corrected: [] };
    // references by name or tag resolve first, as in a full cycle (a plan over lookup placeholders would be wrong)
    const lookups = await resolveLookups(inForce.state, clients);
    const scope = withReferences(lookups.desired, wanted);
    const live = await observe(subsetOf(lookups.desired, scope), clients, { owned: false, ownerId, partial: true, cache: this.#cache });
    const whole = withoutBlocked(planAll(lookups.desired, live, { prune: false, ownerId, retryFailed: false }), lookups.blocked);
    const plan: Plan = { changes: whole.changes.filter((c) => wanted.has(c.id)), conflicts: whole.conflicts.filter((c) => wanted.has(c.id)) };
    const ctx = createApplyContext({ clients, ownerId, live, log: logger });
    // the plan holds no prune delete (planned without, and only declared ids kept); --prune lets
    // the deletions a declared resource's own update carries run, as in a full cycle: the rule a
    // console opened in an `exclusive` group is revoked on its event, not 10 min later
    const report = await applyPlan(plan, ctx, { dryRun, prune, maxDeletes, desiredResourceCount: declared.size });
    this.#rememberArns(plan, report.writes);
    const failed = report.outcomes.filter((o) => o.status === 'failed').map((o) => o.id);
    logFailedOutcomes(logger, report, inForce.revision);
    reportCycle(this.deps, inForce, plan, report, { only: wanted });
    // written back: applied with a write (an update whose only part was a held revoke writes nothing, so nothing to confirm)
    const applied = new Set(report.outcomes.filter((o) => o.status === 'applied').map((o) => o.id));
    const wrote = new Set(report.writes.map((w) => w.changeId));
    const corrected = plan.changes.filter((c) => c.cause === 'drift' && applied.has(c.id) && wrote.has(c.id)).map((c) => c.id);
    return { result: report.ok ? 'success' : 'partial', reconciled: [...wanted], failed, corrected };
  }

  /** One whole cycle. Returns the result; throws CycleError when nothing could be reconciled. */
  async run(): Promise<CycleResult> {
    await this.refreshSource();
    const inForce = this.#inForce;
    if (inForce === undefined) throw new CycleError('no valid desired state yet: fix the source (see source.invalid) and push again');
    const { clients, ownerId, prune, maxDeletes, dryRun, logger } = this.deps;
    // POST /retry: this one cycle deploys again what failed rollouts hold
    const retryFailed = this.deps.retryFailed?.requested === true;
    if (this.deps.retryFailed !== undefined) this.deps.retryFailed.requested = false;
    const applyOpts = { dryRun, prune, maxDeletes, desiredResourceCount: desiredResources(inForce.state).length };
    const pipelineOpts = { prune, ownerId, retryFailed, cache: this.#cache };
    let plan: Plan;
    let report: ApplyReport;
    let lookups: ResolvedLookup[];
    if (dryRun) {
      const observed = await observeAndPlan(inForce.state, clients, pipelineOpts);
      ({ plan, lookups } = observed);
      report = await applyPlan(plan, createApplyContext({ clients, ownerId, live: observed.live, log: logger }), applyOpts);
    } else {
      // each kind's writes start once what it plans from is read (a cold apply's ELBv2 writes
      // need not wait for ECS's task definitions); the plan is the same as observeAndPlan's
      const staged = observePlanInWaves(inForce.state, clients, pipelineOpts);
      report = await applyWaves(staged.waves, () => createApplyContext({ clients, ownerId, live: staged.live, log: logger }), applyOpts);
      ({ plan, lookups } = await staged.result);
    }
    // the ids references by name or tag found: logged when they first resolve or change
    const resolved = formatResolvedLookups(lookups).join('\n');
    if (resolved !== this.#lookupsLogged) {
      this.#lookupsLogged = resolved;
      if (lookups.length > 0) logger.info({ event: LogEvent.lookupsResolved, lookups }, `${lookups.length} lookup(s) resolved:\n${resolved}`);
    }
    this.#rememberArns(plan, report.writes);
    logFailedOutcomes(logger, report, inForce.revision);
    reportCycle(this.deps, inForce, plan, report);
    return report.ok ? 'success' : 'partial';
  }
}

/** What a targeted reconcile did: the resources whose writes failed (their events are kept for a retry). */
export interface TargetedResult {
  result: CycleResult;
  reconciled: string[];
  failed: string[];
  /** drift this run wrote back: read once more to confirm (and close the incident, as the next full cycle would) */
  corrected: string[];
}

type RevisionError = { file: string; line: number; col: number; message: string; kindName?: string };

/** The `path:line:col: message` lines of a refused commit's error (the first line says why). */
function refusedRevisionErrors(message: string): RevisionError[] {
  const lines = message.split('\n');
  const errors = lines.flatMap((l) => {
    const m = /^(.+?):(\d+):(\d+): (.*)$/.exec(l.trim());
    return m ? [{ file: m[1] ?? '', line: Number(m[2]), col: Number(m[3]), message: m[4] ?? '' }] : [];
  });
  return errors.length > 0 ? errors : [{ file: '.', line: 1, col: 1, message: lines[0] ?? message }];
}

/** One apply.failed line per failed outcome of an apply (a full cycle's or a targeted run's). */
function logFailedOutcomes(logger: CycleDeps['logger'], report: Awaited<ReturnType<typeof applyPlan>>, revision: string): void {
  for (const outcome of report.outcomes) {
    if (outcome.status !== 'failed') continue;
    logApplyFailed(logger, {
      id: outcome.id,
      revision,
      action: outcome.action,
      error: outcome.reason ?? 'failed',
      ...(outcome.operation === undefined ? {} : { code: outcome.operation }),
    });
  }
}
