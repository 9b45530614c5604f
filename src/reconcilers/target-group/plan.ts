// Plan for TargetGroup resources. Pure: DesiredState + LiveState in, Changes out.
// Matched by AWS name, or by our resource tag (a replaced target group lives on under a derived
// name). protocol / protocolVersion / port / vpcId / targetType cannot change in place: replace.
import type { DesiredOf } from '../../spec/types.js';
import { diffDeclared, diffField, withoutIgnored } from '../shared/compare-values.js';
import { causeOf, decideUpdate, foreignOwnerMessage, ownershipOf } from '../shared/ownership.js';
import { nameFromResourceTag, pruneReason, resourceId } from '../shared/plan-context.js';
import type { Conflict, KindPlan, PlanContext } from '../shared/plan-context.js';
import { TAG_RESOURCE } from '../types.js';
import type { ChangeOf, FieldDiff } from '../types.js';
import type { TargetGroupMatch } from './match.js';
import type { LiveTargetGroup } from '../types.js';

type DesiredTargetGroup = DesiredOf<'TargetGroup'>;

export const TARGET_GROUP_IMMUTABLE_FIELDS = ['protocol', 'protocolVersion', 'port', 'vpcId', 'targetType'] as const;

/** Every field difference of a target group, immutable ones included, before `ignore`. */
export function diffTargetGroup(desired: DesiredTargetGroup, live: LiveTargetGroup): FieldDiff[] {
  const s = desired.spec;
  const diffs: FieldDiff[] = [];
  diffField(diffs, 'protocol', live.protocol, s.protocol);
  // compared only when declared: AWS reports HTTP1 for HTTP/HTTPS groups that never named one
  if (s.protocolVersion !== undefined) diffField(diffs, 'protocolVersion', live.protocolVersion ?? 'HTTP1', s.protocolVersion);
  diffField(diffs, 'port', live.port, s.port);
  diffField(diffs, 'vpcId', live.vpcId, s.vpcId);
  diffField(diffs, 'targetType', live.targetType, s.targetType);
  diffDeclared(diffs, 'healthCheck', live.healthCheck, { ...s.healthCheck });
  diffDeclared(diffs, 'attributes', live.attributes, s.attributes);
  diffDeclared(diffs, 'tags', live.tags, s.tags);
  return diffs;
}

function planOne(d: DesiredTargetGroup, match: TargetGroupMatch, ctx: PlanContext): { change?: ChangeOf<'TargetGroup'>; conflict?: Conflict } {
  const base = { kind: 'TargetGroup' as const, name: d.name, id: d.id, policy: d.policy, desiredHash: d.specHash, desired: d };
  if (match.live === undefined) {
    if (match.foreign !== undefined) {
      return { conflict: { id: d.id, message: foreignOwnerMessage(d.id, `target group ${d.name}`, match.foreign.tags) } };
    }
    return { change: { ...base, action: 'create', cause: 'create', diffs: [] } };
  }
  const live = match.live;
  const diffs = withoutIgnored(diffTargetGroup(d, live), d.ignore);
  const immutable = diffs.filter((f) => (TARGET_GROUP_IMMUTABLE_FIELDS as readonly string[]).includes(f.path));
  const common = { ...base, diffs, live, liveId: live.arn };
  if (immutable.length > 0) {
    const what = immutable.map((f) => f.path).join(', ');
    const old =
      ownershipOf(live.tags, ctx.ownerId) === 'ours'
        ? 'delete the old one'
        : `leave the old one (${live.name}, not tagged as ours) in place`;
    return {
      change: {
        ...common,
        action: 'replace',
        cause: causeOf(live.tags, d.specHash, d.policy),
        reason: `${what} cannot change in place: create a new target group, move rules and services to it, ${old}`,
      },
    };
  }
  const decision = decideUpdate({ diffs, tags: live.tags, ownerId: ctx.ownerId, id: d.id, desiredHash: d.specHash, policy: d.policy });
  return { change: { ...common, ...decision } };
}

export function planTargetGroups(ctx: PlanContext): KindPlan {
  const desired = ctx.desired.targetGroups;
  const matches = ctx.targetGroupMatches;
  const out: KindPlan = { changes: [], conflicts: [] };
  const accounted = new Set<string>();
  for (const d of desired) {
    const match = matches.get(d.name) ?? { leftovers: [] };
    const { change, conflict } = planOne(d, match, ctx);
    if (change !== undefined) out.changes.push(change);
    if (conflict !== undefined) out.conflicts.push(conflict);
    if (match.live !== undefined) accounted.add(match.live.arn);
    for (const old of match.leftovers) {
      accounted.add(old.arn);
      out.changes.push({
        kind: 'TargetGroup',
        name: d.name,
        id: d.id,
        action: 'delete',
        cause: 'rollout',
        policy: d.policy,
        diffs: [],
        live: old,
        liveId: old.arn,
        reason: `leftover of an unfinished replace of ${d.id} (${old.name}, tagged as ours): delete once no rule or service uses it`,
      });
    }
  }
  if (!ctx.prune) return out;
  const declared = new Set(desired.map((d) => d.name));
  for (const tg of ctx.live.targetGroups) {
    if (accounted.has(tg.arn) || ownershipOf(tg.tags, ctx.ownerId) !== 'ours') continue;
    const name = nameFromResourceTag('TargetGroup', tg.tags[TAG_RESOURCE]) ?? tg.name;
    if (declared.has(name)) continue;
    out.changes.push({
      kind: 'TargetGroup',
      name,
      id: resourceId('TargetGroup', name),
      action: 'delete',
      cause: 'prune',
      policy: 'enforce',
      diffs: [],
      live: tg,
      liveId: tg.arn,
      reason: pruneReason(ctx.ownerId),
    });
  }
  return out;
}
