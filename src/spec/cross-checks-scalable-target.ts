// ScalableTarget documents: the Service each scales is declared and scaled by one target only,
// min <= max (also in each scheduled action), ALBRequestCountPerTarget names its target group
// (and only that metric does), policy and scheduled action names unique within the target.
import type { SpecError } from './types.js';
import type { ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C, nearestName } from './spec-errors.js';
import { docError, groupBy, namePosition, where, type IdentifiedDoc } from './check-error.js';

type TargetDoc = ValidDocOf<'ScalableTarget'>;

export function checkScalableTargets(targets: readonly TargetDoc[], identified: readonly IdentifiedDoc[]): SpecError[] {
  const services = new Set(identified.filter((d) => d.kind === 'Service').map((d) => d.name));
  const out: SpecError[] = [];
  for (const doc of targets) {
    const s = doc.spec;
    if (!services.has(s.service)) {
      const near = nearestName(s.service, services);
      out.push(docError(doc, ['spec', 'service'], C.scalableTargetService,
        `Service '${s.service}' is not declared in any file: ${near === undefined ? '' : `did you mean '${near}'? Otherwise `}a ScalableTarget scales a declared Service; add that Service document or fix spec.service`));
    }
    if (s.minCapacity > s.maxCapacity) {
      out.push(docError(doc, ['spec', 'minCapacity'], C.scalableTargetCapacity,
        `minCapacity ${s.minCapacity} is above maxCapacity ${s.maxCapacity}: Application Auto Scaling refuses it; lower minCapacity or raise maxCapacity`));
    }
    (s.scheduledActions ?? []).forEach((a, i) => {
      const { minCapacity, maxCapacity } = a.scalableTargetAction;
      if (minCapacity !== undefined && maxCapacity !== undefined && minCapacity > maxCapacity) {
        out.push(docError(doc, ['spec', 'scheduledActions', i, 'scalableTargetAction', 'minCapacity'], C.scalableTargetCapacity,
          `scheduled action '${a.scheduledActionName}': minCapacity ${minCapacity} is above maxCapacity ${maxCapacity}; lower minCapacity or raise maxCapacity`));
      }
    });
    (s.scalingPolicies ?? []).forEach((p, i) => {
      const metric = p.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification;
      const path = ['spec', 'scalingPolicies', i, 'targetTrackingScalingPolicyConfiguration', 'predefinedMetricSpecification'];
      if (metric.predefinedMetricType === 'ALBRequestCountPerTarget' && metric.targetGroup === undefined) {
        out.push(docError(doc, [...path, 'predefinedMetricType'], C.scalableTargetMetric,
          `policy '${p.policyName}': ALBRequestCountPerTarget counts the requests of one target group: add predefinedMetricSpecification.targetGroup (a declared TargetGroup's name)`));
      }
      if (metric.predefinedMetricType !== 'ALBRequestCountPerTarget' && metric.targetGroup !== undefined) {
        out.push(docError(doc, [...path, 'targetGroup'], C.scalableTargetMetric,
          `policy '${p.policyName}': targetGroup applies to ALBRequestCountPerTarget only (${metric.predefinedMetricType} has no resource label); remove it`));
      }
    });
    for (const [name, group] of groupBy(s.scalingPolicies ?? [], (p) => p.policyName)) {
      if (group.length > 1) out.push(docError(doc, ['spec', 'scalingPolicies'], C.scalableTargetDuplicateName, `policy name '${name}' appears ${group.length} times: names are unique within a scalable target; rename one`));
    }
    for (const [name, group] of groupBy(s.scheduledActions ?? [], (a) => a.scheduledActionName)) {
      if (group.length > 1) out.push(docError(doc, ['spec', 'scheduledActions'], C.scalableTargetDuplicateName, `scheduled action name '${name}' appears ${group.length} times: names are unique within a scalable target; rename one`));
    }
  }
  for (const [service, group] of groupBy(targets, (d) => d.spec.service)) {
    for (const dup of group.slice(1)) {
      out.push(docError(dup, ['spec', 'service'], C.scalableTargetDuplicate,
        `Service '${service}' is already scaled by ${group[0]!.id} at ${where(namePosition(group[0]!))}: one ScalableTarget per Service; merge the two`));
    }
  }
  return out;
}
