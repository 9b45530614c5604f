// Plan for ScalableTarget resources: one per declared Service (`service/<cluster>/<name>`).
// Compared: min/max capacity, each policy by policyName (target-tracking configuration; the
// ALBRequestCountPerTarget resource label by the target group it names), each scheduled action
// by name. Policies and scheduled actions of the target no file declares are deleted: the
// document is the whole scaling configuration of its service. The Service must be ours (or be
// created by this plan); the last applied spec hash is a tag on that service (Application Auto
// Scaling policies carry no tags), so a difference is drift when it equals the file's. Pure.
import type { DesiredOf, Policy, ScalingPolicySpec } from '../../spec/types.js';
import { diffField } from '../shared/compare-values.js';
import { foreignOwnerMessage, ownershipOf } from '../shared/ownership.js';
import type { KindPlan, PlanContext } from '../shared/plan-context.js';
import type { TargetGroupIndex } from '../shared/compare-actions.js';
import type { ChangeOf, FieldDiff, LiveState } from '../types.js';
import { declaredResourceIds } from './read.js';
import type { LiveScalableTarget, LiveScalingPolicy } from './types.js';

/** On the ECS service a ScalableTarget scales: the spec hash of the scaling last applied. */
export const TAG_SCALING_SPEC_HASH = 'ecs-reconciler/scaling-spec-hash';

/** `app/lb/id/targetgroup/tg/id` -> the live target group it names (declared name when matched), else the label. */
export function targetGroupOfLabel(label: string, live: LiveState, index: TargetGroupIndex): string {
  const at = label.indexOf('targetgroup/');
  if (at < 0) return label;
  const suffix = `:${label.slice(at)}`;
  const tg = live.targetGroups.find((t) => t.arn.endsWith(suffix));
  return tg === undefined ? label : index.nameOf(tg.arn);
}

function comparablePolicy(p: ScalingPolicySpec): Record<string, unknown> {
  const c = p.targetTrackingScalingPolicyConfiguration;
  return {
    policyType: p.policyType,
    targetValue: c.targetValue,
    predefinedMetricType: c.predefinedMetricSpecification.predefinedMetricType,
    targetGroup: c.predefinedMetricSpecification.targetGroup,
    scaleInCooldown: c.scaleInCooldown,
    scaleOutCooldown: c.scaleOutCooldown,
    disableScaleIn: c.disableScaleIn,
  };
}

function comparableLive(p: LiveScalingPolicy, desired: ScalingPolicySpec, live: LiveState, index: TargetGroupIndex): Record<string, unknown> {
  const t = p.targetTracking;
  const d = desired.targetTrackingScalingPolicyConfiguration;
  const label = t?.predefinedMetricSpecification.resourceLabel;
  return {
    policyType: t?.customized === true ? `${p.policyType} (customized metric)` : p.policyType,
    targetValue: t?.targetValue,
    predefinedMetricType: t?.predefinedMetricSpecification.predefinedMetricType,
    targetGroup: label === undefined ? undefined : targetGroupOfLabel(label, live, index),
    // cooldowns are compared only where the file declares them (AWS fills its own default in)
    scaleInCooldown: d.scaleInCooldown === undefined ? undefined : t?.scaleInCooldown,
    scaleOutCooldown: d.scaleOutCooldown === undefined ? undefined : t?.scaleOutCooldown,
    disableScaleIn: t?.disableScaleIn,
  };
}

const POLICY_PATHS: Record<string, string> = {
  policyType: 'policyType',
  targetValue: 'targetTrackingScalingPolicyConfiguration.targetValue',
  predefinedMetricType: 'targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType',
  targetGroup: 'targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.targetGroup',
  scaleInCooldown: 'targetTrackingScalingPolicyConfiguration.scaleInCooldown',
  scaleOutCooldown: 'targetTrackingScalingPolicyConfiguration.scaleOutCooldown',
  disableScaleIn: 'targetTrackingScalingPolicyConfiguration.disableScaleIn',
};

export interface ScalingDiff {
  diffs: FieldDiff[];
  register: boolean;
  putPolicies: string[];
  deletePolicies: string[];
  putScheduledActions: string[];
  deleteScheduledActions: string[];
}

/** Every difference between a declared target and the live one (absent live: everything is written). */
export function diffScalableTarget(desired: DesiredOf<'ScalableTarget'>, live: LiveScalableTarget | undefined, state: LiveState, index: TargetGroupIndex): ScalingDiff {
  const s = desired.spec;
  const diffs: FieldDiff[] = [];
  diffField(diffs, 'minCapacity', live?.minCapacity, s.minCapacity);
  diffField(diffs, 'maxCapacity', live?.maxCapacity, s.maxCapacity);
  const register = diffs.length > 0;
  const putPolicies: string[] = [];
  const livePolicies = new Map((live?.scalingPolicies ?? []).map((p) => [p.policyName, p]));
  for (const p of s.scalingPolicies) {
    const l = livePolicies.get(p.policyName);
    const path = `scalingPolicies[${p.policyName}]`;
    if (l === undefined) {
      diffs.push({ path, live: undefined, desired: `${p.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType} ${p.targetTrackingScalingPolicyConfiguration.targetValue}` });
      putPolicies.push(p.policyName);
      continue;
    }
    const before = diffs.length;
    const want = comparablePolicy(p);
    const have = comparableLive(l, p, state, index);
    for (const key of Object.keys(POLICY_PATHS)) diffField(diffs, `${path}.${POLICY_PATHS[key]}`, have[key], want[key]);
    if (diffs.length > before) putPolicies.push(p.policyName);
  }
  const declaredPolicies = new Set(s.scalingPolicies.map((p) => p.policyName));
  const deletePolicies = [...livePolicies.keys()].filter((n) => !declaredPolicies.has(n));
  for (const name of deletePolicies) diffs.push({ path: `scalingPolicies[${name}]`, live: livePolicies.get(name)?.policyType, desired: undefined });
  const putScheduledActions: string[] = [];
  const liveActions = new Map((live?.scheduledActions ?? []).map((a) => [a.scheduledActionName, a]));
  for (const a of s.scheduledActions) {
    const l = liveActions.get(a.scheduledActionName);
    const path = `scheduledActions[${a.scheduledActionName}]`;
    if (l === undefined) {
      diffs.push({ path, live: undefined, desired: a.schedule });
      putScheduledActions.push(a.scheduledActionName);
      continue;
    }
    const before = diffs.length;
    diffField(diffs, `${path}.schedule`, l.schedule, a.schedule);
    diffField(diffs, `${path}.timezone`, l.timezone, a.timezone);
    diffField(diffs, `${path}.scalableTargetAction.minCapacity`, l.scalableTargetAction.minCapacity, a.scalableTargetAction.minCapacity);
    diffField(diffs, `${path}.scalableTargetAction.maxCapacity`, l.scalableTargetAction.maxCapacity, a.scalableTargetAction.maxCapacity);
    if (diffs.length > before) putScheduledActions.push(a.scheduledActionName);
  }
  const declaredActions = new Set(s.scheduledActions.map((a) => a.scheduledActionName));
  const deleteScheduledActions = [...liveActions.keys()].filter((n) => !declaredActions.has(n));
  for (const name of deleteScheduledActions) diffs.push({ path: `scheduledActions[${name}]`, live: liveActions.get(name)?.schedule, desired: undefined });
  return { diffs, register, putPolicies, deletePolicies, putScheduledActions, deleteScheduledActions };
}

/** Like causeOf, with the hash recorded on the service: no hash yet is a first write (adopt). */
function scalingCause(appliedHash: string | undefined, desiredHash: string, policy: Policy): 'adopt' | 'drift' | 'rollout' {
  if (policy === 'observe') return appliedHash === undefined || appliedHash === desiredHash ? 'drift' : 'rollout';
  if (appliedHash === undefined) return 'adopt';
  return appliedHash === desiredHash ? 'drift' : 'rollout';
}

export function planScalableTargets(ctx: PlanContext): KindPlan {
  const out: KindPlan = { changes: [], conflicts: [] };
  const ids = declaredResourceIds(ctx.desired);
  const liveById = new Map(ctx.live.scalableTargets.map((t) => [t.resourceId, t]));
  for (const d of ctx.desired.scalableTargets) {
    const resourceId = ids.get(d.id);
    if (resourceId === undefined) {
      out.conflicts.push({ id: d.id, message: `${d.id}: Service '${d.spec.service}' is not declared (${d.source.file}:${d.source.line}); declare it or fix spec.service` });
      continue;
    }
    const [, cluster, name] = resourceId.split('/');
    if (!ctx.live.clusters.includes(cluster ?? '')) {
      out.conflicts.push({ id: d.id, message: `${d.id}: ECS cluster "${cluster}" of Service/${name} not found; the scalable target waits for its service (${d.source.file}:${d.source.line})` });
      continue;
    }
    const service = ctx.live.services.find((s) => s.status === 'ACTIVE' && s.clusterName === cluster && s.name === name);
    if (service !== undefined && ownershipOf(service.tags, ctx.ownerId) === 'foreign') {
      out.conflicts.push({ id: d.id, message: foreignOwnerMessage(d.id, `service ${cluster}/${name} (the one this target scales)`, service.tags) });
      continue;
    }
    const live = liveById.get(resourceId);
    const diff = diffScalableTarget(d, live, ctx.live, ctx.targetGroups);
    const { diffs: _diffs, ...writes } = diff;
    const base = { kind: 'ScalableTarget' as const, name: d.name, id: d.id, policy: d.policy, desiredHash: d.specHash, desired: d, resourceId, ...writes };
    if (live === undefined) {
      out.changes.push({ ...base, action: 'create', cause: 'create', diffs: [], register: true } as ChangeOf<'ScalableTarget'>);
      continue;
    }
    const appliedHash = service?.tags[TAG_SCALING_SPEC_HASH];
    const withLive = { ...base, live, liveId: live.scalableTargetARN ?? resourceId };
    if (diff.diffs.length > 0) {
      // drift when the service's scaling hash equals the file's (AWS changed behind our back)
      out.changes.push({ ...withLive, action: 'update', cause: scalingCause(appliedHash, d.specHash, d.policy), diffs: diff.diffs });
      continue;
    }
    if (d.policy === 'enforce' && service !== undefined && appliedHash !== d.specHash) {
      out.changes.push({ ...withLive, action: 'update', cause: 'rollout', diffs: [], reason: 'record the scaling spec hash on its service (AWS already matches)' });
      continue;
    }
    out.changes.push({ ...withLive, action: 'noop', cause: 'none', diffs: [] });
  }
  return out;
}
