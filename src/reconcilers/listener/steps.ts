// Listener changes -> steps: one per listener, after the creates of the target groups its
// default action forwards to; deletes in the Listener delete phase.
import type { ApplyContext } from '../shared/apply-context.js';
import { forwardName } from '../shared/forward-names.js';
import { deletePhaseOf, phaseOf, singleStep, targetGroupCreates, targetGroupIds, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { ListenerAppliers } from './apply.js';

export function listenerSteps(input: StepInput<'Listener'>, _ctx: ApplyContext, appliers: ListenerAppliers): ApplyStep[] {
  const writes = input.executable.filter((c) => c.action !== 'delete');
  const deletes = input.executable.filter((c) => c.action === 'delete');
  return [
    ...writes.map((c) => {
      const spec = c.desired?.spec;
      const names = spec === undefined ? [] : forwardName(spec.defaultAction);
      return singleStep(c, phaseOf('Listener'), (x) => appliers.apply(c, x), { needs: targetGroupCreates(input.all, names), touches: targetGroupIds(names) });
    }),
    ...deletes.map((c) => singleStep(c, deletePhaseOf('Listener'), (x) => appliers.apply(c, x))),
  ];
}
