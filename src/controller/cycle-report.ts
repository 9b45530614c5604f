// After a cycle's apply: one log event per fact (drift.detected / drift.corrected /
// rollout.applied), the drift and conflict incidents (Slack), the resources' states for /status, metrics.
import { logDriftCorrected, logDriftDetected, logRolloutApplied } from '../log/log-events.js';
import type { RolloutItem } from '../notify/slack-messages.js';
import type { DriftObservation } from '../notify/drift-incidents.js';
import type { ResourceState, ResourceStatus } from '../server/controller-status.js';
import { desiredResources } from '../reconcilers/registry.js';
import type { Change, Plan } from '../reconcilers/types.js';
import type { ApplyReport, ChangeOutcome } from './apply-report.js';
import type { CycleDeps, InForce } from './cycle-deps.js';
import { nextActions } from './next-actions.js';
import { deletionsIn } from './prune-guard.js';

type ReportDeps = Pick<CycleDeps, 'logger' | 'incidents' | 'status' | 'metrics' | 'dryRun'>;

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

export function reportCycle(deps: ReportDeps, inForce: InForce, plan: Plan, report: ApplyReport): void {
  const { logger, incidents, status, metrics } = deps;
  const outcomes = new Map(report.outcomes.map((o) => [o.id, o]));
  const changes = new Map(plan.changes.map((c) => [c.id, c]));
  const drifts: DriftObservation[] = [];
  const rolledOut: RolloutItem[] = [];
  const heldBack = new Map<string, string>();

  for (const change of plan.changes) {
    if (change.action === 'noop') continue;
    const outcome = outcomes.get(change.id);
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
    } else if (outcome?.status === 'applied') {
      logRolloutApplied(logger, { ...fact, action: change.action });
      rolledOut.push({ id: change.id, action: change.action, diffs: change.diffs.map((d) => ({ path: d.path })) });
    }
  }
  if (rolledOut.length > 0) incidents.rollout(inForce.revision, rolledOut);

  const declared = declaredIds(inForce);
  const drifted = new Set(drifts.map((d) => d.id));
  const inSync = declared.filter((id) => !drifted.has(id) && outcomes.get(id)?.status !== 'failed' && !heldBack.has(id));
  incidents.observeCycle({ revision: inForce.revision, drifts, inSync, declared });
  // conflicts block a resource until someone acts (e.g. a hand-made rule at a declared priority): alert them
  incidents.observeConflicts({ revision: inForce.revision, conflicts: plan.conflicts, declared });

  const resources: ResourceStatus[] = declared.map((id) => {
    const change = changes.get(id);
    const outcome = outcomes.get(id);
    const state: ResourceState = heldBack.has(id) ? 'pending' : resourceState(change, outcome, deps.dryRun);
    const detail =
      heldBack.get(id) ??
      outcome?.reason ??
      (change !== undefined && change.action !== 'noop' ? `${change.action} (${change.cause}): ${change.diffs.map((d) => d.path).join(', ')}` : undefined);
    return {
      id,
      state,
      ...(change?.liveId === undefined ? {} : { arn: change.liveId }),
      ...(detail === undefined || state === 'in-sync' && outcome === undefined ? {} : { detail }),
    };
  });
  status.setResources(resources);
  status.setOutlook(
    incidents.open().map((i) => ({
      id: i.id,
      ...(i.arn === undefined ? {} : { arn: i.arn }),
      fields: i.fields,
      openedAt: new Date(i.openedAt).toISOString(),
      corrected: i.corrected,
      observeOnly: i.observeOnly,
      ...(i.error === undefined ? {} : { error: i.error }),
    })),
    nextActions(plan, report, resources, deps.dryRun),
  );
  metrics.setResourceStates(resources);
}
