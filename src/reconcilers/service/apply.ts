// Service applier: CreateService when missing (clientToken for idempotency, tags), one
// UpdateService carrying every field that differs (task definition, desired count unless ignored,
// deployment configuration, load balancers, network, grace period, the AWS-named fields of
// service-fields.ts), TagResource afterwards, DeleteService (force) on prune, and a replace
// (metadata.allowReplace: scale to 0, delete, create again) for what only a new service changes. The answers of
// CreateService and UpdateService are checked and what did not take is sent again at once
// (read-after-write.ts). Task definition revisions: task-definition-apply.ts.
import { createHash } from 'node:crypto';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type LoadBalancer as EcsLoadBalancer,
  type NetworkConfiguration,
  type PropagateTags,
  type Service,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { errorCode, isNotFound } from '../../aws/errors.js';
import type { DesiredOf, ServiceNetwork } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { MissingDependencyError, ownershipTags, resolveTargetGroupArn, toEcsTags } from '../shared/apply-context.js';
import { assertOwnedForDelete } from '../shared/ownership.js';
import { performWrite } from '../shared/apply-write.js';
import { guardAmbiguousRetries } from '../../aws/write-retry.js';
import { ensureTaskDefinition } from './task-definition-apply.js';
import { rolloutReadOf } from './normalise.js';
import { deploymentConfigurationOf, isDeploymentPath, serviceFieldsInput } from './service-fields.js';
import { resendNotTaken } from './read-after-write.js';
import { SERVICE_FIELDS, servicePath } from '../../spec/aws-fields.js';
import { rolloutTagValue, startedDeployment, TAG_HELD_SPEC_HASH, TAG_ROLLOUT } from './rollout.js';
import type { ChangeOf, Tags } from '../types.js';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from '../types.js';

type ServiceChange = ChangeOf<'Service'>;

export async function applyServiceChange(change: ServiceChange, ctx: ApplyContext): Promise<void> {
  switch (change.action) {
    case 'noop':
      return;
    case 'create':
      await createService(change, ctx);
      return;
    case 'update':
      await updateService(change, ctx);
      return;
    case 'replace':
      await replaceService(change, ctx);
      return;
    case 'delete':
      await deleteService(change, ctx);
      return;
  }
}

function requireDesired(change: ServiceChange): DesiredOf<'Service'> {
  if (change.desired === undefined) throw new Error(`${change.id}: ${change.action} without a desired spec`);
  return change.desired;
}

function loadBalancers(change: ServiceChange, ctx: ApplyContext): EcsLoadBalancer[] {
  return (change.writeSpec ?? requireDesired(change).spec).loadBalancers.map((lb) => ({
    targetGroupArn: 'arn' in lb.targetGroup ? lb.targetGroup.arn : resolveTargetGroupArn(ctx, lb.targetGroup.name, change.id),
    containerName: lb.containerName,
    containerPort: lb.containerPort,
  }));
}

function networkConfiguration(network: ServiceNetwork): NetworkConfiguration {
  return {
    awsvpcConfiguration: {
      subnets: [...network.subnets],
      securityGroups: [...network.securityGroups],
      assignPublicIp: network.assignPublicIp ? 'ENABLED' : 'DISABLED',
    },
  };
}

/** Same desired spec + same revision -> same token: a retried CreateService is idempotent in ECS. */
export function serviceClientToken(ownerId: string, cluster: string, name: string, specHash: string, taskDefinitionArn: string): string {
  return createHash('sha256').update(`${ownerId}\n${cluster}\n${name}\n${specHash}\n${taskDefinitionArn}`).digest('hex').slice(0, 32);
}

async function findActive(ctx: ApplyContext, cluster: string, name: string): Promise<{ arn: string; ours: boolean; draining?: true } | undefined> {
  const out = await ctx.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }));
  const svc = out.services?.find((s) => s.serviceName === name && s.status === 'ACTIVE');
  if (svc?.serviceArn === undefined) {
    // a deleted service of that name still DRAINING: ECS refuses a CreateService of the name until it is INACTIVE
    const draining = out.services?.find((s) => s.serviceName === name && s.status === 'DRAINING');
    return draining?.serviceArn === undefined ? undefined : { arn: draining.serviceArn, ours: false, draining: true };
  }
  const tags = Object.fromEntries((svc.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
  return { arn: svc.serviceArn, ours: tags[TAG_OWNER] === ctx.ownerId && tags[TAG_RESOURCE] === `Service/${name}` };
}

async function createService(change: ServiceChange, ctx: ApplyContext): Promise<void> {
  const desired = requireDesired(change);
  const spec = desired.spec;
  const lbs = loadBalancers(change, ctx);
  const taskDefinition = await ensureTaskDefinition(change, ctx);
  const tags: Tags = { ...spec.tags, ...ownershipTags(ctx, 'Service', change.name), [TAG_SPEC_HASH]: desired.specHash };
  const providers = spec.aws?.capacityProviderStrategy !== undefined;
  let answer: Service | undefined;
  const arn = await performWrite(ctx, {
    change,
    verb: 'create',
    service: 'ecs',
    operation: 'CreateService',
    detail: `in cluster ${spec.cluster}`,
    send: async ({ ambiguous }) => {
      if (ambiguous) {
        const found = await findActive(ctx, spec.cluster, change.name);
        if (found?.ours === true) return found.arn;
      }
      try {
        const out = await ctx.clients.ecs.send(
          guardAmbiguousRetries(
            new CreateServiceCommand({
              cluster: spec.cluster,
              serviceName: change.name,
              taskDefinition,
              desiredCount: spec.desiredCount,
              // a capacity provider strategy and a launch type exclude each other
              ...(providers ? {} : { launchType: spec.launchType }),
              deploymentConfiguration: deploymentConfigurationOf(spec),
              ...serviceFieldsInput(spec, 'declared'),
              ...(lbs.length === 0 ? {} : { loadBalancers: lbs }),
              ...(spec.network === undefined ? {} : { networkConfiguration: networkConfiguration(spec.network) }),
              ...(spec.healthCheckGracePeriodSeconds === undefined
                ? {}
                : { healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds }),
              tags: toEcsTags(tags),
              propagateTags: (spec.aws?.propagateTags as PropagateTags | undefined) ?? 'SERVICE',
              clientToken: serviceClientToken(ctx.ownerId, spec.cluster, change.name, desired.specHash, taskDefinition),
            }),
          ),
        );
        const created = out.service?.serviceArn;
        if (created === undefined) throw new Error('CreateService returned no service');
        answer = out.service;
        return created;
      } catch (err) {
        // "Creation of service was not idempotent": it exists; ours from an earlier attempt is fine
        if (errorCode(err) !== 'InvalidParameterException') throw err;
        const found = await findActive(ctx, spec.cluster, change.name);
        if (found?.draining === true) {
          throw new MissingDependencyError(change.id, `${change.id}: the deleted service of that name is still DRAINING; CreateService runs once ECS reports it INACTIVE (a later cycle)`);
        }
        if (found?.ours !== true) throw err;
        return found.arn;
      }
    },
    resultId: (a) => a,
    // the old service of that name still DRAINING (after a replace's delete): a later cycle creates it
    expectedFailure: (err) => err instanceof MissingDependencyError,
  });
  ctx.forwards.update(arn, change.id, lbs.map((lb) => lb.targetGroupArn ?? ''));
  await resendNotTaken(change, ctx, { arn, cluster: spec.cluster }, answer, 'CreateService');
}

function touches(change: ServiceChange, field: string): boolean {
  return change.diffs.some((d) => d.path === field || d.path.startsWith(`${field}.`) || d.path.startsWith(`${field}[`));
}

async function updateService(change: ServiceChange, ctx: ApplyContext): Promise<void> {
  const desired = requireDesired(change);
  // ignored fields (and a scaler's desiredCount) at their live value: see ignored-live.ts
  const spec = change.writeSpec ?? desired.spec;
  const live = change.live;
  const arn = live?.arn ?? change.liveId;
  if (live === undefined || arn === undefined) throw new Error(`${change.id}: update without a live service`);
  if (touches(change, 'launchType')) {
    throw new Error(
      `${change.id}: launchType cannot be changed on an existing service (live ${live.launchType}, desired ${spec.launchType}); ` +
        'set metadata.allowReplace: true to replace it, or delete the service (or rename it) and apply again',
    );
  }
  if (change.hold === 'write') {
    // the rollout of this hash failed: remember it on the service itself, so that no cycle (nor a
    // restarted daemon) deploys it again while the files say the same
    await performWrite(ctx, {
      change,
      verb: 'tag',
      service: 'ecs',
      operation: 'TagResource',
      target: arn,
      detail: `(${TAG_HELD_SPEC_HASH}=${desired.specHash}: its rollout failed)`,
      send: () => ctx.clients.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: toEcsTags({ [TAG_HELD_SPEC_HASH]: desired.specHash }) })),
    });
    return;
  }
  const input: UpdateServiceCommandInput = { cluster: live.clusterName, service: change.name };
  const fields: string[] = [];
  if (change.registerTaskDefinition || touches(change, 'taskDefinition')) {
    input.taskDefinition = await ensureTaskDefinition(change, ctx);
    if (input.taskDefinition !== live.taskDefinition.arn) fields.push('taskDefinition');
    else delete input.taskDefinition;
  }
  if (touches(change, 'desiredCount') && !desired.ignore.includes('desiredCount')) {
    input.desiredCount = spec.desiredCount;
    fields.push('desiredCount');
  }
  if (touches(change, 'deployment')) {
    input.deploymentConfiguration = deploymentConfigurationOf(spec);
    fields.push('deployment');
  }
  const lbs = loadBalancers(change, ctx);
  const liveLbs = live.loadBalancers.map((lb) => `${lb.targetGroupArn}|${lb.containerName}|${lb.containerPort}`).sort();
  const wantedLbs = lbs.map((lb) => `${lb.targetGroupArn}|${lb.containerName}|${lb.containerPort}`).sort();
  if (touches(change, 'loadBalancers') || liveLbs.join() !== wantedLbs.join()) {
    input.loadBalancers = lbs;
    fields.push('loadBalancers');
  }
  if (touches(change, 'network') && spec.network !== undefined) {
    input.networkConfiguration = networkConfiguration(spec.network);
    fields.push('network');
  }
  if (touches(change, 'healthCheckGracePeriodSeconds') && spec.healthCheckGracePeriodSeconds !== undefined) {
    input.healthCheckGracePeriodSeconds = spec.healthCheckGracePeriodSeconds;
    fields.push('healthCheckGracePeriodSeconds');
  }
  const awsPaths = SERVICE_FIELDS.map(servicePath).filter((p) => !isDeploymentPath(p) && touches(change, p));
  if (awsPaths.length > 0) {
    Object.assign(input, serviceFieldsInput(spec, new Set(awsPaths)));
    fields.push(...awsPaths);
    // onto capacity providers from a launch type: ECS needs a new deployment for it
    if (awsPaths.includes('capacityProviderStrategy')) input.forceNewDeployment = true;
  }
  if (change.hold === 'retry' && input.taskDefinition === undefined) {
    // a retry of a held hash that AWS already matches: a new deployment of the same revision
    input.forceNewDeployment = true;
    fields.push('forceNewDeployment');
  }
  let deploymentId: string | undefined;
  if (fields.length > 0) {
    const answer = await performWrite(ctx, {
      change,
      verb: 'update',
      service: 'ecs',
      operation: 'UpdateService',
      target: arn,
      detail: `(${fields.join(', ')})`,
      send: () => ctx.clients.ecs.send(new UpdateServiceCommand(input)),
    });
    if (input.loadBalancers !== undefined) ctx.forwards.update(arn, change.id, lbs.map((lb) => lb.targetGroupArn ?? ''));
    await resendNotTaken(change, ctx, { arn, cluster: live.clusterName }, answer?.service, 'UpdateService', (p) => touches(change, p));
    // the deployment this write started, followed across cycles (and by apply's wait) by its id
    if (answer?.service !== undefined && (input.taskDefinition !== undefined || input.forceNewDeployment === true)) {
      deploymentId = startedDeployment(rolloutReadOf(answer.service).deployments, input.taskDefinition ?? live.taskDefinition.arn, live.rollout?.deployments ?? []);
    }
  }
  const wanted: Tags = {
    ...spec.tags,
    ...ownershipTags(ctx, 'Service', change.name),
    [TAG_SPEC_HASH]: desired.specHash,
    ...(deploymentId === undefined ? {} : { [TAG_ROLLOUT]: rolloutTagValue(desired.specHash, deploymentId) }),
  };
  const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => live.tags[k] !== v));
  if (Object.keys(missing).length > 0) {
    await performWrite(ctx, {
      change,
      verb: 'tag',
      service: 'ecs',
      operation: 'TagResource',
      target: arn,
      send: () => ctx.clients.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: toEcsTags(missing) })),
    });
  }
  if (live.tags[TAG_HELD_SPEC_HASH] !== undefined) {
    // the files changed (or a retry was asked): the old hold no longer applies
    await performWrite(ctx, {
      change,
      verb: 'untag',
      service: 'ecs',
      operation: 'UntagResource',
      target: arn,
      detail: `(${TAG_HELD_SPEC_HASH}=${live.tags[TAG_HELD_SPEC_HASH]})`,
      send: () => ctx.clients.ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [TAG_HELD_SPEC_HASH] })),
    });
  }
}

/** Move a service (ours, otherwise unchanged) onto a replacement target group. */
export async function moveServiceLoadBalancers(
  change: { id: string; name: string },
  ctx: ApplyContext,
  service: { arn: string; clusterName: string; name: string },
  lbs: EcsLoadBalancer[],
): Promise<void> {
  await performWrite(ctx, {
    change: { id: change.id, kind: 'Service', name: change.name },
    verb: 'move',
    service: 'ecs',
    operation: 'UpdateService',
    target: service.arn,
    detail: 'onto the replacement target group',
    send: () => ctx.clients.ecs.send(new UpdateServiceCommand({ cluster: service.clusterName, service: service.name, loadBalancers: lbs })),
  });
  ctx.forwards.update(service.arn, change.id, lbs.map((lb) => lb.targetGroupArn ?? ''));
}

/** Running tasks of a service as ECS reports them now: the service's and every deployment's. */
async function runningTasks(ctx: ApplyContext, cluster: string, arn: string): Promise<number | undefined> {
  const out = await ctx.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [arn] }));
  const svc = out.services?.find((s) => s.serviceArn === arn);
  if (svc === undefined || svc.status === 'INACTIVE') return undefined;
  return Math.max(svc.runningCount ?? 0, ...(svc.deployments ?? []).map((d) => d.runningCount ?? 0));
}

/**
 * Prune one service of ours: UpdateService desiredCount 0 (if not 0 already); DeleteService only
 * once ECS reports 0 running tasks in every deployment, otherwise the step is skipped with the
 * reason and a later cycle deletes it; then DeregisterTaskDefinition for each ACTIVE revision
 * tagged as this service's (read by observe). Refuses a service without our owner tag.
 */
async function deleteService(change: ServiceChange, ctx: ApplyContext): Promise<void> {
  const live = await scaleDownAndDelete(change, ctx, 'delete');
  for (const revision of live.prune?.revisions ?? []) {
    await performWrite(ctx, {
      change,
      verb: 'deregister',
      subject: `task definition ${revision.slice(revision.lastIndexOf('/') + 1)}`,
      service: 'ecs',
      operation: 'DeregisterTaskDefinition',
      target: revision,
      send: () => ctx.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: revision })),
    });
  }
}

/**
 * metadata.allowReplace: a change only a new service makes (launchType, capacity providers back to
 * a launch type). ECS names are unique among ACTIVE and DRAINING services, so the new one cannot
 * be created first: scale the old one to 0, DeleteService (force) once 0 tasks run, then
 * CreateService under the same name once ECS reports the old one INACTIVE. A step that must wait
 * (tasks still stopping, the old service DRAINING) is skipped with the reason and a later cycle
 * goes on from where AWS is. Refuses a service without our owner tag.
 */
async function replaceService(change: ServiceChange, ctx: ApplyContext): Promise<void> {
  await scaleDownAndDelete(change, ctx, 'replace');
  // the new service: as a create (the old one's revision is reused when its content still matches)
  await createService({ ...change, action: 'create', writeSpec: undefined, kept: undefined }, ctx);
}

/**
 * What a delete and a replace share: refuse a service without our owner tag, scale it to 0, and
 * DeleteService (a replace: force) once no task runs; while tasks still stop, the step waits for a
 * later cycle. Returns the live service.
 */
async function scaleDownAndDelete(change: ServiceChange, ctx: ApplyContext, purpose: 'delete' | 'replace'): Promise<NonNullable<ServiceChange['live']>> {
  const live = change.live;
  const arn = live?.arn ?? change.liveId;
  if (live === undefined || arn === undefined) throw new Error(`${change.id}: ${purpose} without a live service`);
  const replace = purpose === 'replace';
  assertOwnedForDelete(live.tags, ctx.ownerId, `service ${live.clusterName}/${live.name}${replace ? ' (to replace it)' : ''}`);
  const cluster = live.clusterName;
  if (live.desiredCount > 0) {
    await performWrite(ctx, {
      change,
      verb: 'scale',
      service: 'ecs',
      operation: 'UpdateService',
      target: arn,
      detail: `(desiredCount 0, before its ${purpose})`,
      send: () => ctx.clients.ecs.send(new UpdateServiceCommand({ cluster, service: arn, desiredCount: 0 })),
    });
  }
  const running = await runningTasks(ctx, cluster, arn);
  if (running !== undefined && running > 0) {
    throw new MissingDependencyError(
      change.id,
      replace
        ? `${change.id} is scaled to 0 and ${running} task(s) still run: its replace (DeleteService, CreateService) waits until they stopped (a later cycle)`
        : `${change.id} is scaled to 0 and ${running} task(s) still run: DeleteService waits until its deployments drained (a later cycle)`,
    );
  }
  if (running !== undefined) {
    await performWrite(ctx, {
      change,
      verb: 'delete',
      service: 'ecs',
      operation: 'DeleteService',
      target: arn,
      ...(replace ? { detail: '(force, to replace it)' } : {}),
      send: async () => {
        try {
          await ctx.clients.ecs.send(new DeleteServiceCommand({ cluster, service: arn, ...(replace ? { force: true } : {}) }));
        } catch (err) {
          if (!isNotFound(err) && errorCode(err) !== 'ServiceNotActiveException') throw err;
        }
      },
    });
  }
  ctx.forwards.remove(arn);
  return live;
}

/** The writes the service steps (and a target group replace's moves) make; tests pass fakes. */
export interface ServiceAppliers {
  apply(change: ServiceChange, ctx: ApplyContext): Promise<void>;
  move(
    owner: { id: string; name: string },
    ctx: ApplyContext,
    service: { arn: string; clusterName: string; name: string },
    lbs: EcsLoadBalancer[],
  ): Promise<void>;
}

export const serviceAppliers: ServiceAppliers = { apply: applyServiceChange, move: moveServiceLoadBalancers };
