// The prune guard: the last check before the controller deletes anything that left the files.
// Deleting is refused, all or nothing, when the desired state it was planned from cannot be
// trusted to mean "these resources are no longer wanted".

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
