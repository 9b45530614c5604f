// planAll: the whole plan, pure. Matches the declared target groups once (listeners, rules and
// services resolve `{ targetGroup: name }` through that match), runs every kind's plan, and
// returns the changes in apply order (the registry's), then every delete in reverse order.
// Conflicts block only their own resource.
import type { DesiredState, Kind } from '../spec/types.js';
import { APPLY_ORDER, RECONCILERS, reconcilerOf } from './registry.js';
import { TargetGroupIndex } from './shared/compare-actions.js';
import type { PlanContext, PlanOptions } from './shared/plan-context.js';
import { matchTargetGroups } from './target-group/match.js';
import type { LiveTargetGroup } from './target-group/types.js';
import type { Change, LiveState, Plan } from './types.js';

export type { PlanOptions } from './shared/plan-context.js';

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
  return planKinds(desired, live, opts, APPLY_ORDER);
}

/** The kinds whose live state a kind's plan reads: its own, the target groups', and what it declares (default: all). */
export function planInputsOf(kind: Kind): readonly Kind[] {
  const from = reconcilerOf(kind).plansFrom;
  if (from === undefined) return APPLY_ORDER;
  return [...new Set<Kind>(['TargetGroup', kind, ...from])];
}

/**
 * The plan of these kinds alone, pure: `live` needs only their planInputsOf (a cycle plans the
 * kinds whose reads are done while the others are still read). planAll is every kind at once;
 * the union of the parts is the same plan, in the same order (mergePlans).
 */
export function planKinds(desired: DesiredState, live: LiveState, opts: PlanOptions, kinds: readonly Kind[]): Plan {
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
    targetGroupMatches: matches,
  };
  const parts = RECONCILERS.filter((r) => kinds.includes(r.kind)).map((r) => r.plan(ctx));
  return {
    changes: orderChanges(parts.flatMap((p) => p.changes)),
    conflicts: parts.flatMap((p) => p.conflicts),
  };
}

/** Plans of disjoint sets of kinds as one (changes in apply order, conflicts in registry order). */
export function mergePlans(plans: readonly Plan[]): Plan {
  return { changes: orderChanges(plans.flatMap((p) => p.changes)), conflicts: plans.flatMap((p) => p.conflicts) };
}
