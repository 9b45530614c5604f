// planAll: the whole plan, pure. Matches desired to live per kind and returns typed changes in
// apply order: target groups, listeners, rules, SG ingress, services; then every delete in
// reverse order (services first, target groups last). Conflicts block only their own resource.
import type { DesiredState } from '../spec/types.js';
import { TargetGroupIndex } from './compare-actions.js';
import type { KindPlan, PlanContext, PlanOptions } from './compare-context.js';
import { planListenerRules } from './listener-rule.js';
import { planListeners } from './listener.js';
import { planSecurityGroupIngress } from './security-group-ingress.js';
import { planServices } from './service.js';
import { matchTargetGroups, planTargetGroups } from './target-group.js';
import type { Change, LiveState, LiveTargetGroup, Plan } from './types.js';

export type { PlanOptions } from './compare-context.js';

const APPLY_ORDER = ['TargetGroup', 'Listener', 'ListenerRule', 'SecurityGroupIngress', 'Service'] as const;

function orderChanges(changes: readonly Change[]): Change[] {
  const rank = (c: Change): number => APPLY_ORDER.indexOf(c.kind);
  const writes = changes.filter((c) => c.action !== 'delete');
  const deletes = changes.filter((c) => c.action === 'delete');
  // Array.prototype.sort is stable: within a kind the per-kind planner's order is kept
  writes.sort((a, b) => rank(a) - rank(b));
  deletes.sort((a, b) => rank(b) - rank(a));
  return [...writes, ...deletes];
}

export function planAll(desired: DesiredState, live: LiveState, opts: PlanOptions): Plan {
  const matches = matchTargetGroups(desired.targetGroups, live.targetGroups, opts.ownerId);
  const matched = new Map<string, LiveTargetGroup | undefined>();
  const leftovers: LiveTargetGroup[] = [];
  for (const [name, m] of matches) {
    matched.set(name, m.live);
    leftovers.push(...m.leftovers);
  }
  const ctx: PlanContext = {
    ...opts,
    desired,
    live,
    targetGroups: new TargetGroupIndex(matched, live.targetGroups, leftovers),
  };
  const parts: KindPlan[] = [
    planTargetGroups(desired.targetGroups, matches, ctx),
    planListeners(desired.listeners, ctx),
    planListenerRules(desired.listenerRules, ctx),
    planSecurityGroupIngress(desired.securityGroupIngress, ctx),
    planServices(desired.services, ctx),
  ];
  return {
    changes: orderChanges(parts.flatMap((p) => p.changes)),
    conflicts: parts.flatMap((p) => p.conflicts),
  };
}
