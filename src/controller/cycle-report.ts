// After a cycle's apply: one log event per fact (drift.detected / drift.corrected /
// rollout.applied), the drift and conflict incidents (Slack), the resources' states for /status, metrics.
import { logDriftCorrected, logDriftDetected, logRollout, logRolloutApplied } from '../log/log-events.js';
import type { RolloutObservation } from '../notify/rollout-incidents.js';
import type { RolloutStatus } from '../reconcilers/shared/rollout-status.js';
import type { RolloutItem } from '../notify/slack-messages.js';
import type { DriftObservation } from '../notify/drift-incidents.js';
import type { ResourceState, ResourceStatus } from '../server/controller-status.js';
import { desiredResources, rolloutStatusOf } from '../reconcilers/registry.js';
import type { Change, Plan } from '../reconcilers/types.js';
import type { ApplyReport, ChangeOutcome } from './apply-report.js';
import type { CycleDeps, InForce } from './cycle-deps.js';
import { nextActions } from './next-actions.js';
import { deletionsIn } from './prune-guard.js';

type ReportDeps = Pick<CycleDeps, 'logger' | 'incidents' | 'status' | 'metrics' | 'dryRun' | 'rollouts' | 'authors'>;

/** A targeted reconcile (an event's resources): only these ids were observed and planned. */
export interface ReportScope {
  only: ReadonlySet<string>;
}

function declaredIds(inForce: InForce): string[] {
  return desiredResources(inForce.state).map((r) => r.id);
}

function fieldsOf(change: Change): { path: string; live: unknown; desired: unknown }[] {
  return change.diffs.map((d) => ({ path: d.path, live: d.live, desired: d.desired }));
}

/** What /status says of one declared resource after this cycle. */
function resourceState(change: Change | undefined, outcome: ChangeOutcome | undefined, dryRun: boolean): ResourceStatus['state'] {
  if (change === undefined || change.action === 'noop') return 'in-sync';
  if (change.policy === 'observe') return 'observe-only';
  if (outcome?.status === 'failed') return 'failed';
  if (outcome?.status === 'applied') return 'in-sync';
  if (dryRun) return change.cause === 'drift' ? 'drifted' : 'pending';
  return 'pending';
}

export function reportCycle(deps: ReportDeps, inForce: InForce, plan: Plan, report: ApplyReport, scope?: ReportScope): void {
  const { logger, incidents, status, metrics } = deps;
  const outcomes = new Map(report.outcomes.map((o) => [o.id, o]));
  const changes = new Map(plan.changes.map((c) => [c.id, c]));
  const drifts: DriftObservation[] = [];
  const rolledOut: RolloutItem[] = [];
  const heldBack = new Map<string, string>();
  const rolloutOf = new Map<string, RolloutStatus>();

  for (const change of plan.changes) {
    if (change.action === 'noop') continue;
    const outcome = outcomes.get(change.id);
    const rollout = rolloutStatusOf(change, outcome?.status === 'applied');
    // recording a failed rollout's hold is not a rollout of the files
    const recordsFailure = rollout !== undefined && (rollout.state === 'rollout-failed' || rollout.state === 'rolled-back');
    const fact = {
      id: change.id,
      ...(change.liveId === undefined ? {} : { arn: change.liveId }),
      revision: inForce.revision,
      fields: fieldsOf(change),
    };
    // applied, but the prune guard kept its deletions (e.g. revokes without --prune): not in sync
    const held = outcome?.status === 'applied' && report.prune.refused !== undefined && deletionsIn(change) > 0;
    if (held) heldBack.set(change.id, report.prune.refused ?? '');
    if (change.cause === 'drift') {
      const author = deps.authors?.of(change.id);
      if (author !== undefined) Object.assign(fact, { author });
      logDriftDetected(logger, { ...fact, policy: change.policy });
      metrics.recordDrift(change.kind);
      const corrected = outcome?.status === 'applied' && !held;
      if (corrected) logDriftCorrected(logger, { ...fact, policy: change.policy });
      drifts.push({
        ...fact,
        corrected,
        observeOnly: change.policy === 'observe' || deps.dryRun,
        specHash: change.desiredHash ?? change.desired?.specHash ?? '',
        ...(outcome?.status === 'failed' && outcome.reason !== undefined ? { error: outcome.reason } : {}),
        ...(held ? { error: report.prune.refused } : {}),
      });
    } else if (outcome?.status === 'applied' && !recordsFailure) {
      logRolloutApplied(logger, { ...fact, action: change.action });
      rolledOut.push({ id: change.id, action: change.action, diffs: change.diffs.map((d) => ({ path: d.path })) });
    }
  }
  if (rolledOut.length > 0) incidents.rollout(inForce.revision, rolledOut);
  for (const change of plan.changes) {
    const outcome = outcomes.get(change.id);
    if (outcome?.status === 'failed' || change.policy === 'observe') continue;
    const rollout = rolloutStatusOf(change, outcome?.status === 'applied');
    if (rollout !== undefined) rolloutOf.set(change.id, rollout);
  }

  const declared = declaredIds(inForce);
  const drifted = new Set(drifts.map((d) => d.id));
  const reported = scope === undefined ? declared : declared.filter((id) => scope.only.has(id));
  const inSync = reported.filter((id) => !drifted.has(id) && outcomes.get(id)?.status !== 'failed' && !heldBack.has(id));
  incidents.observeCycle({ revision: inForce.revision, drifts, inSync, declared });
  // conflicts block a resource until someone acts (e.g. a hand-made rule at a declared priority): alert them
  // a targeted reconcile saw only its resources: the other conflicts stand as the last full cycle found them
  if (scope === undefined) incidents.observeConflicts({ revision: inForce.revision, conflicts: plan.conflicts, declared });

  const resources: ResourceStatus[] = reported.map((id) => {
    const change = changes.get(id);
    const outcome = outcomes.get(id);
    const rollout = rolloutOf.get(id);
    const state: ResourceState = heldBack.has(id) ? 'pending' : rollout !== undefined && !deps.dryRun ? rollout.state : resourceState(change, outcome, deps.dryRun);
    const detail =
      heldBack.get(id) ??
      (rollout !== undefined && !deps.dryRun ? rollout.detail : undefined) ??
      outcome?.reason ??
      (change !== undefined && change.action !== 'noop' ? `${change.action} (${change.cause}): ${change.diffs.map((d) => d.path).join(', ')}` : undefined);
    return {
      id,
      state,
      ...(change?.liveId === undefined ? {} : { arn: change.liveId }),
      ...(detail === undefined || (state === 'in-sync' && outcome === undefined && rollout === undefined) ? {} : { detail }),
    };
  });
  const kept = scope === undefined ? [] : status.resources.filter((r) => !scope.only.has(r.id));
  status.setResources([...kept, ...resources]);
  status.setOutlook(
    incidents.open().map((i) => ({
      id: i.id,
      ...(i.arn === undefined ? {} : { arn: i.arn }),
      fields: i.fields,
      openedAt: new Date(i.openedAt).toISOString(),
      corrected: i.corrected,
      observeOnly: i.observeOnly,
      ...(i.error === undefined ? {} : { error: i.error }),
      ...(i.author === undefined ? {} : { author: i.author }),
    })),
    nextActions(plan, report, resources, deps.dryRun),
  );
  metrics.setResourceStates(scope === undefined ? resources : status.resources);
  // rollouts are followed by full cycles (a targeted reconcile's plan holds only its resources)
  if (!deps.dryRun && scope === undefined) followRollouts(deps, inForce, plan, outcomes, rolloutOf, declared);
}

/** The rollout facts of this cycle: log lines, metrics, Slack (through deps.rollouts). */
function followRollouts(
  deps: ReportDeps,
  inForce: InForce,
  plan: Plan,
  outcomes: ReadonlyMap<string, ChangeOutcome>,
  rolloutOf: ReadonlyMap<string, RolloutStatus>,
  declared: readonly string[],
): void {
  const isDeclared = new Set(declared);
  const observations: RolloutObservation[] = plan.changes
    .filter((c) => c.action !== 'delete' && isDeclared.has(c.id))
    .map((c) => {
      const outcome = outcomes.get(c.id);
      const status = rolloutOf.get(c.id);
      return {
        id: c.id,
        ...(c.liveId === undefined ? {} : { arn: c.liveId }),
        status,
        inSync: c.action === 'noop' || outcome?.status === 'applied',
        started: outcome?.status === 'applied' && status?.state === 'rolling-out',
      };
    });
  deps.metrics.setRolloutsInProgress(observations.filter((o) => o.status?.state === 'rolling-out').length);
  if (deps.rollouts === undefined) return;
  for (const e of deps.rollouts.observe(inForce.revision, observations, declared)) {
    const arn = observations.find((o) => o.id === e.id)?.arn;
    const s = e.status;
    logRollout(deps.logger, e.type, {
      id: e.id,
      ...(arn === undefined ? {} : { arn }),
      revision: inForce.revision,
      specHash: s.specHash,
      detail: s.detail,
      ...(s.deploymentId === undefined ? {} : { deploymentId: s.deploymentId }),
      ...(s.reason === undefined ? {} : { reason: s.reason }),
      ...(s.stoppedReason === undefined ? {} : { stoppedReason: s.stoppedReason }),
      ...(s.events === undefined ? {} : { events: s.events }),
      ...(s.rolledBackTo === undefined ? {} : { rolledBackTo: s.rolledBackTo }),
    });
    deps.metrics.recordRollout(e.type);
  }
}
