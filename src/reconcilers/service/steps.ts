// Service changes -> one step per service, after the creates of the target groups its load
// balancers name and the ELBv2 writes touching them (ECS writes run beside ELBv2's otherwise);
// deletes in the Service delete phase (the first deletes to run).
import type { ApplyContext } from '../shared/apply-context.js';
import { deletePhaseOf, phaseOf, singleStep, targetGroupCreates, targetGroupIds, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { ServiceAppliers } from './apply.js';

export function serviceSteps(input: StepInput<'Service'>, _ctx: ApplyContext, appliers: ServiceAppliers): ApplyStep[] {
  return input.executable.map((c) => {
    if (c.action === 'delete') return singleStep(c, deletePhaseOf('Service'), (x) => appliers.apply(c, x));
    const names = (c.desired?.spec.loadBalancers ?? []).flatMap((lb) => ('name' in lb.targetGroup ? [lb.targetGroup.name] : []));
    // touches: after the writes of those target groups and of the listeners and rules forwarding to them (other AWS service)
    return singleStep(c, phaseOf('Service'), (x) => appliers.apply(c, x), { needs: targetGroupCreates(input.all, names), touches: targetGroupIds(names) });
  });
}
