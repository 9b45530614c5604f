// ScalableTarget changes -> one step per target, after the write of the Service it scales
// (Application Auto Scaling refuses a target for a service that does not exist yet) and after
// the creates of the target groups its ALBRequestCountPerTarget policies name.
import type { ApplyContext } from '../shared/apply-context.js';
import { phaseOf, singleStep, targetGroupCreates, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { ScalableTargetAppliers } from './apply.js';

export function scalableTargetSteps(input: StepInput<'ScalableTarget'>, _ctx: ApplyContext, appliers: ScalableTargetAppliers): ApplyStep[] {
  const serviceWrites = new Set(input.all.filter((c) => c.kind === 'Service' && (c.action === 'create' || c.action === 'update')).map((c) => c.id));
  return input.executable.map((c) => {
    const spec = c.desired?.spec;
    const service = spec === undefined ? [] : [`Service/${spec.service}`].filter((id) => serviceWrites.has(id));
    const groups = (spec?.scalingPolicies ?? []).flatMap((p) => {
      const tg = p.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.targetGroup;
      return tg === undefined ? [] : [tg];
    });
    return singleStep(c, phaseOf('ScalableTarget'), (x) => appliers.apply(c, x), { needs: [...service, ...targetGroupCreates(input.all, groups)] });
  });
}
