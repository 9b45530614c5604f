// What every per-kind plan function reads besides its own desired resources. Pure data.
import type { DesiredState } from '../../spec/types.js';
import type { TargetGroupMatch } from '../target-group/match.js';
import type { Change, LiveState, Plan } from '../types.js';
import type { TargetGroupIndex } from './compare-actions.js';

export interface PlanOptions {
  /** delete resources tagged as ours (this owner id) that are no longer in the files */
  prune: boolean;
  /** this controller's `ecs-reconciler/owner` tag value */
  ownerId: string;
  /** deploy again what a failed rollout holds (`apply --retry-failed`, the daemon's POST /retry) */
  retryFailed?: boolean;
}

export type Conflict = Plan['conflicts'][number];

export interface PlanContext extends PlanOptions {
  desired: DesiredState;
  live: LiveState;
  /** declared target group names -> matched live ARNs (for forward actions and service load balancers) */
  targetGroups: TargetGroupIndex;
  /** declared target group name -> the live target group(s) it stands for (matched once, before planning) */
  targetGroupMatches: ReadonlyMap<string, TargetGroupMatch>;
}

export interface KindPlan {
  changes: Change[];
  conflicts: Conflict[];
}

export { nameFromResourceTag, pruneReason, resourceId } from './ownership.js';
