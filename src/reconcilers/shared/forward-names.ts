// The declared target groups an action forwards to, by name (what a step needs created first).
import type { Action, ForwardAction, WeightedTargetGroup } from '../../spec/types.js';

/** The target groups of a forward with their weights (a single target group has weight 1). */
export function forwardGroups(action: ForwardAction): WeightedTargetGroup[] {
  return 'targetGroups' in action ? action.targetGroups : [{ targetGroup: action.targetGroup, weight: 1 }];
}

export function forwardName(action: Action): string[] {
  if (action.type !== 'forward') return [];
  return forwardGroups(action).flatMap((g) => ('name' in g.targetGroup ? [g.targetGroup.name] : []));
}
