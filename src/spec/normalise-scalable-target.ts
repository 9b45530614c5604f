// A schema-valid ScalableTarget document -> ScalableTargetSpec: AWS's defaults filled
// (policyType TargetTrackingScaling, disableScaleIn false, timezone UTC), lists sorted by name.
import type { RawScalableTargetSpec } from './raw-types.js';
import type { ScalableTargetSpec, ScalingPolicySpec, ScheduledActionSpec } from './types.js';

function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** AWS's default time zone of a scheduled action. */
export const DEFAULT_SCHEDULE_TIMEZONE = 'UTC';

export function normaliseScalableTarget(raw: RawScalableTargetSpec): ScalableTargetSpec {
  const scalingPolicies: ScalingPolicySpec[] = (raw.scalingPolicies ?? []).map((p) => {
    const c = p.targetTrackingScalingPolicyConfiguration;
    const metric = c.predefinedMetricSpecification;
    return {
      policyName: p.policyName,
      policyType: 'TargetTrackingScaling',
      targetTrackingScalingPolicyConfiguration: {
        targetValue: c.targetValue,
        predefinedMetricSpecification: {
          predefinedMetricType: metric.predefinedMetricType,
          ...(metric.targetGroup === undefined ? {} : { targetGroup: metric.targetGroup }),
        },
        ...(c.scaleInCooldown === undefined ? {} : { scaleInCooldown: c.scaleInCooldown }),
        ...(c.scaleOutCooldown === undefined ? {} : { scaleOutCooldown: c.scaleOutCooldown }),
        disableScaleIn: c.disableScaleIn ?? false,
      },
    };
  });
  const scheduledActions: ScheduledActionSpec[] = (raw.scheduledActions ?? []).map((a) => ({
    scheduledActionName: a.scheduledActionName,
    schedule: a.schedule,
    timezone: a.timezone ?? DEFAULT_SCHEDULE_TIMEZONE,
    scalableTargetAction: {
      ...(a.scalableTargetAction.minCapacity === undefined ? {} : { minCapacity: a.scalableTargetAction.minCapacity }),
      ...(a.scalableTargetAction.maxCapacity === undefined ? {} : { maxCapacity: a.scalableTargetAction.maxCapacity }),
    },
  }));
  return {
    service: raw.service,
    minCapacity: raw.minCapacity,
    maxCapacity: raw.maxCapacity,
    scalingPolicies: scalingPolicies.sort(byKey((p) => p.policyName)),
    scheduledActions: scheduledActions.sort(byKey((a) => a.scheduledActionName)),
  };
}
