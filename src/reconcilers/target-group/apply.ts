// TargetGroup applier: create (with tags), modify health check and declared attributes in place,
// adopt (tags), replace under a derived name, delete. The moves of rules, listeners and services
// onto a replacement, and the delete of the old group, are steps of their own (replace-steps.ts).
import {
  AddTagsCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  type TargetGroup as ElbTargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorCode, isNotFound } from '../../aws/errors.js';
import { guardAmbiguousRetries } from '../../aws/write-retry.js';
import type { DesiredOf } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { ownershipTags, toKeyValueTags } from '../shared/apply-context.js';
import { deleteUnlessGone, performWrite } from '../shared/apply-write.js';
import { assertOwnedForDelete, isOwnedBy } from '../shared/ownership.js';
import type { ChangeOf, Tags } from '../types.js';
import { TAG_OWNER, TAG_SPEC_HASH } from '../types.js';
import { healthCheckParams, withoutIgnored } from './health-check-params.js';
import { replacementTargetGroupName } from './names.js';

type TargetGroupChange = ChangeOf<'TargetGroup'>;

export async function applyTargetGroupChange(change: TargetGroupChange, ctx: ApplyContext): Promise<void> {
  switch (change.action) {
    case 'noop':
      return;
    case 'create':
      await createTargetGroup(change, ctx, change.name);
      return;
    case 'update':
      await updateTargetGroup(change, ctx);
      return;
    case 'replace': {
      const newName = replacementTargetGroupName(change.name, change.live?.name ?? change.name);
      await createTargetGroup(change, ctx, newName);
      return;
    }
    case 'delete':
      await deleteTargetGroup(change, ctx, requireLiveArn(change));
      return;
  }
}

function requireDesired(change: TargetGroupChange): DesiredOf<'TargetGroup'> {
  if (change.desired === undefined) throw new Error(`${change.id}: ${change.action} without a desired spec`);
  return change.desired;
}

function requireLiveArn(change: TargetGroupChange): string {
  const arn = change.live?.arn ?? change.liveId;
  if (arn === undefined) throw new Error(`${change.id}: ${change.action} without a live target group`);
  return arn;
}

async function findByName(ctx: ApplyContext, name: string): Promise<ElbTargetGroup | undefined> {
  try {
    const out = await ctx.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
    return out.TargetGroups?.[0];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Refuses a create under a name that a group read before this apply still holds (other than the
 * replaced one): the planner matches a holder with the declared settings, so this one differs, and
 * taking it over would keep its old protocol / port / VPC / target type. Typically the old group
 * of a replace that was left in place because it is not ours, now in the way of the next replace.
 */
function assertNameFree(change: TargetGroupChange, ctx: ApplyContext, awsName: string): void {
  const holder = ctx.live.targetGroups.find((tg) => tg.name === awsName && tg.arn !== change.live?.arn);
  if (holder === undefined) return;
  const ours = isOwnedBy(holder.tags, ctx.ownerId);
  throw new Error(
    `cannot create target group ${awsName} for ${change.id}: target group ${awsName} (${holder.arn}, ` +
      `${holder.protocol} port ${holder.port}, ${holder.targetType}, ${holder.vpcId}) already holds that name with other settings` +
      (ours ? '' : ` and is not tagged ${TAG_OWNER}=${ctx.ownerId}, so ecs-reconciler will not delete it`) +
      `; move what still uses it and delete it by hand, then apply again`,
  );
}

/** Create under `awsName` (the declared name, or a replacement name); the ARN goes into ctx.resolved. */
async function createTargetGroup(change: TargetGroupChange, ctx: ApplyContext, awsName: string): Promise<string> {
  const desired = requireDesired(change);
  const spec = desired.spec;
  assertNameFree(change, ctx, awsName);
  const hasAttributes = Object.keys(spec.attributes).length > 0;
  // when more writes follow, the spec-hash tag is added only after they succeed
  const tags: Tags = { ...spec.tags, ...ownershipTags(ctx, 'TargetGroup', change.name) };
  if (!hasAttributes) tags[TAG_SPEC_HASH] = desired.specHash;
  let adoptedExisting = false;
  const created = await performWrite(ctx, {
    change,
    verb: 'create',
    subject: awsName === change.name ? undefined : `target group ${awsName} (replaces ${change.live?.name ?? change.name})`,
    service: 'elbv2',
    operation: 'CreateTargetGroup',
    send: async ({ ambiguous }) => {
      if (ambiguous) {
        const found = await findByName(ctx, awsName);
        if (found?.TargetGroupArn !== undefined) {
          adoptedExisting = true;
          return found.TargetGroupArn;
        }
      }
      try {
        const out = await ctx.clients.elbv2.send(
          guardAmbiguousRetries(
            new CreateTargetGroupCommand({
              Name: awsName,
              Protocol: spec.protocol,
              ...(spec.protocolVersion === undefined ? {} : { ProtocolVersion: spec.protocolVersion }),
              Port: spec.port,
              VpcId: spec.vpcId,
              TargetType: spec.targetType,
              ...healthCheckParams(spec.healthCheck),
              Tags: toKeyValueTags(tags),
            }),
          ),
        );
        const arn = out.TargetGroups?.[0]?.TargetGroupArn;
        if (arn === undefined) throw new Error('CreateTargetGroup returned no target group');
        return arn;
      } catch (err) {
        // AWS returns the existing group for identical settings; an emulator may say Duplicate
        if (errorCode(err) !== 'DuplicateTargetGroupName') throw err;
        const found = await findByName(ctx, awsName);
        if (found?.TargetGroupArn === undefined) throw err;
        adoptedExisting = true;
        return found.TargetGroupArn;
      }
    },
    resultId: (arn) => arn,
  });
  ctx.resolved.set(change.name, created);
  if (hasAttributes) await modifyAttributes(change, ctx, created, spec.attributes);
  if (hasAttributes || adoptedExisting) {
    await addTags(change, ctx, created, { ...tags, [TAG_SPEC_HASH]: desired.specHash });
  }
  return created;
}

async function updateTargetGroup(change: TargetGroupChange, ctx: ApplyContext): Promise<void> {
  const desired = requireDesired(change);
  const arn = requireLiveArn(change);
  const paths = change.diffs.map((d) => d.path);
  const touches = (prefix: string): boolean => paths.some((p) => p === prefix || p.startsWith(`${prefix}.`));
  if (touches('healthCheck')) {
    const hc = withoutIgnored(desired.spec.healthCheck, desired.ignore);
    if (Object.keys(hc).length > 0) {
      await performWrite(ctx, {
        change,
        verb: 'update',
        service: 'elbv2',
        operation: 'ModifyTargetGroup',
        target: arn,
        detail: '(health check)',
        send: () => ctx.clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, ...healthCheckParams(hc) })),
      });
    }
  }
  if (touches('attributes')) {
    const attributes = Object.fromEntries(
      Object.entries(desired.spec.attributes).filter(
        ([k]) => !desired.ignore.includes('attributes') && !desired.ignore.includes(`attributes.${k}`),
      ),
    );
    if (Object.keys(attributes).length > 0) await modifyAttributes(change, ctx, arn, attributes);
  }
  const wanted: Tags = {
    ...desired.spec.tags,
    ...ownershipTags(ctx, 'TargetGroup', change.name),
    [TAG_SPEC_HASH]: desired.specHash,
  };
  const liveTags = change.live?.tags ?? {};
  const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => liveTags[k] !== v));
  if (Object.keys(missing).length > 0) await addTags(change, ctx, arn, missing);
  ctx.resolved.set(change.name, arn);
}

async function modifyAttributes(
  change: TargetGroupChange,
  ctx: ApplyContext,
  arn: string,
  attributes: Record<string, string>,
): Promise<void> {
  await performWrite(ctx, {
    change,
    verb: 'update',
    service: 'elbv2',
    operation: 'ModifyTargetGroupAttributes',
    target: arn,
    detail: `(attributes ${Object.keys(attributes).sort().join(', ')})`,
    send: () =>
      ctx.clients.elbv2.send(
        new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: toKeyValueTags(attributes) }),
      ),
  });
}

async function addTags(change: TargetGroupChange, ctx: ApplyContext, arn: string, tags: Tags): Promise<void> {
  await performWrite(ctx, {
    change,
    verb: 'tag',
    service: 'elbv2',
    operation: 'AddTags',
    target: arn,
    send: () => ctx.clients.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: toKeyValueTags(tags) })),
  });
}

/**
 * Delete one target group (pruned, a leftover, or the old one after a replace). Not found = already
 * gone. Refuses a group that observe did not read with our owner tag: nothing else is ever deleted.
 */
export async function deleteTargetGroup(change: TargetGroupChange, ctx: ApplyContext, arn: string): Promise<void> {
  const oldName = change.live?.name ?? change.name;
  const live = change.live?.arn === arn ? change.live : ctx.live.targetGroups.find((tg) => tg.arn === arn);
  assertOwnedForDelete(live?.tags, ctx.ownerId, `target group ${live?.name ?? arn} (${arn})`);
  await performWrite(ctx, {
    change,
    verb: 'delete',
    subject: change.action === 'replace' ? `target group ${oldName} (replaced)` : undefined,
    service: 'elbv2',
    operation: 'DeleteTargetGroup',
    target: arn,
    send: () => deleteUnlessGone(() => ctx.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }))),
  });
}

/** The writes the target group steps make; tests of ordering pass fakes. */
export interface TargetGroupAppliers {
  apply(change: TargetGroupChange, ctx: ApplyContext): Promise<void>;
  /** delete one target group by ARN (pruned, or the old one of a replace) */
  delete(change: TargetGroupChange, ctx: ApplyContext, arn: string): Promise<void>;
}

export const targetGroupAppliers: TargetGroupAppliers = { apply: applyTargetGroupChange, delete: deleteTargetGroup };
