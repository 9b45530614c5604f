// ScalableTarget: what its read returns (Application Auto Scaling's own shapes), its live shape
// (the desired shapes: policies and scheduled actions by name) and what its changes carry.
import type { ScalableTarget, ScalingPolicy, ScheduledAction } from '@aws-sdk/client-application-auto-scaling';
import type { ScheduledActionSpec, TargetTrackingConfiguration } from '../../spec/types.js';

export interface ScalableTargetsRead {
  targets: ScalableTarget[];
  /** the policies and scheduled actions of the targets read (others in the namespace dropped) */
  policies: ScalingPolicy[];
  scheduledActions: ScheduledAction[];
}

/** A live policy; `resourceLabel` kept as AWS has it (plan names its target group). */
export interface LiveScalingPolicy {
  policyName: string;
  policyARN: string;
  policyType: string;
  /** absent for a step (or predictive) policy: not expressible in the spec */
  targetTracking?: Omit<TargetTrackingConfiguration, 'predefinedMetricSpecification'> & {
    predefinedMetricSpecification: { predefinedMetricType: string; resourceLabel?: string };
    /** a customized metric specification: not expressible in the spec */
    customized?: boolean;
  };
}

export interface LiveScalableTarget {
  /** `service/<cluster>/<service>` */
  resourceId: string;
  minCapacity: number;
  maxCapacity: number;
  scalableTargetARN?: string;
  /** sorted by name */
  scalingPolicies: LiveScalingPolicy[];
  /** sorted by name */
  scheduledActions: ScheduledActionSpec[];
}

export interface ScalableTargetTypes {
  raw: ScalableTargetsRead;
  live: { scalableTargets: LiveScalableTarget[] };
  change: {
    live?: LiveScalableTarget;
    /** `service/<cluster>/<service>` */
    resourceId: string;
    /** RegisterScalableTarget: absent live, or min/max differ */
    register: boolean;
    /** policy names to PutScalingPolicy / DeleteScalingPolicy */
    putPolicies: string[];
    deletePolicies: string[];
    /** scheduled action names to PutScheduledAction / DeleteScheduledAction */
    putScheduledActions: string[];
    deleteScheduledActions: string[];
  };
}
