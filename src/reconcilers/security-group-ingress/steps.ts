// SecurityGroupIngress changes -> one step per group document; deletes (revokes of a document
// that left the files) in the delete phase.
import type { ApplyContext } from '../shared/apply-context.js';
import { deletePhaseOf, phaseOf, singleStep, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { SecurityGroupIngressAppliers } from './apply.js';

export function securityGroupIngressSteps(
  input: StepInput<'SecurityGroupIngress'>,
  _ctx: ApplyContext,
  appliers: SecurityGroupIngressAppliers,
): ApplyStep[] {
  return input.executable.map((c) =>
    singleStep(c, c.action === 'delete' ? deletePhaseOf('SecurityGroupIngress') : phaseOf('SecurityGroupIngress'), (x) => appliers.apply(c, x)),
  );
}
