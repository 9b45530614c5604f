// Plan for ListenerRule resources. Pure. Matching: see match.ts.
// A desired priority held by a live rule that is not ours is a conflict naming both rules (never
// an overwrite); a missing load balancer or listener is a conflict too.
import type { DesiredOf, RuleConditions } from '../../spec/types.js';
import { desiredActionKey, liveActionKey, renderDesiredAction, renderLiveAction } from '../shared/compare-actions.js';
import type { TargetGroupIndex } from '../shared/compare-actions.js';
import { diffAuthenticate, withoutAuthenticate } from '../shared/action-authenticate.js';
import { nameFromResourceTag, pruneReason, resourceId } from '../shared/plan-context.js';
import type { KindPlan, PlanContext } from '../shared/plan-context.js';
import { decideUpdate, isTaggedAs, ownershipOf } from '../shared/ownership.js';
import { comparableConditions, listenerLabel, matchRules, resolveRuleListener } from './match.js';
import { diffField, diffSet, valuesEqual, withoutIgnored } from '../shared/compare-values.js';
import { TAG_OWNER, TAG_RESOURCE } from '../types.js';
import { headerKey, queryKey } from '../../spec/rule-conditions.js';
import type { ChangeOf, FieldDiff, LiveListener, LiveRule } from '../types.js';

type DesiredRule = DesiredOf<'ListenerRule'>;

/** Every field difference of a rule, before `ignore`. */
export function diffRule(desired: DesiredRule, live: LiveRule, index: TargetGroupIndex): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  diffField(diffs, 'priority', live.priority, desired.spec.priority);
  const want = comparableConditions(desired.spec.conditions);
  const have = comparableConditions(live.conditions);
  for (const key of ['pathPatterns', 'hostHeaders', 'httpRequestMethods', 'sourceIps', 'httpHeaders', 'queryStrings'] as const) {
    diffSet(diffs, `conditions.${key}`, have[key], want[key]);
  }
  if (live.unsupportedConditions !== undefined && live.unsupportedConditions.length > 0) {
    diffs.push({ path: 'conditions.unsupported', live: [...live.unsupportedConditions], desired: [] });
  }
  const terminal = withoutAuthenticate(live.action);
  if (!valuesEqual(liveActionKey(terminal), desiredActionKey(desired.spec.action, index))) {
    diffs.push({ path: 'action', live: renderLiveAction(terminal, index), desired: renderDesiredAction(desired.spec.action, index) });
  }
  diffAuthenticate(diffs, live.action.authenticate ?? [], desired.spec.authenticate ?? []);
  return diffs;
}

/** `host a.example path /x*,/y -> forward users-tg`: what a rule matches and does, every condition. */
function describeContent(c: RuleConditions, unsupported: readonly string[], action: string): string {
  const parts = [
    ...(c.hostHeaders.length > 0 ? [`host ${c.hostHeaders.join(',')}`] : []),
    ...(c.pathPatterns.length > 0 ? [`path ${c.pathPatterns.join(',')}`] : []),
    ...(c.httpRequestMethods.length > 0 ? [`method ${c.httpRequestMethods.join(',')}`] : []),
    ...(c.sourceIps.length > 0 ? [`source-ip ${c.sourceIps.join(',')}`] : []),
    ...(c.httpHeaders ?? []).map((h) => `header ${headerKey(h)}`),
    ...(c.queryStrings !== undefined && c.queryStrings.length > 0 ? [`query ${c.queryStrings.map(queryKey).join(',')}`] : []),
    ...unsupported,
  ];
  return `${parts.join(' ') || 'no conditions'} -> ${action}`;
}

function describeRule(r: LiveRule, index: TargetGroupIndex): string {
  const who = r.tags[TAG_RESOURCE] ?? (r.tags[TAG_OWNER] === undefined ? 'not managed by ecs-reconciler' : `owner ${r.tags[TAG_OWNER]}`);
  return `rule ${r.arn} (${who}; ${describeContent(r.conditions, r.unsupportedConditions ?? [], renderLiveAction(r.action, index))})`;
}

function describeDesired(d: DesiredRule, index: TargetGroupIndex): string {
  const chain = [...(d.spec.authenticate ?? []).map((a) => a.type), renderDesiredAction(d.spec.action, index)];
  return describeContent(d.spec.conditions, [], chain.join(' + '));
}

/** A conflict message when the desired priority is taken by a rule we may not move, else undefined. */
function priorityConflict(d: DesiredRule, listener: LiveListener, matched: LiveRule | undefined, ctx: PlanContext): string | undefined {
  if (matched !== undefined && matched.priority === d.spec.priority) return undefined;
  const holder = ctx.live.rules.find((r) => r.listenerArn === listener.arn && r.priority === d.spec.priority && r !== matched);
  if (holder === undefined) return undefined;
  const ownership = ownershipOf(holder.tags, ctx.ownerId);
  const where = `priority ${d.spec.priority} on listener ${listenerLabel(listener)}`;
  if (ownership !== 'ours') {
    // both sides, so whoever reads it can tell which rule is meant to serve the priority
    return `${d.id}: ${where} is held by ${describeRule(holder, ctx.targetGroups)}; declared: ${describeDesired(d, ctx.targetGroups)}; that rule is not ours and is never rewritten: choose another priority, or delete or move that rule`;
  }
  const holderName = nameFromResourceTag('ListenerRule', holder.tags[TAG_RESOURCE]);
  const holderDeclared = holderName !== undefined && ctx.desired.listenerRules.some((r) => r.name === holderName);
  if (!holderDeclared && !ctx.prune) {
    return `${d.id}: ${where} is held by ${describeRule(holder, ctx.targetGroups)}, which is no longer declared; apply with --prune to delete it, or choose another priority`;
  }
  return undefined;
}

/**
 * Rules tagged as ours for a declared rule that did not match it: a copy left on the old listener
 * after spec.listener changed, or a duplicate from a create whose reply was lost. They are deleted
 * (with or without prune: the resource is still declared) once the declared rule has a change to
 * stand in for them; a declared rule blocked by a conflict keeps its old copy serving traffic.
 */
function strayCopies(planned: KindPlan, claimed: ReadonlySet<string>, ctx: PlanContext): ChangeOf<'ListenerRule'>[] {
  const out: ChangeOf<'ListenerRule'>[] = [];
  const unclaimedOurs = new Map<string, LiveRule[]>();
  for (const r of ctx.live.rules) {
    const tag = r.tags[TAG_RESOURCE];
    if (tag === undefined || claimed.has(r.arn) || !isTaggedAs(r.tags, ctx.ownerId, tag)) continue;
    unclaimedOurs.set(tag, [...(unclaimedOurs.get(tag) ?? []), r]);
  }
  for (const c of planned.changes) {
    if (c.kind !== 'ListenerRule' || c.desired === undefined) continue;
    for (const r of unclaimedOurs.get(c.id) ?? []) {
      const where = ctx.live.listeners.find((l) => l.arn === r.listenerArn);
      out.push({
        kind: 'ListenerRule',
        name: c.name,
        id: c.id,
        action: 'delete',
        cause: 'rollout',
        policy: c.policy,
        diffs: [],
        live: r,
        liveId: r.arn,
        reason: `another rule tagged as ${c.id} (priority ${r.priority} on listener ${where === undefined ? r.listenerArn : listenerLabel(where)}): delete once the declared rule is in place`,
      });
    }
  }
  return out;
}

export function planListenerRules(ctx: PlanContext): KindPlan {
  const desired = ctx.desired.listenerRules;
  const out: KindPlan = { changes: [], conflicts: [] };
  const listeners = new Map<string, LiveListener>();
  const runnable: DesiredRule[] = [];
  for (const d of desired) {
    const resolved = resolveRuleListener(d, ctx);
    if (resolved.status === 'missing') out.conflicts.push({ id: d.id, message: resolved.message });
    else {
      if (resolved.status === 'found') listeners.set(d.id, resolved.listener);
      runnable.push(d);
    }
  }
  const matches = matchRules(runnable, listeners, ctx);
  for (const d of runnable) {
    const base = { kind: 'ListenerRule' as const, name: d.name, id: d.id, policy: d.policy, desiredHash: d.specHash, desired: d };
    const listener = listeners.get(d.id);
    const live = matches.get(d.id);
    if (listener !== undefined) {
      const conflict = priorityConflict(d, listener, live, ctx);
      if (conflict !== undefined) {
        out.conflicts.push({ id: d.id, message: conflict });
        continue;
      }
    }
    if (live === undefined) {
      out.changes.push({ ...base, action: 'create', cause: 'create', diffs: [] });
      continue;
    }
    const diffs = withoutIgnored(diffRule(d, live, ctx.targetGroups), d.ignore);
    const decision = decideUpdate({ diffs, tags: live.tags, ownerId: ctx.ownerId, id: d.id, desiredHash: d.specHash, policy: d.policy });
    out.changes.push({ ...base, ...decision, diffs, live, liveId: live.arn });
  }
  const claimed = new Set([...matches.values()].map((r) => r.arn));
  out.changes.push(...strayCopies(out, claimed, ctx));
  if (!ctx.prune) return out;
  const declared = new Set(desired.map((d) => d.name));
  for (const r of ctx.live.rules) {
    if (claimed.has(r.arn) || ownershipOf(r.tags, ctx.ownerId) !== 'ours') continue;
    const name = nameFromResourceTag('ListenerRule', r.tags[TAG_RESOURCE]);
    if (name === undefined || declared.has(name)) continue;
    out.changes.push({
      kind: 'ListenerRule',
      name,
      id: resourceId('ListenerRule', name),
      action: 'delete',
      cause: 'prune',
      policy: 'enforce',
      diffs: [],
      live: r,
      liveId: r.arn,
      reason: pruneReason(ctx.ownerId),
    });
  }
  return out;
}
