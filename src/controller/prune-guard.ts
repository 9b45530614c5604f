// The prune guard: the last check before the controller deletes anything that left the files.
// Deleting is refused, all or nothing, when the desired state it was planned from cannot be
// trusted to mean "these resources are no longer wanted". What counts as a deletion is the
// kind's to say (a revoked ingress rule is one); the guard and --prune cover every one of them.
import type { Kind } from '../spec/types.js';
import { reconcilerOf } from '../reconcilers/registry.js';
import type { Change, ChangeOf } from '../reconcilers/types.js';

export const DEFAULT_MAX_DELETES = 5;

export interface PruneGuardInput {
  /** --prune given */
  prune: boolean;
  /** false when the desired state failed to load (invalid YAML, schema error, dangling reference) */
  desiredLoaded: boolean;
  /** resources in the desired state the plan was made from */
  desiredResourceCount: number;
  /** delete changes in the plan (policy observe excluded) */
  deletions: number;
  /** --max-deletes (default 5) */
  maxDeletes?: number;
}

export type PruneDecision =
  | { allowed: true }
  | { allowed: false; code: PruneRefusal; reason: string };

export type PruneRefusal = 'prune-off' | 'desired-invalid' | 'desired-empty' | 'too-many-deletes';

/** Decide whether the plan's deletions may run. Pure. */
export function checkPruneGuard(input: PruneGuardInput): PruneDecision {
  const max = input.maxDeletes ?? DEFAULT_MAX_DELETES;
  if (!input.prune) {
    return {
      allowed: false,
      code: 'prune-off',
      reason: 'pruning is off: resources that left the files are kept (pass --prune to delete them)',
    };
  }
  if (!input.desiredLoaded) {
    return {
      allowed: false,
      code: 'desired-invalid',
      reason:
        'prune refused: the desired state failed to load, so nothing is deleted; fix the errors above and apply again',
    };
  }
  if (input.desiredResourceCount === 0) {
    return {
      allowed: false,
      code: 'desired-empty',
      reason:
        'prune refused: the desired state is empty (0 resources), which would delete everything ecs-reconciler owns; ' +
        'check that the directory is the right one, or delete the resources by hand',
    };
  }
  if (input.deletions > max) {
    return {
      allowed: false,
      code: 'too-many-deletes',
      reason:
        `prune refused: this apply would delete ${input.deletions} resources, more than --max-deletes ${max}; ` +
        `review the plan, then raise --max-deletes to ${input.deletions} if this is intended`,
    };
  }
  return { allowed: true };
}

/** Deletions a change carries toward --max-deletes (its kind may count parts of an update). */
export function deletionsIn<K extends Kind>(change: ChangeOf<K>): number {
  const count = reconcilerOf(change.kind as K).deletionCount;
  if (count !== undefined) return count(change);
  return change.action === 'delete' && change.cause === 'prune' ? 1 : 0;
}

/**
 * What runs of a change that carries deletions the guard refused: the rest of the change (its
 * kind says how), or undefined when nothing is left to run (a delete, or a kind that cannot split).
 */
export function withDeletionsHeld<K extends Kind>(change: ChangeOf<K>, reason: string): Change | undefined {
  if (change.action === 'delete') return undefined;
  const split = reconcilerOf(change.kind as K).withoutDeletions;
  return split === undefined ? undefined : (split(change, reason) as unknown as Change);
}
