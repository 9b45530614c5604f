// What one apply did: every write made, every change applied, failed or skipped (with why),
// and the prune decision. Shared by the `apply` command (text and --json) and the daemon.
import type { Kind } from '../spec/types.js';
import type { ChangeAction, ChangeCause } from '../reconcilers/types.js';
import type { WriteRecord } from '../reconcilers/shared/apply-context.js';

export type ChangeStatus = 'applied' | 'failed' | 'skipped';

export interface ChangeOutcome {
  id: string;
  kind: Kind;
  name: string;
  action: ChangeAction;
  cause: ChangeCause;
  status: ChangeStatus;
  /** why it failed or was skipped (one line) */
  reason?: string;
  /** the AWS operation that failed, when one did */
  operation?: string;
  /** writes made for this change */
  writes: number;
  /** applied, but something was deliberately left alone (e.g. an old target group that is not ours) */
  notes?: string[];
}

export interface ApplyReport {
  dryRun: boolean;
  /** every AWS write that succeeded, in the order made */
  writes: WriteRecord[];
  /** one per change that was not a noop (noops are only counted) */
  outcomes: ChangeOutcome[];
  noops: number;
  /** conflicts of the plan that match no change (e.g. a missing load balancer) */
  conflicts: { id: string; message: string }[];
  prune: { requested: boolean; deletions: number; refused?: string };
  /** true when nothing failed and no conflict blocked a change */
  ok: boolean;
}

export function failedOutcomes(report: ApplyReport): ChangeOutcome[] {
  return report.outcomes.filter((o) => o.status === 'failed');
}

export function skippedOutcomes(report: ApplyReport): ChangeOutcome[] {
  return report.outcomes.filter((o) => o.status === 'skipped');
}

/** `Apply: 3 writes made, 0 failed, 1 skipped.` (failed / skipped count changes) */
export function formatApplySummary(report: ApplyReport): string {
  if (report.dryRun) {
    const n = report.outcomes.length;
    return `Dry run: ${n} ${n === 1 ? 'change' : 'changes'} would be applied; nothing was written.`;
  }
  const failed = failedOutcomes(report).length + report.conflicts.length;
  const skipped = skippedOutcomes(report).length;
  const w = report.writes.length;
  return `Apply: ${w} ${w === 1 ? 'write' : 'writes'} made, ${failed} failed, ${skipped} skipped.`;
}

/** The lines under the summary: every failure and skip with its reason, notes, and the prune decision. */
export function formatApplyDetails(report: ApplyReport): string[] {
  const lines: string[] = [];
  for (const o of failedOutcomes(report)) lines.push(`  failed   ${o.id}: ${o.reason ?? 'unknown error'}`);
  for (const c of report.conflicts) lines.push(`  failed   ${c.id}: ${c.message}`);
  for (const o of skippedOutcomes(report)) lines.push(`  skipped  ${o.id}: ${o.reason ?? ''}`);
  for (const o of report.outcomes) for (const note of o.notes ?? []) lines.push(`  note     ${o.id}: ${note}`);
  if (report.prune.refused !== undefined && report.prune.deletions > 0) {
    lines.push(`  ${report.prune.refused}`);
  }
  return lines;
}

/** Machine output for `apply --json`: stable keys, no SDK objects. */
export function applyReportToJson(report: ApplyReport): Record<string, unknown> {
  return {
    ok: report.ok,
    dryRun: report.dryRun,
    summary: {
      writes: report.writes.length,
      applied: report.outcomes.filter((o) => o.status === 'applied').length,
      failed: failedOutcomes(report).length + report.conflicts.length,
      skipped: skippedOutcomes(report).length,
      noops: report.noops,
    },
    writes: report.writes,
    changes: report.outcomes,
    conflicts: report.conflicts,
    prune: report.prune,
  };
}
