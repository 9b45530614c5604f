// SecurityGroupIngress applier. Order inside one group: authorize what is missing (the new sgr-
// rules tagged in the same call), fix descriptions, tag adopted rules, tag the group as ours, and
// only then revoke, so a group never has less access than both the old and the new state allow
// (and the task role may limit revokes to groups tagged as ours). The spec-hash tag goes on last.
// Revoked: only rules carrying our tag for this resource, or, with `exclusive: true`, any rule not declared,
// and only when the prune guard allowed deletions (else the controller passes them as heldRevokes).
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupRulesCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
  type SecurityGroupRuleRequest,
} from '@aws-sdk/client-ec2';
import { errorCode, isNotFound } from '../../aws/errors.js';
import { ingressRuleKey } from '../../spec/ingress-rule-key.js';
import type { IngressRule } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { ownershipTags, toKeyValueTags } from '../shared/apply-context.js';
import { performWrite } from '../shared/apply-write.js';
import { guardAmbiguousRetries } from '../../aws/write-retry.js';
import { normaliseIngressRule } from './normalise.js';
import type { ChangeOf, LiveIngressRule } from '../types.js';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from '../types.js';

type IngressChange = ChangeOf<'SecurityGroupIngress'>;

export function toIpPermission(rule: IngressRule): IpPermission {
  const all = rule.protocol === 'all';
  const base: IpPermission = { IpProtocol: all ? '-1' : rule.protocol, ...(all ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }) };
  const d = rule.description === undefined ? {} : { Description: rule.description };
  switch (rule.source.type) {
    case 'cidr':
      return { ...base, IpRanges: [{ CidrIp: rule.source.value, ...d }] };
    case 'ipv6Cidr':
      return { ...base, Ipv6Ranges: [{ CidrIpv6: rule.source.value, ...d }] };
    case 'securityGroup':
      return { ...base, UserIdGroupPairs: [{ GroupId: rule.source.value, ...d }] };
    case 'prefixList':
      return { ...base, PrefixListIds: [{ PrefixListId: rule.source.value, ...d }] };
  }
}

function toRuleRequest(rule: IngressRule): SecurityGroupRuleRequest {
  const all = rule.protocol === 'all';
  const source =
    rule.source.type === 'cidr'
      ? { CidrIpv4: rule.source.value }
      : rule.source.type === 'ipv6Cidr'
        ? { CidrIpv6: rule.source.value }
        : rule.source.type === 'prefixList'
          ? { PrefixListId: rule.source.value }
          : { ReferencedGroupId: rule.source.value };
  return {
    IpProtocol: all ? '-1' : rule.protocol,
    FromPort: all ? -1 : rule.fromPort,
    ToPort: all ? -1 : rule.toPort,
    ...source,
    Description: rule.description ?? '',
  };
}

/** The report note of revokes the prune guard held back. */
function heldNote(held: NonNullable<IngressChange['heldRevokes']>): string {
  return `kept ${held.rules.length} rule(s) that would be revoked (${held.rules.map((r) => `${ingressRuleKey(r)} ${r.ruleId}`).join(', ')}): ${held.reason}`;
}

export async function applySecurityGroupIngressChange(change: IngressChange, ctx: ApplyContext): Promise<string | void> {
  if (change.action === 'noop') return;
  if (change.action === 'replace') throw new Error(`${change.id}: security group ingress is never replaced`);
  const groupId = change.desired?.spec.groupId ?? change.live?.groupId ?? change.liveId;
  if (groupId === undefined) throw new Error(`${change.id}: no security group id`);
  if (change.action === 'delete') {
    await revoke(change, ctx, groupId, ourRules(change, ctx, change.live?.rules ?? []));
    // the group itself is not ours: drop only our tags, and only when they name this document
    const tags = change.live?.tags ?? {};
    if (tags[TAG_OWNER] === ctx.ownerId && tags[TAG_RESOURCE] === change.id) {
      await performWrite(ctx, {
        change,
        verb: 'untag',
        service: 'ec2',
        operation: 'DeleteTags',
        target: groupId,
        send: () =>
          ctx.clients.ec2.send(
            new DeleteTagsCommand({ Resources: [groupId], Tags: [TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH].map((Key) => ({ Key })) }),
          ),
      });
    }
    return;
  }
  const desired = change.desired;
  if (desired === undefined) throw new Error(`${change.id}: ${change.action} without a desired spec`);
  if (change.authorize.length > 0) await authorize(change, ctx, groupId, change.authorize);
  if (change.describe.length > 0) {
    await performWrite(ctx, {
      change,
      verb: 'update',
      service: 'ec2',
      operation: 'ModifySecurityGroupRules',
      target: groupId,
      detail: `(descriptions of ${change.describe.map((d) => d.ruleId).join(', ')})`,
      send: () =>
        ctx.clients.ec2.send(
          new ModifySecurityGroupRulesCommand({
            GroupId: groupId,
            SecurityGroupRules: change.describe.map((d) => ({ SecurityGroupRuleId: d.ruleId, SecurityGroupRule: toRuleRequest(d.rule) })),
          }),
        ),
    });
  }
  if (change.adopt.length > 0) await tagRules(change, ctx, change.adopt.map((r) => r.ruleId));
  // the planner decides what to revoke; this re-checks the promise before anything is removed
  const revocable = change.revoke.filter((r) => desired.spec.exclusive || isOurs(change, ctx, r));
  // the group records which document manages its ingress (one per group) and the spec last applied
  const ownership = ownershipTags(ctx, 'SecurityGroupIngress', change.name);
  let liveTags: Record<string, string> = change.live?.tags ?? {};
  const staleOwnership = Object.entries(ownership).filter(([k, v]) => liveTags[k] !== v);
  if (revocable.length > 0 && staleOwnership.length > 0) {
    // our owner tag before any revoke: the task role may revoke only in groups tagged as ours
    await tagGroup(change, ctx, groupId, staleOwnership, '(before revoking)');
    liveTags = { ...liveTags, ...ownership };
  }
  await revoke(change, ctx, groupId, revocable);
  // with revokes held back the spec is not fully applied: its hash would call the kept rules drift
  const held = change.heldRevokes !== undefined && change.heldRevokes.rules.length > 0 ? change.heldRevokes : undefined;
  const wanted = held === undefined ? { ...ownership, [TAG_SPEC_HASH]: desired.specHash } : ownership;
  const stale = Object.entries(wanted).filter(([k, v]) => liveTags[k] !== v);
  if (stale.length > 0) await tagGroup(change, ctx, groupId, stale);
  if (held !== undefined) return heldNote(held);
}

async function tagGroup(change: IngressChange, ctx: ApplyContext, groupId: string, tags: [string, string][], detail?: string): Promise<void> {
  await performWrite(ctx, {
    change,
    verb: 'tag',
    service: 'ec2',
    operation: 'CreateTags',
    target: groupId,
    ...(detail === undefined ? {} : { detail }),
    send: () => ctx.clients.ec2.send(new CreateTagsCommand({ Resources: [groupId], Tags: tags.map(([Key, Value]) => ({ Key, Value })) })),
  });
}

function isOurs(change: IngressChange, ctx: ApplyContext, rule: LiveIngressRule): boolean {
  return rule.tags[TAG_OWNER] === ctx.ownerId && rule.tags[TAG_RESOURCE] === change.id;
}

function ourRules(change: IngressChange, ctx: ApplyContext, rules: LiveIngressRule[]): LiveIngressRule[] {
  const fromPlan = change.revoke.filter((r) => isOurs(change, ctx, r));
  return fromPlan.length > 0 ? fromPlan : rules.filter((r) => isOurs(change, ctx, r));
}

async function liveRules(ctx: ApplyContext, groupId: string): Promise<LiveIngressRule[]> {
  const out: LiveIngressRule[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.clients.ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], NextToken: token }),
    );
    for (const r of page.SecurityGroupRules ?? []) {
      const n = normaliseIngressRule(r);
      if (n !== undefined) out.push(n);
    }
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return out;
}

const DUPLICATE = 'InvalidPermission.Duplicate';

/**
 * Authorize the missing rules in one call, tagged. When AWS says some already exist (Duplicate,
 * or an earlier attempt may have gone through), find them, tag the untagged ones, and authorize
 * only what is still missing: a duplicate is not a failure.
 */
async function authorize(change: IngressChange, ctx: ApplyContext, groupId: string, rules: IngressRule[]): Promise<void> {
  let toTag: string[] = [];
  await performWrite(ctx, {
    change,
    verb: 'authorize',
    service: 'ec2',
    operation: 'AuthorizeSecurityGroupIngress',
    target: groupId,
    detail: `(${rules.map((r) => ingressRuleKey(r)).join(', ')})`,
    send: async ({ ambiguous }) => {
      let missing = rules;
      if (ambiguous) ({ missing, toTag } = await reconcileWithLive(change, ctx, groupId, rules));
      if (missing.length === 0) return;
      try {
        await sendAuthorize(ctx, change, groupId, missing);
      } catch (err) {
        if (errorCode(err) !== DUPLICATE) throw err;
        ({ missing, toTag } = await reconcileWithLive(change, ctx, groupId, rules));
        if (missing.length > 0) await sendAuthorize(ctx, change, groupId, missing);
      }
    },
  });
  if (toTag.length > 0) await tagRules(change, ctx, toTag);
}

async function sendAuthorize(ctx: ApplyContext, change: IngressChange, groupId: string, rules: IngressRule[]): Promise<void> {
  await ctx.clients.ec2.send(
    guardAmbiguousRetries(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: rules.map(toIpPermission),
        TagSpecifications: [
          { ResourceType: 'security-group-rule', Tags: toKeyValueTags(ownershipTags(ctx, 'SecurityGroupIngress', change.name)) },
        ],
      }),
    ),
  );
}

/** Which of `rules` are live already (ids of those lacking our tags) and which are still missing. */
async function reconcileWithLive(
  change: IngressChange,
  ctx: ApplyContext,
  groupId: string,
  rules: IngressRule[],
): Promise<{ missing: IngressRule[]; toTag: string[] }> {
  const live = new Map<string, LiveIngressRule>();
  for (const r of await liveRules(ctx, groupId)) live.set(ingressRuleKey(r), r);
  const missing: IngressRule[] = [];
  const toTag: string[] = [];
  for (const rule of rules) {
    const found = live.get(ingressRuleKey(rule));
    if (found === undefined) missing.push(rule);
    else if (!isOurs(change, ctx, found)) toTag.push(found.ruleId);
  }
  return { missing, toTag };
}

async function tagRules(change: IngressChange, ctx: ApplyContext, ruleIds: string[]): Promise<void> {
  await performWrite(ctx, {
    change,
    verb: 'tag',
    subject: `security group rules ${ruleIds.join(', ')}`,
    service: 'ec2',
    operation: 'CreateTags',
    send: () =>
      ctx.clients.ec2.send(
        new CreateTagsCommand({ Resources: ruleIds, Tags: toKeyValueTags(ownershipTags(ctx, 'SecurityGroupIngress', change.name)) }),
      ),
  });
}

async function revoke(change: IngressChange, ctx: ApplyContext, groupId: string, rules: LiveIngressRule[]): Promise<void> {
  if (rules.length === 0) return;
  await performWrite(ctx, {
    change,
    verb: 'revoke',
    service: 'ec2',
    operation: 'RevokeSecurityGroupIngress',
    target: groupId,
    detail: `(${rules.map((r) => `${ingressRuleKey(r)} ${r.ruleId}`).join(', ')})`,
    send: async () => {
      const send = (ids: string[]) =>
        ctx.clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ids }));
      try {
        await send(rules.map((r) => r.ruleId));
      } catch (err) {
        // some were revoked already (an earlier attempt went through): revoke those still there
        if (!isNotFound(err)) throw err;
        const still = new Set((await liveRules(ctx, groupId)).map((r) => r.ruleId));
        const remaining = rules.map((r) => r.ruleId).filter((id) => still.has(id));
        if (remaining.length > 0) await send(remaining);
      }
    },
  });
}

/** The writes the security group ingress steps make; tests pass fakes. */
export interface SecurityGroupIngressAppliers {
  /** resolves to a note when revokes were held back by the prune guard */
  apply(change: IngressChange, ctx: ApplyContext): Promise<string | void>;
}

export const securityGroupIngressAppliers: SecurityGroupIngressAppliers = { apply: applySecurityGroupIngressChange };
