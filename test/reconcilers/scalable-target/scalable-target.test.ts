// ScalableTarget, pure: the spec's normalisation (AWS defaults, list order), the live
// normalisation of Application Auto Scaling's answers (defaults it omits), and planning (create,
// noop, drift vs rollout by the hash on the service, the ALB resource label by target group name,
// undeclared policies deleted, a foreign service refused).
import { describe, expect, it } from 'vitest';
import { normaliseScalableTarget as normaliseSpec } from '../../../src/spec/normalise-scalable-target.js';
import { normalisePolicy, normaliseScalableTarget, normaliseScheduledAction } from '../../../src/reconcilers/scalable-target/normalise.js';
import { resourceLabelOf } from '../../../src/reconcilers/scalable-target/apply.js';
import { TAG_SCALING_SPEC_HASH } from '../../../src/reconcilers/scalable-target/plan.js';
import { planAll } from '../../../src/reconcilers/plan.js';
import type { ChangeOf, LiveScalableTarget, LiveService } from '../../../src/reconcilers/types.js';
import type { DesiredOf, ScalableTargetSpec } from '../../../src/spec/types.js';
import type { RawScalableTargetSpec } from '../../../src/spec/raw-types.js';
import { specHash } from '../../../src/spec/spec-hash.js';
import { ACCOUNT, OWNER, desiredState, liveState, liveTargetGroupOf, ours, service, targetGroup, tgArn } from '../fixtures.js';

const RAW: RawScalableTargetSpec = {
  service: 'api',
  minCapacity: 2,
  maxCapacity: 10,
  scalingPolicies: [
    { policyName: 'requests', targetTrackingScalingPolicyConfiguration: { targetValue: 1000, predefinedMetricSpecification: { predefinedMetricType: 'ALBRequestCountPerTarget', targetGroup: 'api-tg' } } },
    { policyName: 'cpu', targetTrackingScalingPolicyConfiguration: { targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' }, scaleInCooldown: 300 } },
  ],
  scheduledActions: [{ scheduledActionName: 'night', schedule: 'cron(0 22 * * ? *)', scalableTargetAction: { minCapacity: 1 } }],
};

function target(spec: ScalableTargetSpec, policy: 'enforce' | 'observe' = 'enforce'): DesiredOf<'ScalableTarget'> {
  return { kind: 'ScalableTarget', name: 'api', id: 'ScalableTarget/api', policy, ignore: [], source: { file: 'x.yaml', line: 1, col: 1 }, specHash: specHash(spec), spec };
}

describe('the ScalableTarget spec normalisation', () => {
  it('fills AWS defaults (policyType, disableScaleIn false, timezone UTC) and sorts lists by name', () => {
    const spec = normaliseSpec(RAW);
    expect(spec.scalingPolicies.map((p) => p.policyName)).toEqual(['cpu', 'requests']);
    expect(spec.scalingPolicies[0]).toEqual({
      policyName: 'cpu',
      policyType: 'TargetTrackingScaling',
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 60,
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        scaleInCooldown: 300,
        disableScaleIn: false,
      },
    });
    expect(spec.scheduledActions).toEqual([{ scheduledActionName: 'night', schedule: 'cron(0 22 * * ? *)', timezone: 'UTC', scalableTargetAction: { minCapacity: 1 } }]);
    expect(normaliseSpec({ service: 'api', minCapacity: 0, maxCapacity: 1 })).toEqual({ service: 'api', minCapacity: 0, maxCapacity: 1, scalingPolicies: [], scheduledActions: [] });
  });
});

describe('the live normalisation (Application Auto Scaling answers)', () => {
  it.each([
    ['DisableScaleIn left out reads false', { PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } }, { disableScaleIn: false }],
    ['an empty ResourceLabel is none', { PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization', ResourceLabel: '' } } }, { predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' } }],
    ['a customized metric is marked', { PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 1, CustomizedMetricSpecification: { MetricName: 'x' } } }, { customized: true }],
  ])('%s', (_name, policy, expected) => {
    expect(normalisePolicy({ PolicyName: 'p', PolicyARN: 'arn', ServiceNamespace: 'ecs', ResourceId: 'r', ScalableDimension: 'ecs:service:DesiredCount', CreationTime: new Date(), ...policy } as never).targetTracking).toMatchObject(expected);
  });

  it('a step policy has no target-tracking part; a scheduled action without Timezone is UTC', () => {
    expect(normalisePolicy({ PolicyName: 'step', PolicyType: 'StepScaling' } as never).targetTracking).toBeUndefined();
    expect(normaliseScheduledAction({ ScheduledActionName: 'n', Schedule: 'rate(1 hour)', ScalableTargetAction: { MaxCapacity: 3 } } as never)).toEqual({
      scheduledActionName: 'n',
      schedule: 'rate(1 hour)',
      timezone: 'UTC',
      scalableTargetAction: { maxCapacity: 3 },
    });
  });

  it('keeps only its own policies and actions, sorted by name', () => {
    const live = normaliseScalableTarget(
      { ResourceId: 'service/c/a', MinCapacity: 1, MaxCapacity: 2 } as never,
      [{ PolicyName: 'z', ResourceId: 'service/c/a' }, { PolicyName: 'other', ResourceId: 'service/c/b' }, { PolicyName: 'a', ResourceId: 'service/c/a' }] as never,
      [],
    );
    expect(live.scalingPolicies.map((p) => p.policyName)).toEqual(['a', 'z']);
  });

  it('derives the ALB resource label from the load balancer and target group ARNs', () => {
    expect(resourceLabelOf('arn:aws:elasticloadbalancing:us-east-2:1:loadbalancer/app/web/50dc6c495c0c9188', 'arn:aws:elasticloadbalancing:us-east-2:1:targetgroup/api-tg/6d0ecf831eec9f09')).toBe(
      'app/web/50dc6c495c0c9188/targetgroup/api-tg/6d0ecf831eec9f09',
    );
  });
});

describe('planScalableTargets', () => {
  const svc = service('api');
  const tg = targetGroup('api-tg');
  const spec = normaliseSpec(RAW);
  const label = `app/web-alb/abc/${tgArn('api-tg').slice(tgArn('api-tg').lastIndexOf(':') + 1)}`;
  const liveTarget = (o: Partial<LiveScalableTarget> = {}): LiveScalableTarget => ({
    resourceId: 'service/payments/api',
    minCapacity: 2,
    maxCapacity: 10,
    scalingPolicies: [
      { policyName: 'cpu', policyARN: 'a1', policyType: 'TargetTrackingScaling', targetTracking: { targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' }, scaleInCooldown: 300, scaleOutCooldown: 60, disableScaleIn: false } },
      { policyName: 'requests', policyARN: 'a2', policyType: 'TargetTrackingScaling', targetTracking: { targetValue: 1000, predefinedMetricSpecification: { predefinedMetricType: 'ALBRequestCountPerTarget', resourceLabel: label }, disableScaleIn: false } },
    ],
    scheduledActions: [{ scheduledActionName: 'night', schedule: 'cron(0 22 * * ? *)', timezone: 'UTC', scalableTargetAction: { minCapacity: 1 } }],
    ...o,
  });
  const liveService = (tags: Record<string, string>): LiveService => ({
    arn: `arn:aws:ecs:us-east-2:${ACCOUNT}:service/payments/api`,
    name: 'api',
    clusterArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:cluster/payments`,
    clusterName: 'payments',
    status: 'ACTIVE',
    launchType: 'EC2',
    desiredCount: 1,
    deployment: { ...svc.spec.deployment },
    taskDefinition: { arn: 'td:1', family: 'payments-api', revision: 1, spec: structuredClone(svc.spec.taskDefinition), tags: {} },
    loadBalancers: [],
    tags,
  });
  const planOf = (d: DesiredOf<'ScalableTarget'>, live: LiveScalableTarget[], serviceTags: Record<string, string>): ChangeOf<'ScalableTarget'> | string => {
    const plan = planAll(
      desiredState({ services: [svc], targetGroups: [tg], scalableTargets: [d] }),
      liveState({ services: [liveService(serviceTags)], targetGroups: [liveTargetGroupOf(tg, ours(tg.id, tg.specHash))], scalableTargets: live }),
      { prune: false, ownerId: OWNER },
    );
    const c = plan.changes.find((x) => x.kind === 'ScalableTarget');
    if (c?.kind === 'ScalableTarget') return c;
    return plan.conflicts.map((x) => x.message).join('\n');
  };
  const d = target(spec);
  const recorded = ours(svc.id, svc.specHash, { [TAG_SCALING_SPEC_HASH]: d.specHash });

  it('no live target: a create that writes everything', () => {
    const c = planOf(d, [], recorded) as ChangeOf<'ScalableTarget'>;
    expect([c.action, c.register, c.putPolicies, c.putScheduledActions]).toEqual(['create', true, ['cpu', 'requests'], ['night']]);
  });

  it('equal live (the resource label read back as its target group): a noop', () => {
    expect((planOf(d, [liveTarget()], recorded) as ChangeOf<'ScalableTarget'>).action).toBe('noop');
  });

  it('a target value changed behind our back is drift, with both values; only that policy is put', () => {
    const live = liveTarget();
    live.scalingPolicies[0]!.targetTracking!.targetValue = 85;
    const c = planOf(d, [live], recorded) as ChangeOf<'ScalableTarget'>;
    expect([c.action, c.cause, c.register, c.putPolicies]).toEqual(['update', 'drift', false, ['cpu']]);
    expect(c.diffs).toEqual([{ path: 'scalingPolicies[cpu].targetTrackingScalingPolicyConfiguration.targetValue', live: 85, desired: 60 }]);
  });

  it('a changed file is a rollout; no hash recorded yet is adopt', () => {
    const changed = target({ ...spec, maxCapacity: 20 });
    expect((planOf(changed, [liveTarget()], recorded) as ChangeOf<'ScalableTarget'>).cause).toBe('rollout');
    expect((planOf(changed, [liveTarget()], ours(svc.id, svc.specHash)) as ChangeOf<'ScalableTarget'>).cause).toBe('adopt');
  });

  it('a policy the file does not declare is deleted; a label on another target group differs', () => {
    const live = liveTarget();
    live.scalingPolicies.push({ policyName: 'by-hand', policyARN: 'a3', policyType: 'StepScaling' });
    live.scalingPolicies[1]!.targetTracking!.predefinedMetricSpecification.resourceLabel = 'app/web-alb/abc/targetgroup/other/1';
    const c = planOf(d, [live], recorded) as ChangeOf<'ScalableTarget'>;
    expect(c.deletePolicies).toEqual(['by-hand']);
    expect(c.putPolicies).toEqual(['requests']);
    expect(c.diffs).toContainEqual({
      path: 'scalingPolicies[requests].targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.targetGroup',
      live: 'app/web-alb/abc/targetgroup/other/1',
      desired: 'api-tg',
    });
  });

  it('cooldowns left out of the file are not compared (AWS fills its default)', () => {
    const live = liveTarget();
    live.scalingPolicies[1]!.targetTracking!.scaleInCooldown = 300;
    expect((planOf(d, [live], recorded) as ChangeOf<'ScalableTarget'>).action).toBe('noop');
  });

  it('a cluster that does not exist: a conflict (the service cannot be there either)', () => {
    const plan = planAll(desiredState({ services: [svc], scalableTargets: [d] }), liveState({ clusters: [] }), { prune: false, ownerId: OWNER });
    expect(plan.conflicts.map((c) => c.id)).toContain('ScalableTarget/api');
  });

  it('a service of another controller: a conflict, nothing written', () => {
    expect(planOf(d, [liveTarget()], { 'ecs-reconciler/owner': 'someone-else' })).toMatch(/managed by another ecs-reconciler/);
  });
});
