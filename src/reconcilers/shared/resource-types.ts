// The pieces every kind's live shapes and changes are built from: our tags, a live action, a
// field difference and the common part of a change. Pure data: no SDK values.
import type { Action, AuthenticateAction, DesiredOf, Kind, Policy } from '../../spec/types.js';

export const TAG_OWNER = 'ecs-reconciler/owner';
export const TAG_RESOURCE = 'ecs-reconciler/resource';
export const TAG_SPEC_HASH = 'ecs-reconciler/spec-hash';
/** on task definition revisions: hash of the normalised TaskDefinitionSpec */
export const TAG_CONTENT_HASH = 'ecs-reconciler/content-hash';

export type Tags = Record<string, string>;

/**
 * Live actions name target groups by ARN; plan maps ARNs back to declared names.
 * A ForwardConfig with several target groups is kept whole in `weighted` (targetGroupArn is then the
 * first of them) so that it differs from a single-target-group forward; enabled target group
 * stickiness is kept in `stickiness`. `preceding` lists action
 * types AWS runs before the terminal one (authenticate-oidc, ...): the spec cannot express them, so
 * any makes the live action differ from a desired one without them. The authenticate-oidc and
 * authenticate-cognito ones are also kept whole in `authenticate` (in Order, AWS defaults filled in,
 * never a client secret), which a ListenerRule's `actions` chain compares field by field.
 */
export type LiveAction = (
  | {
      type: 'forward';
      targetGroupArn: string;
      weighted?: { targetGroupArn: string; weight: number }[];
      /** target group stickiness, only when enabled */
      stickiness?: { enabled: true; durationSeconds: number };
    }
  | Exclude<Action, { type: 'forward' }>
) & { preceding?: string[]; authenticate?: AuthenticateAction[] };

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'noop';
/** drift: live changed behind our back; rollout: the desired state changed; adopt: first write to a found resource */
/** none: only on noop changes (nothing to do) */
export type ChangeCause = 'drift' | 'rollout' | 'adopt' | 'create' | 'prune' | 'none';

export interface FieldDiff {
  /** spec field path, e.g. `healthCheck.path`, `rules[tcp/80/cidr:10.2.0.0/24]` */
  path: string;
  live: unknown;
  desired: unknown;
}

/**
 * Conventions of the planner (src/reconcilers/plan.ts):
 * - `update` with `diffs: []` is a tag-only update: nothing differs but our ownership tags must be
 *   written (adoption of a matching resource, or a new spec hash AWS already matches); `reason`
 *   says which. It does not count as a change for `plan`'s exit code (see format-plan.ts).
 * - `delete` with cause `prune` removes a resource that left the files (only planned with prune);
 *   `delete` with cause `rollout` removes a stray copy of a resource that is still declared (the
 *   old target group of an unfinished replace, a rule left on its old listener, a duplicate).
 * - A resource with a conflict has no Change at all; Plan.conflicts explains why.
 * - A noop has cause `none`. Under `policy: observe` nothing is ever tagged, so a difference there
 *   is drift unless an older spec-hash tag says the files changed since it was last enforced.
 */
export interface ChangeBase<K extends Kind = Kind> {
  kind: K;
  name: string;
  /** `Kind/name` */
  id: string;
  action: ChangeAction;
  cause: ChangeCause;
  policy: Policy;
  diffs: FieldDiff[];
  /** ARN or id of the live resource, when there is one */
  liveId?: string;
  desiredHash?: string;
  /** why (replace: which immutable field; delete: tagged ours and not in files) */
  reason?: string;
  desired?: DesiredOf<K>;
}
