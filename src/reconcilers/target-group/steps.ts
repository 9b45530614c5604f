// TargetGroup changes -> steps: creates, updates and the new group of a replace in the
// TargetGroup phase; the replace's moves and old-group delete (replace-steps.ts); deletes last,
// each only once nothing forwards to the group.
import type { ApplyContext } from '../shared/apply-context.js';
import { stillUsed } from '../shared/apply-context.js';
import type { AppliersByKind } from '../shared/reconciler.js';
import { deletePhaseOf, phaseOf, singleStep, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { TargetGroupAppliers } from './apply.js';
import { buildReplaceSteps } from './replace-steps.js';

export function targetGroupSteps(
  input: StepInput<'TargetGroup'>,
  ctx: ApplyContext,
  appliers: TargetGroupAppliers,
  all: AppliersByKind,
): ApplyStep[] {
  const steps: ApplyStep[] = [];
  for (const c of input.executable) {
    if (c.action !== 'delete') steps.push(singleStep(c, phaseOf('TargetGroup'), (x) => appliers.apply(c, x), { touches: [c.id] }));
  }
  steps.push(...buildReplaceSteps(input, ctx, appliers, all));
  for (const c of input.executable) {
    if (c.action !== 'delete') continue;
    const arn = c.live?.arn ?? c.liveId ?? '';
    steps.push(singleStep(c, deletePhaseOf('TargetGroup'), (x) => appliers.delete(c, x, arn), { precheck: (x) => stillUsed(x, arn) }));
  }
  return steps;
}
