// What every per-kind plan function reads besides its own desired resources. Pure data.
import type { DesiredState, Kind } from '../spec/types.js';
import type { TargetGroupIndex } from './compare-actions.js';
import type { Change, LiveState, Plan } from './types.js';

export interface PlanOptions {
  /** delete resources tagged as ours (this owner id) that are no longer in the files */
  prune: boolean;
  /** this controller's `ecs-reconciler/owner` tag value */
  ownerId: string;
}

export type Conflict = Plan['conflicts'][number];

export interface PlanContext extends PlanOptions {
  desired: DesiredState;
  live: LiveState;
  /** declared target group names -> matched live ARNs (for forward actions and service load balancers) */
  targetGroups: TargetGroupIndex;
}

export interface KindPlan {
  changes: Change[];
  conflicts: Conflict[];
}

/** `Kind/name` */
export function resourceId(kind: Kind, name: string): string {
  return `${kind}/${name}`;
}

/** The name in a `Kind/name` resource tag when it names this kind, else undefined. */
export function nameFromResourceTag(kind: Kind, tag: string | undefined): string | undefined {
  const prefix = `${kind}/`;
  return tag !== undefined && tag.startsWith(prefix) ? tag.slice(prefix.length) : undefined;
}

export function pruneReason(ownerId: string): string {
  return `tagged ecs-reconciler/owner=${ownerId} and no longer in the desired files`;
}
