// What a kind's apply turns its changes into: steps, each in a phase, each naming the steps it
// needs and the declared resources it touches. The controller keeps the registry's phase order
// among the phases of one AWS service (each kind's stages, then the deletes in reverse, which
// wait for everything before them) and runs the phases of different AWS services side by side:
// they draw from different request buckets. Across services only what a step names orders it:
// `needs` (must have succeeded) and `touches` (an earlier-phase step of another service that
// touches the same resource finishes first). It skips what depends on a failure.
import type { Kind } from '../../spec/types.js';
import type { Change, ChangeOf } from '../types.js';
import type { ApplyContext } from './apply-context.js';

/** `Kind:stage`: a kind's stages run in the order it lists them; `Kind:delete` in reverse registry order. */
export type Phase = `${Kind}:${string}`;

export const WRITE_STAGE = 'write';
export const DELETE_STAGE = 'delete';

export function phaseOf(kind: Kind, stage: string = WRITE_STAGE): Phase {
  return `${kind}:${stage}`;
}

export function deletePhaseOf(kind: Kind): Phase {
  return phaseOf(kind, DELETE_STAGE);
}

export interface StepView {
  /** the step with this key ran and failed, or was skipped */
  notDone(key: string): boolean;
}

export interface ApplyStep {
  key: string;
  phase: Phase;
  /** the changes whose outcome this step is part of */
  changeIds: string[];
  /** keys of steps that must have succeeded first */
  needs: string[];
  /**
   * declared resources (`Kind/name`) this step writes or relies on being written: a step of an
   * earlier phase of another AWS service that touches one of them finishes before this one
   * starts (a service follows the rule that forwards to its target group: ECS refuses a target
   * group no load balancer forwards to). Phases of one service keep their order without it.
   */
  touches?: string[];
  /** a reason to skip, checked just before running (e.g. the target group is still in use) */
  precheck?: (ctx: ApplyContext) => string | undefined;
  /** a string it resolves to is a note for the report (what was deliberately left alone, and why) */
  run: (ctx: ApplyContext, view: StepView) => Promise<string | void>;
}

export interface StepInput<K extends Kind> {
  /** this kind's changes to execute: policy enforce, no conflict, not noop, deletes allowed by the guard */
  executable: ChangeOf<K>[];
  /** every change of the plan, every kind, noops included (for needs and moves) */
  all: Change[];
  /** deletions allowed by the prune guard */
  allowDeletes: boolean;
}

/** Unique per change: a delete may share its id with an update (the leftover of a replace). */
export function changeKey(c: { id: string; action?: string; liveId?: string }): string {
  return c.action === 'delete' ? `${c.id}#delete:${c.liveId ?? ''}` : c.id;
}

/** The step keys of the creates (in this plan) of the named target groups: what a forward needs. */
export function targetGroupCreates(all: readonly Change[], names: readonly string[]): string[] {
  const creates = new Set(all.filter((c) => c.kind === 'TargetGroup' && c.action === 'create').map((c) => c.id));
  return names.map((n) => `TargetGroup/${n}`).filter((id) => creates.has(id));
}

/** `TargetGroup/<name>` of each named target group: what a step forwarding to them touches. */
export function targetGroupIds(names: readonly string[]): string[] {
  return names.map((n) => `TargetGroup/${n}`);
}

/** One step per change: the common shape of a write (or delete) of one resource. */
export function singleStep(
  c: Change,
  phase: Phase,
  run: ApplyStep['run'],
  extra: Partial<Pick<ApplyStep, 'needs' | 'precheck' | 'touches'>> = {},
): ApplyStep {
  const key = changeKey(c);
  return {
    key,
    phase,
    changeIds: [key],
    needs: extra.needs ?? [],
    run,
    ...(extra.precheck ? { precheck: extra.precheck } : {}),
    ...(extra.touches !== undefined && extra.touches.length > 0 ? { touches: extra.touches } : {}),
  };
}
