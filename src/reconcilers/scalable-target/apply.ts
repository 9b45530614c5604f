// ScalableTarget applier: RegisterScalableTarget (create, or min/max changed), PutScalingPolicy
// for each policy added or changed, DeleteScalingPolicy for each the file no longer declares,
// PutScheduledAction / DeleteScheduledAction likewise, then the scaling spec hash as a tag on the
// ECS service it scales (ours). The ALBRequestCountPerTarget resource label is derived here from
// the target group's ARN and its load balancer's (a target group no load balancer uses yet: a
// later cycle writes that policy). All Put/Register calls are idempotent in AWS (same input, same
// state), so a retried write is safe.
import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeServicesCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import type { ScalingPolicySpec } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { MissingDependencyError, resolveTargetGroupArn, toEcsTags } from '../shared/apply-context.js';
import { performWrite } from '../shared/apply-write.js';
import type { ChangeOf } from '../types.js';
import { TAG_SCALING_SPEC_HASH } from './plan.js';
import { ECS_DESIRED_COUNT, ECS_NAMESPACE } from './read.js';

/** What names one scalable target in every Application Auto Scaling write: an ECS service's desiredCount. */
function targetKey(resourceId: string): { ServiceNamespace: typeof ECS_NAMESPACE; ResourceId: string; ScalableDimension: typeof ECS_DESIRED_COUNT } {
  return { ServiceNamespace: ECS_NAMESPACE, ResourceId: resourceId, ScalableDimension: ECS_DESIRED_COUNT };
}

type TargetChange = ChangeOf<'ScalableTarget'>;

/** `arn:...:loadbalancer/app/n/id` + `arn:...:targetgroup/n/id` -> `app/n/id/targetgroup/n/id`. */
export function resourceLabelOf(loadBalancerArn: string, targetGroupArn: string): string {
  const lb = loadBalancerArn.slice(loadBalancerArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
  const tg = targetGroupArn.slice(targetGroupArn.lastIndexOf(':') + 1);
  return `${lb}/${tg}`;
}

async function resourceLabel(change: TargetChange, ctx: ApplyContext, targetGroup: string): Promise<string> {
  const arn = resolveTargetGroupArn(ctx, targetGroup, change.id);
  let lbs = ctx.live.targetGroups.find((t) => t.arn === arn)?.loadBalancerArns ?? [];
  if (lbs.length === 0) {
    // created or attached during this apply: ask ELBv2 once
    const out = await ctx.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }));
    lbs = out.TargetGroups?.[0]?.LoadBalancerArns ?? [];
  }
  const lb = lbs[0];
  if (lb === undefined) {
    throw new MissingDependencyError(
      `TargetGroup/${targetGroup}`,
      `${change.id}: ALBRequestCountPerTarget needs target group ${targetGroup} behind a load balancer; no listener or rule forwards to it yet (a later cycle writes the policy)`,
    );
  }
  return resourceLabelOf(lb, arn);
}

async function putPolicy(change: TargetChange, ctx: ApplyContext, p: ScalingPolicySpec): Promise<void> {
  const c = p.targetTrackingScalingPolicyConfiguration;
  const metric = c.predefinedMetricSpecification;
  const label = metric.targetGroup === undefined ? undefined : await resourceLabel(change, ctx, metric.targetGroup);
  await performWrite(ctx, {
    change,
    verb: 'update',
    subject: `scaling policy ${p.policyName} of ${change.resourceId}`,
    service: 'autoscaling',
    operation: 'PutScalingPolicy',
    detail: `(${metric.predefinedMetricType} ${c.targetValue})`,
    send: () =>
      ctx.clients.autoscaling.send(
        new PutScalingPolicyCommand({
          PolicyName: p.policyName,
          ...targetKey(change.resourceId),
          PolicyType: p.policyType,
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: c.targetValue,
            PredefinedMetricSpecification: { PredefinedMetricType: metric.predefinedMetricType, ...(label === undefined ? {} : { ResourceLabel: label }) },
            ...(c.scaleInCooldown === undefined ? {} : { ScaleInCooldown: c.scaleInCooldown }),
            ...(c.scaleOutCooldown === undefined ? {} : { ScaleOutCooldown: c.scaleOutCooldown }),
            DisableScaleIn: c.disableScaleIn,
          },
        }),
      ),
  });
}

export async function applyScalableTargetChange(change: TargetChange, ctx: ApplyContext): Promise<void> {
  if (change.action === 'noop') return;
  if (change.action !== 'create' && change.action !== 'update') throw new Error(`${change.id}: a scalable target is never ${change.action}d by ecs-reconciler`);
  const desired = change.desired;
  if (desired === undefined) throw new Error(`${change.id}: ${change.action} without a desired spec`);
  const spec = desired.spec;
  const resourceId = change.resourceId;
  const [, cluster, service] = resourceId.split('/');
  if (change.register) {
    await performWrite(ctx, {
      change,
      verb: change.action === 'create' ? 'create' : 'update',
      subject: `scalable target ${resourceId}`,
      service: 'autoscaling',
      operation: 'RegisterScalableTarget',
      detail: `(min ${spec.minCapacity}, max ${spec.maxCapacity})`,
      send: () =>
        ctx.clients.autoscaling.send(
          new RegisterScalableTargetCommand({
            ...targetKey(resourceId),
            MinCapacity: spec.minCapacity,
            MaxCapacity: spec.maxCapacity,
          }),
        ),
    });
  }
  for (const p of spec.scalingPolicies.filter((x) => change.putPolicies.includes(x.policyName))) await putPolicy(change, ctx, p);
  for (const name of change.deletePolicies) {
    await performWrite(ctx, {
      change,
      verb: 'delete',
      subject: `scaling policy ${name} of ${resourceId}`,
      service: 'autoscaling',
      operation: 'DeleteScalingPolicy',
      send: () =>
        ctx.clients.autoscaling.send(new DeleteScalingPolicyCommand({ PolicyName: name, ...targetKey(resourceId) })),
    });
  }
  for (const a of spec.scheduledActions.filter((x) => change.putScheduledActions.includes(x.scheduledActionName))) {
    await performWrite(ctx, {
      change,
      verb: 'update',
      subject: `scheduled action ${a.scheduledActionName} of ${resourceId}`,
      service: 'autoscaling',
      operation: 'PutScheduledAction',
      detail: `(${a.schedule} ${a.timezone})`,
      send: () =>
        ctx.clients.autoscaling.send(
          new PutScheduledActionCommand({
            ...targetKey(resourceId),
            ScheduledActionName: a.scheduledActionName,
            Schedule: a.schedule,
            Timezone: a.timezone,
            ScalableTargetAction: { ...(a.scalableTargetAction.minCapacity === undefined ? {} : { MinCapacity: a.scalableTargetAction.minCapacity }), ...(a.scalableTargetAction.maxCapacity === undefined ? {} : { MaxCapacity: a.scalableTargetAction.maxCapacity }) },
          }),
        ),
    });
  }
  for (const name of change.deleteScheduledActions) {
    await performWrite(ctx, {
      change,
      verb: 'delete',
      subject: `scheduled action ${name} of ${resourceId}`,
      service: 'autoscaling',
      operation: 'DeleteScheduledAction',
      send: () =>
        ctx.clients.autoscaling.send(
          new DeleteScheduledActionCommand({ ScheduledActionName: name, ...targetKey(resourceId) }),
        ),
    });
  }
  const recorded = ctx.live.services.find((s) => s.status === 'ACTIVE' && s.clusterName === cluster && s.name === service)?.tags[TAG_SCALING_SPEC_HASH];
  const serviceArn = recorded === desired.specHash ? undefined : await serviceArnOf(ctx, cluster ?? '', service ?? '');
  if (serviceArn !== undefined) {
    await performWrite(ctx, {
      change,
      verb: 'tag',
      subject: `service ${cluster}/${service}`,
      service: 'ecs',
      operation: 'TagResource',
      target: serviceArn,
      detail: `(${TAG_SCALING_SPEC_HASH}=${desired.specHash})`,
      send: () => ctx.clients.ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: toEcsTags({ [TAG_SCALING_SPEC_HASH]: desired.specHash }) })),
    });
  }
}

/** The service's ARN: from what observe read, or (created during this apply) from ECS. */
async function serviceArnOf(ctx: ApplyContext, cluster: string, name: string): Promise<string | undefined> {
  const live = ctx.live.services.find((s) => s.status === 'ACTIVE' && s.clusterName === cluster && s.name === name);
  if (live !== undefined) return live.arn;
  const out = await ctx.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  return out.services?.find((s) => s.serviceName === name && s.status === 'ACTIVE')?.serviceArn;
}

/** The writes the ScalableTarget steps make; tests pass fakes. */
export interface ScalableTargetAppliers {
  apply(change: TargetChange, ctx: ApplyContext): Promise<void>;
}

export const scalableTargetAppliers: ScalableTargetAppliers = { apply: applyScalableTargetChange };
