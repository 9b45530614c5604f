// Which live rule a declared ListenerRule stands for. Pure.
// 1. our resource tag `ListenerRule/<name>` on the declared listener;
// 2. else an exact match among rules that are not another resource's: same priority and same
//    conditions + action, then same conditions + action (at another priority: adopted and moved).
//    Rules tagged as ours for a name no longer declared (a rename) count as available; another
//    controller's never.
// 3. else, only for such a renamed rule of ours, the one at the declared priority (its content is
//    ours to change). An untagged rule at our priority with other content is never matched: it is
//    someone's hand-made rule, and the planner reports it as a conflict instead of rewriting it.
import type { DesiredOf, ListenerRuleSpec } from '../../spec/types.js';
import { desiredActionKey, liveActionKey } from '../shared/compare-actions.js';
import type { TargetGroupIndex } from '../shared/compare-actions.js';
import { authenticateKey, withoutAuthenticate } from '../shared/action-authenticate.js';
import type { PlanContext } from '../shared/plan-context.js';
import { nameFromResourceTag } from '../shared/plan-context.js';
import { isTaggedAs, ownershipOf } from '../shared/ownership.js';
import { findListener } from '../listener/plan.js';
import { canonicalJson } from '../../spec/spec-hash.js';
import { headerKey, queryKey } from '../../spec/rule-conditions.js';
import { TAG_RESOURCE } from '../types.js';
import type { LiveListener, LiveRule } from '../types.js';

type DesiredRule = DesiredOf<'ListenerRule'>;

export type ListenerResolution =
  | { status: 'found'; listener: LiveListener }
  /** not there yet, but a Listener document declares it: it is created before the rules */
  | { status: 'pending'; label: string }
  | { status: 'missing'; message: string };

export function listenerLabel(listener: LiveListener): string {
  return `${listener.loadBalancerName}:${listener.port}`;
}

export function resolveRuleListener(d: DesiredRule, ctx: PlanContext): ListenerResolution {
  const ref = d.spec.listener;
  const where = `${d.source.file}:${d.source.line}`;
  if ('arn' in ref) {
    const listener = ctx.live.listeners.find((l) => l.arn === ref.arn);
    if (listener !== undefined) return { status: 'found', listener };
    return { status: 'missing', message: `${d.id}: listener ${ref.arn} not found (${where}); fix spec.listener.arn` };
  }
  const label = `${ref.loadBalancer}:${ref.port}`;
  if (!ctx.live.loadBalancers.some((lb) => lb.name === ref.loadBalancer)) {
    return {
      status: 'missing',
      message: `${d.id}: load balancer "${ref.loadBalancer}" not found (${where}); create it or fix spec.listener.loadBalancer`,
    };
  }
  const listener = findListener(ctx.live.listeners, ref.loadBalancer, ref.port);
  if (listener !== undefined) return { status: 'found', listener };
  if (ctx.desired.listeners.some((l) => l.spec.loadBalancer === ref.loadBalancer && l.spec.port === ref.port)) {
    return { status: 'pending', label };
  }
  return {
    status: 'missing',
    message: `${d.id}: listener ${label} not found (${where}) and no Listener document declares it; declare it or fix spec.listener`,
  };
}

export interface ComparableConditions {
  pathPatterns: string[];
  hostHeaders: string[];
  httpRequestMethods: string[];
  sourceIps: string[];
  /** `name: v1,v2` per http-header condition */
  httpHeaders: string[];
  /** `key=value` (`=value` without a key) per query-string pair */
  queryStrings: string[];
}

/**
 * Host headers, http-header names and values and query-string pairs match case-insensitively in
 * ALB, so they compare lower-cased; every list compares as a set.
 */
export function comparableConditions(conditions: ListenerRuleSpec['conditions']): ComparableConditions {
  const set = (values: readonly string[]): string[] => [...new Set(values)].sort();
  return {
    pathPatterns: set(conditions.pathPatterns),
    hostHeaders: set(conditions.hostHeaders.map((h) => h.toLowerCase())),
    httpRequestMethods: set(conditions.httpRequestMethods),
    sourceIps: set(conditions.sourceIps),
    httpHeaders: set((conditions.httpHeaders ?? []).map((h) => headerKey({ name: h.name, values: set(h.values) }).toLowerCase())),
    queryStrings: set((conditions.queryStrings ?? []).map((q) => queryKey(q).toLowerCase())),
  };
}

function desiredContent(d: DesiredRule, index: TargetGroupIndex): string {
  return canonicalJson({ c: comparableConditions(d.spec.conditions), u: [], a: desiredActionKey(d.spec.action, index), auth: authenticateKey(d.spec.authenticate) });
}

function liveContent(r: LiveRule): string {
  return canonicalJson({ c: comparableConditions(r.conditions), u: r.unsupportedConditions ?? [], a: liveActionKey(withoutAuthenticate(r.action)), auth: authenticateKey(r.action.authenticate) });
}

/**
 * Matches every declared rule whose listener exists. Returns declared id -> live rule
 * (absent when the rule is to be created).
 */
export function matchRules(
  desired: readonly DesiredRule[],
  listeners: ReadonlyMap<string, LiveListener>,
  ctx: PlanContext,
): Map<string, LiveRule> {
  const declared = new Set(desired.map((d) => d.name));
  const claimed = new Set<string>();
  const result = new Map<string, LiveRule>();
  const byListener = new Map<string, LiveRule[]>();
  for (const r of ctx.live.rules) byListener.set(r.listenerArn, [...(byListener.get(r.listenerArn) ?? []), r]);
  const rulesOn = (d: DesiredRule): LiveRule[] => {
    const listener = listeners.get(d.id);
    return listener === undefined ? [] : (byListener.get(listener.arn) ?? []).filter((r) => !claimed.has(r.arn));
  };
  // content keys are compared for every (declared, live) pair of a listener: compute each once
  const liveKeys = new Map<LiveRule, string>();
  const desiredKeys = new Map<DesiredRule, string>();
  const liveKey = (r: LiveRule): string => {
    let key = liveKeys.get(r);
    if (key === undefined) liveKeys.set(r, (key = liveContent(r)));
    return key;
  };
  const desiredKey = (d: DesiredRule): string => {
    let key = desiredKeys.get(d);
    if (key === undefined) desiredKeys.set(d, (key = desiredContent(d, ctx.targetGroups)));
    return key;
  };
  const claim = (d: DesiredRule, r: LiveRule | undefined): void => {
    if (r === undefined) return;
    claimed.add(r.arn);
    result.set(d.id, r);
  };
  for (const d of desired) {
    const tagged = rulesOn(d).filter((r) => isTaggedAs(r.tags, ctx.ownerId, d.id));
    claim(d, tagged.find((r) => r.priority === d.spec.priority) ?? tagged[0]);
  }
  const available = (r: LiveRule): boolean => {
    const ownership = ownershipOf(r.tags, ctx.ownerId);
    if (ownership === 'unowned') return true;
    if (ownership === 'foreign') return false;
    const name = nameFromResourceTag('ListenerRule', r.tags[TAG_RESOURCE]);
    return name === undefined || !declared.has(name);
  };
  const passes: ((d: DesiredRule, r: LiveRule) => boolean)[] = [
    (d, r) => r.priority === d.spec.priority && liveKey(r) === desiredKey(d),
    (d, r) => liveKey(r) === desiredKey(d),
    // a rule of ours only (a rename): matching a hand-made rule by priority alone would rewrite it
    (d, r) => r.priority === d.spec.priority && ownershipOf(r.tags, ctx.ownerId) === 'ours',
  ];
  for (const pass of passes) {
    for (const d of desired) {
      if (result.has(d.id) || !listeners.has(d.id)) continue;
      claim(d, rulesOn(d).find((r) => available(r) && pass(d, r)));
    }
  }
  return result;
}
