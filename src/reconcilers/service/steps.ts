// Service changes -> one step per service, after the creates of the target groups its load
// balancers name; deletes in the Service delete phase (the first deletes to run).
import type { ApplyContext } from '../shared/apply-context.js';
import { deletePhaseOf, phaseOf, singleStep, targetGroupCreates, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { ServiceAppliers } from './apply.js';

export function serviceSteps(input: StepInput<'Service'>, _ctx: ApplyContext, appliers: ServiceAppliers): ApplyStep[] {
  return input.executable.map((c) => {
    if (c.action === 'delete') return singleStep(c, deletePhaseOf('Service'), (x) => appliers.apply(c, x));
    const names = (c.desired?.spec.loadBalancers ?? []).flatMap((lb) => ('name' in lb.targetGroup ? [lb.targetGroup.name] : []));
    return singleStep(c, phaseOf('Service'), (x) => appliers.apply(c, x), { needs: targetGroupCreates(input.all, names) });
  });
}
