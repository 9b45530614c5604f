// What the next cycle will do, as /status and the status page say it: derived from this
// cycle's plan and apply outcomes (a level-based loop redoes whatever is still not in sync).
import type { NextAction, ResourceStatus } from '../server/controller-status.js';
import type { Plan } from '../reconcilers/types.js';
import type { ApplyReport } from './apply-report.js';

export function nextActions(plan: Plan, report: ApplyReport, resources: readonly ResourceStatus[], dryRun: boolean): NextAction[] {
  const changes = new Map(plan.changes.map((c) => [c.id, c]));
  const outcomes = new Map(report.outcomes.map((o) => [o.id, o]));
  const actions: NextAction[] = [];
  const declared = new Set(resources.map((r) => r.id));
  const detailOf = (r: { detail?: string }): { detail?: string } => (r.detail === undefined ? {} : { detail: r.detail });
  for (const r of resources) {
    const change = changes.get(r.id);
    if (r.state === 'in-sync' || change === undefined) continue;
    // reported, not written: say what differs (the resource's own detail only says why it is not written)
    const differs = { detail: `${change.cause}: ${change.diffs.map((d) => d.path).join(', ') || change.action}` };
    if (r.state === 'observe-only') actions.push({ id: r.id, action: 'report again, never write (policy observe)', ...differs });
    else if (dryRun) actions.push({ id: r.id, action: `report again, never write (--dry-run): would ${change.action}`, ...differs });
    else if (r.state === 'failed') actions.push({ id: r.id, action: `retry ${change.action} (${change.cause})`, ...detailOf(r) });
    else actions.push({ id: r.id, action: `${change.action} (${change.cause}) again`, ...detailOf(r) });
  }
  // deletions (prune) of resources no file declares any more, when they did not happen this cycle
  for (const change of plan.changes) {
    if (declared.has(change.id) || change.action === 'noop') continue;
    const outcome = outcomes.get(change.id);
    if (outcome?.status === 'applied') continue;
    const reason = outcome?.reason ?? report.prune.refused;
    actions.push({ id: change.id, action: dryRun ? `report again, never write (--dry-run): would ${change.action}` : `${change.action} (not done this cycle)`, ...(reason === undefined ? {} : { detail: reason }) });
  }
  for (const c of plan.conflicts) actions.push({ id: c.id, action: 'blocked by a conflict: nothing is written until someone resolves it', detail: c.message });
  return actions;
}
