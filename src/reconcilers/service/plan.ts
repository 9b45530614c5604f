// Plan for Service resources (and the task definition each runs). Matched by name within the
// cluster; a cluster that does not exist is a conflict. The task definition is compared by
// content: registerTaskDefinition is true when the running revision's content differs (after
// `ignore`). A launch type cannot change on an existing service: a conflict, or a replace with
// metadata.allowReplace. Pure.
import type { DesiredOf } from '../../spec/types.js';
import type { TargetGroupIndex } from '../shared/compare-actions.js';
import { nameFromResourceTag, pruneReason, resourceId } from '../shared/plan-context.js';
import type { KindPlan, PlanContext } from '../shared/plan-context.js';
import { causeOf, decideUpdate, foreignOwnerMessage, ownershipOf } from '../shared/ownership.js';
import { diffDeclared, diffField, diffSet, withoutIgnored } from '../shared/compare-values.js';
import { diffTaskDefinition } from './task-definition.js';
import { TAG_RESOURCE } from '../types.js';
import type { ChangeOf, FieldDiff, LiveService } from '../types.js';
import type { RolloutStatus } from '../shared/rollout-status.js';
import { serviceRollout } from './rollout.js';
import { diffServiceFields, neededReplace, replaceConflict, type NeededReplace } from './service-fields.js';
import { keepIgnoredLive } from './ignored-live.js';
import { ownersOf } from './owners.js';
import { withImagesRead } from './image-parameters.js';

type DesiredService = DesiredOf<'Service'>;

/** Every field difference of a service, before `ignore`. */
export function diffService(desired: DesiredService, live: LiveService, index: TargetGroupIndex): FieldDiff[] {
  const s = desired.spec;
  const diffs: FieldDiff[] = [];
  diffField(diffs, 'desiredCount', live.desiredCount, s.desiredCount);
  diffField(diffs, 'deployment.maximumPercent', live.deployment.maximumPercent, s.deployment.maximumPercent);
  diffField(diffs, 'deployment.minimumHealthyPercent', live.deployment.minimumHealthyPercent, s.deployment.minimumHealthyPercent);
  if (s.healthCheckGracePeriodSeconds !== undefined) {
    diffField(diffs, 'healthCheckGracePeriodSeconds', live.healthCheckGracePeriodSeconds ?? 0, s.healthCheckGracePeriodSeconds);
  }
  const lbKey = (tg: string, container: string, port: number): string => `${tg}|${container}|${port}`;
  const liveLbs = live.loadBalancers.map((lb) => lbKey(lb.targetGroupArn, lb.containerName, lb.containerPort)).sort();
  const desiredLbs = s.loadBalancers.map((lb) => lbKey(index.arnOf(lb.targetGroup), lb.containerName, lb.containerPort)).sort();
  if (liveLbs.join('\n') !== desiredLbs.join('\n')) {
    diffs.push({
      path: 'loadBalancers',
      live: live.loadBalancers.map((lb) => `${index.nameOf(lb.targetGroupArn)} -> ${lb.containerName}:${lb.containerPort}`).sort(),
      desired: s.loadBalancers.map((lb) => `${index.labelOf(lb.targetGroup)} -> ${lb.containerName}:${lb.containerPort}`).sort(),
    });
  }
  if (s.network !== undefined || live.network !== undefined) {
    diffSet(diffs, 'network.subnets', live.network?.subnets ?? [], s.network?.subnets ?? []);
    diffSet(diffs, 'network.securityGroups', live.network?.securityGroups ?? [], s.network?.securityGroups ?? []);
    diffField(diffs, 'network.assignPublicIp', live.network?.assignPublicIp ?? false, s.network?.assignPublicIp ?? false);
  }
  diffServiceFields(diffs, desired, live);
  diffDeclared(diffs, 'tags', live.tags, s.tags);
  diffs.push(...diffTaskDefinition(live.taskDefinition.spec, s.taskDefinition));
  return diffs;
}

/**
 * A rollout of the desired hash failed (or was rolled back): not drift (nobody changed AWS behind
 * our back), and not deployed again. The first time, a tag-only update records the hold; once held,
 * a noop. --retry-failed deploys it again (a new deployment even when nothing differs).
 */
function heldDecision(rollout: RolloutStatus, diffs: FieldDiff[], retry: boolean): Pick<ChangeOf<'Service'>, 'action' | 'cause' | 'diffs' | 'reason' | 'hold'> {
  if (retry) return { action: 'update', cause: 'rollout', diffs, hold: 'retry', reason: `retry the failed rollout of spec hash ${rollout.specHash} (--retry-failed)` };
  if (!rollout.held) {
    return { action: 'update', cause: 'rollout', diffs: [], hold: 'write', reason: `hold spec hash ${rollout.specHash}: ${rollout.detail}; not redeployed until the files change or a retry is asked` };
  }
  return { action: 'noop', cause: 'none', diffs: [], reason: rollout.detail };
}

/** ACTIVE services by `cluster/name`: an INACTIVE / DRAINING service of that name is gone for our purposes. */
function activeServices(live: readonly LiveService[]): Map<string, LiveService> {
  const out = new Map<string, LiveService>();
  for (const svc of live) if (svc.status === 'ACTIVE' && !out.has(`${svc.clusterName}/${svc.name}`)) out.set(`${svc.clusterName}/${svc.name}`, svc);
  return out;
}

/** What deleting a service does, in the order it happens (the plan's reason). */
export function serviceDeleteSteps(svc: LiveService): string {
  const running = svc.prune?.runningCount ?? 0;
  const revisions = svc.prune?.revisions.length ?? 0;
  return (
    `${svc.desiredCount > 0 ? `scale to 0 (desiredCount ${svc.desiredCount}), then ` : ''}` +
    `delete once its deployments report 0 running tasks` +
    (running > 0 ? ` (${running} running now: the delete waits for a later cycle)` : '') +
    `, then deregister ${revisions} task definition revision(s) tagged as ours`
  );
}

/**
 * A change only a new service makes: with metadata.allowReplace on a service of ours, a replace
 * (apply scales it to 0, deletes it, creates it again: serviceReplaceSteps); otherwise a conflict
 * that names the opt-in. A service not tagged as ours is never replaced.
 */
function replaceChange(
  d: DesiredService,
  live: LiveService,
  needed: NeededReplace,
  ctx: PlanContext,
): Pick<ChangeOf<'Service'>, 'action' | 'cause' | 'diffs' | 'reason' | 'live' | 'liveId' | 'registerTaskDefinition'> | { id: string; message: string } {
  if (d.allowReplace !== true) return { id: d.id, message: replaceConflict(d, live) ?? needed.detail };
  if (ownershipOf(live.tags, ctx.ownerId) !== 'ours') {
    return {
      id: d.id,
      message:
        `${d.id}: ${needed.detail}; metadata.allowReplace is set, but service ${live.clusterName}/${live.name} is not tagged as ours ` +
        `(ecs-reconciler/owner=${ctx.ownerId}) and ecs-reconciler deletes only what it owns: replace it by hand, or apply once without the change so that it is adopted`,
    };
  }
  const diffs = withoutIgnored(diffService(d, live, ctx.targetGroups), d.ignore);
  return {
    action: 'replace',
    cause: causeOf(live.tags, d.specHash, d.policy),
    diffs,
    live,
    liveId: live.arn,
    registerTaskDefinition: true,
    reason: `${needed.what}: AWS cannot change it in place; metadata.allowReplace: ${serviceReplaceSteps(live)}`,
  };
}

/** What replacing a service does, in the order it happens (the plan's reason). */
export function serviceReplaceSteps(svc: LiveService): string {
  return (
    `${svc.desiredCount > 0 ? `scale to 0 (desiredCount ${svc.desiredCount}), ` : ''}` +
    'delete once 0 tasks run, then create it again under the same name (the service is down in between)'
  );
}

export function planServices(ctx: PlanContext): KindPlan {
  const desired = ctx.desired.services;
  const out: KindPlan = { changes: [], conflicts: [] };
  const accounted = new Set<string>();
  const active = activeServices(ctx.live.services);
  for (const fromFile of desired) {
    // images CI writes (imageFrom) filled in from this cycle's read; unreadable: this service alone waits
    const read = withImagesRead(fromFile, ctx.live.imageParameters);
    if ('error' in read) {
      out.conflicts.push({ id: fromFile.id, message: read.error });
      continue;
    }
    const d = read.desired;
    const s = d.spec;
    const base = { kind: 'Service' as const, name: d.name, id: d.id, policy: d.policy, desiredHash: d.specHash, desired: d };
    if (!ctx.live.clusters.includes(s.cluster)) {
      out.conflicts.push({
        id: d.id,
        message: `${d.id}: ECS cluster "${s.cluster}" not found (${d.source.file}:${d.source.line}); ecs-reconciler does not create clusters: create it or fix spec.cluster`,
      });
      continue;
    }
    const live = active.get(`${s.cluster}/${d.name}`);
    if (live === undefined) {
      out.changes.push({ ...base, action: 'create', cause: 'create', diffs: [], registerTaskDefinition: true });
      continue;
    }
    accounted.add(live.arn);
    if (ownershipOf(live.tags, ctx.ownerId) === 'foreign') {
      out.conflicts.push({ id: d.id, message: foreignOwnerMessage(d.id, `service ${s.cluster}/${d.name}`, live.tags) });
      continue;
    }
    const needed = neededReplace(d, live);
    if (needed !== undefined) {
      const replace = replaceChange(d, live, needed, ctx);
      if ('message' in replace) out.conflicts.push(replace);
      else out.changes.push({ ...base, ...replace });
      continue;
    }
    const all = diffService(d, live, ctx.targetGroups);
    const owners = ownersOf(d, ctx.desired);
    const ignore = [...d.ignore, ...owners.keys()];
    const diffs = withoutIgnored(all, ignore);
    const { writeSpec, kept } = keepIgnoredLive(d, live, all, ignore, owners);
    const shared = { writeSpec, ...(kept.length === 0 ? {} : { kept }) };
    const registerTaskDefinition = diffs.some((f) => f.path.startsWith('taskDefinition.'));
    const rollout = d.policy === 'observe' ? undefined : serviceRollout(live, d.specHash);
    const failed = rollout !== undefined && (rollout.state === 'rollout-failed' || rollout.state === 'rolled-back');
    if (failed) {
      out.changes.push({ ...base, ...heldDecision(rollout, diffs, ctx.retryFailed === true), live, liveId: live.arn, registerTaskDefinition, rollout, ...shared });
      continue;
    }
    const decision = decideUpdate({ diffs, tags: live.tags, ownerId: ctx.ownerId, id: d.id, desiredHash: d.specHash, policy: d.policy });
    out.changes.push({ ...base, ...decision, diffs, live, liveId: live.arn, registerTaskDefinition, ...(rollout === undefined ? {} : { rollout }), ...shared });
  }
  if (!ctx.prune) return out;
  const declared = new Set(desired.map((d) => d.name));
  for (const svc of ctx.live.services) {
    if (accounted.has(svc.arn) || svc.status !== 'ACTIVE' || ownershipOf(svc.tags, ctx.ownerId) !== 'ours') continue;
    const name = nameFromResourceTag('Service', svc.tags[TAG_RESOURCE]) ?? svc.name;
    if (declared.has(name)) continue;
    out.changes.push({
      kind: 'Service',
      name,
      id: resourceId('Service', name),
      action: 'delete',
      cause: 'prune',
      policy: 'enforce',
      diffs: [],
      live: svc,
      liveId: svc.arn,
      reason: `${pruneReason(ctx.ownerId)}; ${serviceDeleteSteps(svc)}`,
      registerTaskDefinition: false,
    });
  }
  return out;
}
