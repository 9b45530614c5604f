// Application Auto Scaling's shapes -> LiveScalableTarget: policies and scheduled actions by
// name (sorted), the target-tracking configuration in the spec's shape (AWS's disableScaleIn
// default false filled, the resource label kept as AWS has it), timezone UTC when AWS omits it.
import type { ScalableTarget, ScalingPolicy, ScheduledAction } from '@aws-sdk/client-application-auto-scaling';
import { DEFAULT_SCHEDULE_TIMEZONE } from '../../spec/normalise-scalable-target.js';
import type { ScheduledActionSpec } from '../../spec/types.js';
import type { LiveScalableTarget, LiveScalingPolicy, ScalableTargetsRead } from './types.js';

function byName<T>(name: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

export function normalisePolicy(p: ScalingPolicy): LiveScalingPolicy {
  const out: LiveScalingPolicy = { policyName: p.PolicyName ?? '', policyARN: p.PolicyARN ?? '', policyType: p.PolicyType ?? '' };
  const c = p.TargetTrackingScalingPolicyConfiguration;
  if (p.PolicyType === 'TargetTrackingScaling' && c !== undefined) {
    const metric = c.PredefinedMetricSpecification;
    out.targetTracking = {
      targetValue: c.TargetValue ?? 0,
      predefinedMetricSpecification: {
        predefinedMetricType: metric?.PredefinedMetricType ?? '',
        ...(metric?.ResourceLabel === undefined || metric.ResourceLabel === '' ? {} : { resourceLabel: metric.ResourceLabel }),
      },
      ...(c.ScaleInCooldown === undefined ? {} : { scaleInCooldown: c.ScaleInCooldown }),
      ...(c.ScaleOutCooldown === undefined ? {} : { scaleOutCooldown: c.ScaleOutCooldown }),
      disableScaleIn: c.DisableScaleIn ?? false,
      ...(c.CustomizedMetricSpecification === undefined ? {} : { customized: true }),
    };
  }
  return out;
}

export function normaliseScheduledAction(a: ScheduledAction): ScheduledActionSpec {
  const action = a.ScalableTargetAction ?? {};
  return {
    scheduledActionName: a.ScheduledActionName ?? '',
    schedule: a.Schedule ?? '',
    timezone: a.Timezone === undefined || a.Timezone === '' ? DEFAULT_SCHEDULE_TIMEZONE : a.Timezone,
    scalableTargetAction: {
      ...(action.MinCapacity === undefined ? {} : { minCapacity: action.MinCapacity }),
      ...(action.MaxCapacity === undefined ? {} : { maxCapacity: action.MaxCapacity }),
    },
  };
}

export function normaliseScalableTarget(t: ScalableTarget, policies: readonly ScalingPolicy[], actions: readonly ScheduledAction[]): LiveScalableTarget {
  const id = t.ResourceId ?? '';
  return {
    resourceId: id,
    minCapacity: t.MinCapacity ?? 0,
    maxCapacity: t.MaxCapacity ?? 0,
    ...(t.ScalableTargetARN === undefined ? {} : { scalableTargetARN: t.ScalableTargetARN }),
    scalingPolicies: policies.filter((p) => p.ResourceId === id).map(normalisePolicy).sort(byName((p) => p.policyName)),
    scheduledActions: actions.filter((a) => a.ResourceId === id).map(normaliseScheduledAction).sort(byName((a) => a.scheduledActionName)),
  };
}

export function normaliseScalableTargets(raw: ScalableTargetsRead): LiveScalableTarget[] {
  return raw.targets.map((t) => normaliseScalableTarget(t, raw.policies, raw.scheduledActions));
}
