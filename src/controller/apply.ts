// applyPlan: execute a plan against AWS in dependency order. Policy `observe` and --dry-run never
// write; deletions pass the prune guard first; a failed write does not stop independent writes,
// but the steps that need what it would have made are skipped and reported. The phases of
// different AWS services run side by side, each service's bucket kept busy (apply-schedule.ts).
import { APPLY_ORDER, awsAppliers, reconcilerOf, RECONCILERS, type Appliers } from '../reconcilers/registry.js';
import type { ApplyContext, WriteRecord } from '../reconcilers/shared/apply-context.js';
import { catchUpApplyContext, MissingDependencyError } from '../reconcilers/shared/apply-context.js';
import { ApplyWriteError } from '../reconcilers/shared/apply-write.js';
import { changeKey, DELETE_STAGE, deletePhaseOf, phaseOf, type ApplyStep, type Phase } from '../reconcilers/shared/steps.js';
import type { AwsService } from '../aws/aws-service.js';
import type { Change, ChangeOf, Plan } from '../reconcilers/types.js';
import type { Kind } from '../spec/types.js';
import { LogEvent } from '../log/log-events.js';
import type { ApplyReport, ChangeOutcome, ChangeStatus } from './apply-report.js';
import { checkPruneGuard, DEFAULT_MAX_DELETES, deletionsIn, withDeletionsHeld } from './prune-guard.js';
import { runScheduled, type SchedulePlan } from './apply-schedule.js';

export const DEFAULT_CONCURRENCY = 4;

export type { Appliers } from '../reconcilers/registry.js';

/** Every phase in order: each kind's stages in registry order, then the deletes in reverse. */
export const PHASES: readonly Phase[] = [
  ...RECONCILERS.flatMap((r) => r.applyStages.map((stage) => phaseOf(r.kind, stage))),
  ...[...APPLY_ORDER].reverse().map((k) => deletePhaseOf(k)),
];

/** The AWS service each phase writes to: its kind's (a move made for another kind's phase writes that kind's API). */
const SERVICE_OF_PHASE: ReadonlyMap<Phase, AwsService> = new Map(
  RECONCILERS.flatMap((r) => [...r.applyStages, DELETE_STAGE].map((stage): [Phase, AwsService] => [phaseOf(r.kind, stage), r.service])),
);

function schedulePlan(limit: number): SchedulePlan {
  return { phases: PHASES, laneOf: (p) => SERVICE_OF_PHASE.get(p), isDelete: (p) => p.endsWith(`:${DELETE_STAGE}`), limit };
}

export interface ApplyOptions {
  dryRun?: boolean;
  /** --prune: deletions of our resources that left the files may run (subject to the guard) */
  prune?: boolean;
  /** --max-deletes (default 5) */
  maxDeletes?: number;
  /** steps in flight at once per AWS service (default 4; ECS, ELBv2 and EC2 run side by side) */
  concurrency?: number;
  /** resources in the desired state; default: the plan's changes that are not deletions */
  desiredResourceCount?: number;
  /** each kind's writes (tests pass fakes); default: the AWS ones */
  appliers?: Appliers;
}

interface StepResult {
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  operation?: string;
  note?: string;
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim();
}

/** Part of a cycle's plan: the changes and conflicts of these kinds; the final one holds every kind left. */
export interface PlanWave {
  kinds: readonly Kind[];
  plan: Plan;
  /**
   * the last wave: the prune guard is judged over every wave's deletions here. An earlier wave
   * must hold no deletion, delete or replace (see plan-waves.ts): those wait for the whole plan.
   */
  final: boolean;
}

export async function applyPlan(plan: Plan, baseCtx: ApplyContext, opts: ApplyOptions = {}): Promise<ApplyReport> {
  return applyWaves(oneWave(plan), () => baseCtx, opts);
}

async function* oneWave(plan: Plan): AsyncGenerator<PlanWave> {
  yield { kinds: APPLY_ORDER, plan, final: true };
}

/**
 * Apply a plan that comes in waves (the kinds whose reads are done first): each wave's steps join
 * the schedule as it comes, so one AWS service's writes run while another's reads go on.
 * `context` is asked once, when the first wave comes (the live state it reads is in by then).
 * A wave that throws (observe failed) lets the steps under way finish and is rethrown.
 */
export async function applyWaves(waves: AsyncIterable<PlanWave>, context: () => ApplyContext, opts: ApplyOptions = {}): Promise<ApplyReport> {
  const appliers = opts.appliers ?? awsAppliers;
  const writes: WriteRecord[] = [];
  let ctxOnce: ApplyContext | undefined;
  const ctxOf = (): ApplyContext => {
    if (ctxOnce !== undefined) return ctxOnce;
    const baseCtx = context();
    ctxOnce = {
      ...baseCtx,
      record: (w) => {
        writes.push(w);
        baseCtx.record(w);
      },
    };
    return ctxOnce;
  };
  const allChanges: Change[] = [];
  const allConflicts: Plan['conflicts'] = [];
  const pre = new Map<string, { status: ChangeStatus; reason: string }>();
  const steps: KindStep[] = [];
  let guard: ReturnType<typeof checkPruneGuard> | undefined;
  let deletionCount = 0;
  let deletions: Change[] = [];
  const conflictById = new Map<string, string>();

  // decisions made before any write of a wave: observe-only, conflicts, dry run, the prune guard
  const stepsOf = (wave: PlanWave): KindStep[] => {
    const ctx = ctxOf();
    if (wave.final) catchUpApplyContext(ctx);
    allChanges.push(...wave.plan.changes);
    allConflicts.push(...wave.plan.conflicts);
    const active = wave.plan.changes.filter((c) => c.action !== 'noop');
    for (const kind of APPLY_ORDER) if (wave.kinds.includes(kind)) prepareKind(kind, wave.plan.changes, ctx);
    for (const c of wave.plan.conflicts) conflictById.set(c.id, conflictById.has(c.id) ? `${conflictById.get(c.id)}; ${c.message}` : c.message);
    // the guard covers pruning and every deletion a kind counts (a revoked ingress rule is one);
    // deleting a leftover of an unfinished replace (cause rollout) is not pruning. Judged in the
    // final wave, over every wave (the earlier ones hold no deletion).
    let allowed = false;
    let reason = '';
    if (wave.final) {
      const everyActive = allChanges.filter((c) => c.action !== 'noop');
      deletions = everyActive.filter((c) => deletionsIn(c) > 0 && c.policy === 'enforce' && !conflictById.has(c.id));
      deletionCount = deletions.reduce((n, c) => n + deletionsIn(c), 0);
      guard = checkPruneGuard({
        prune: opts.prune ?? false,
        desiredLoaded: true,
        desiredResourceCount: opts.desiredResourceCount ?? allChanges.filter((c) => c.action !== 'delete').length,
        deletions: deletionCount,
        maxDeletes: opts.maxDeletes ?? DEFAULT_MAX_DELETES,
      });
      allowed = guard.allowed;
      reason = guard.allowed ? '' : guard.reason;
    }
    for (const c of active) {
      const key = changeKey(c);
      const conflict = conflictById.get(c.id);
      if (conflict !== undefined && c.action !== 'delete') pre.set(key, { status: 'failed', reason: conflict });
      else if (c.policy === 'observe') pre.set(key, { status: 'skipped', reason: 'policy observe: reported, never written' });
      else if (opts.dryRun === true) pre.set(key, { status: 'skipped', reason: 'dry run: not written' });
      else if (wave.final && !allowed && deletionsIn(c) > 0 && withDeletionsHeld(c, reason) === undefined) pre.set(key, { status: 'skipped', reason });
    }
    // a refused guard holds back the deletions an update carries; the rest of it still runs
    const executable = active
      .filter((c) => !pre.has(changeKey(c)))
      .map((c) => (wave.final && !allowed && deletionsIn(c) > 0 ? (withDeletionsHeld(c, reason) ?? c) : c));
    // pruning deletions only when the guard allowed them; leftovers of a replace always (prechecks protect)
    const runnable = executable.filter((c) => c.action !== 'delete' || allowed || c.cause !== 'prune');
    const made = APPLY_ORDER.filter((k) => wave.kinds.includes(k)).flatMap((kind) => kindSteps(kind, runnable, allChanges, allowed, ctx, appliers));
    steps.push(...made);
    return PHASES.flatMap((phase) => inPhase(made, phase));
  };

  const results = new Map<string, StepResult>();
  const unavailable = (need: string): string => {
    const r = results.get(need);
    if (r !== undefined) return `depends on ${need}, which ${r.status === 'failed' ? 'failed' : 'was skipped'}${r.reason ? `: ${r.reason}` : ''}`;
    const p = pre.get(need);
    return `depends on ${need}, which was not created${p ? ` (${p.reason})` : ''}`;
  };
  // shutdown (the clients' gate drained): steps under way finish, no new one starts
  let stoppedEarly = 0;
  const runStep = async (step: ApplyStep): Promise<void> => {
    const ctx = ctxOf();
    const stopping = ctx.clients.gate?.stopping;
    if (stopping !== undefined) {
      stoppedEarly += 1;
      results.set(step.key, { status: 'skipped', reason: `shutting down: not started (${stopping})` });
      if (stoppedEarly === 1) ctx.log.warn({ event: LogEvent.applySkipped, step: step.key, reason: stopping }, `shutting down (${stopping}): no new writes start; the ones under way finish`);
      return;
    }
    const missing = step.needs.find((n) => results.get(n)?.status !== 'ok');
    if (missing !== undefined) {
      results.set(step.key, { status: 'skipped', reason: unavailable(missing) });
      ctx.log.warn({ event: LogEvent.applySkipped, step: step.key }, `skipped ${step.key}: ${unavailable(missing)}`);
      return;
    }
    const blocked = step.precheck?.(ctx);
    if (blocked !== undefined) {
      results.set(step.key, { status: 'skipped', reason: blocked });
      ctx.log.warn({ event: LogEvent.applySkipped, step: step.key }, `skipped ${step.key}: ${blocked}`);
      return;
    }
    try {
      const note = await step.run(ctx, { notDone: (key) => results.has(key) && results.get(key)?.status !== 'ok' });
      results.set(step.key, typeof note === 'string' ? { status: 'ok', note } : { status: 'ok' });
    } catch (err) {
      if (err instanceof MissingDependencyError) {
        results.set(step.key, { status: 'skipped', reason: err.message });
        ctx.log.warn({ event: LogEvent.applySkipped, step: step.key }, `skipped ${step.key}: ${err.message}`);
      } else {
        const operation = err instanceof ApplyWriteError ? err.operation : undefined;
        results.set(step.key, { status: 'failed', reason: oneLine(err), ...(operation ? { operation } : {}) });
        if (!(err instanceof ApplyWriteError)) ctx.log.error({ event: LogEvent.applyFailed, step: step.key }, `failed ${step.key}: ${oneLine(err)}`);
      }
    }
  };
  async function* batches(): AsyncGenerator<KindStep[]> {
    for await (const wave of waves) yield stepsOf(wave);
  }
  const schedule = schedulePlan(opts.concurrency ?? DEFAULT_CONCURRENCY);
  if (opts.dryRun !== true) await runScheduled([], schedule, runStep, batches());
  else for await (const wave of waves) stepsOf(wave);

  const active = allChanges.filter((c) => c.action !== 'noop');
  const outcomes = active.map((c) => outcomeOf(c, pre.get(changeKey(c)), steps, results, writes));
  const unmatched = allConflicts.filter((c) => !active.some((a) => a.id === c.id));
  const refused = guard !== undefined && !guard.allowed && deletions.length > 0 && guard.code !== 'prune-off';
  return {
    dryRun: opts.dryRun === true,
    writes,
    outcomes,
    noops: allChanges.length - active.length,
    conflicts: unmatched,
    prune: {
      requested: opts.prune ?? false,
      deletions: deletionCount,
      ...(guard === undefined || guard.allowed ? {} : { refused: guard.reason }),
    },
    // an apply cut short by shutdown did not converge, although nothing failed
    ok: outcomes.every((o) => o.status !== 'failed') && unmatched.length === 0 && !refused && stoppedEarly === 0,
  };
}

function outcomeOf(
  c: Change,
  pre: { status: ChangeStatus; reason: string } | undefined,
  steps: ApplyStep[],
  results: Map<string, StepResult>,
  writes: WriteRecord[],
): ChangeOutcome {
  const key = changeKey(c);
  const count = writes.filter((w) => (w.changeKey ?? w.changeId) === key).length;
  const base = { id: c.id, kind: c.kind, name: c.name, action: c.action, cause: c.cause, writes: count };
  if (pre !== undefined) return { ...base, status: pre.status, reason: pre.reason };
  const mine = steps.filter((s) => s.changeIds.includes(changeKey(c))).map((s) => results.get(s.key)).filter((r): r is StepResult => r !== undefined);
  const failed = mine.find((r) => r.status === 'failed');
  if (failed !== undefined) return { ...base, status: 'failed', reason: failed.reason ?? 'failed', ...(failed.operation ? { operation: failed.operation } : {}) };
  const skipped = mine.find((r) => r.status === 'skipped');
  if (skipped !== undefined) return { ...base, status: 'skipped', reason: skipped.reason ?? 'skipped' };
  const notes = mine.flatMap((r) => (r.note === undefined ? [] : [r.note]));
  return { ...base, status: 'applied', ...(notes.length > 0 ? { notes } : {}) };
}

/** The changes of one kind (the union narrows by `kind`, which TypeScript cannot follow through K). */
function ofKind<K extends Kind>(kind: K, changes: readonly Change[]): ChangeOf<K>[] {
  return changes.filter((c) => c.kind === kind) as unknown as ChangeOf<K>[];
}

function prepareKind<K extends Kind>(kind: K, changes: readonly Change[], ctx: ApplyContext): void {
  reconcilerOf(kind).beforeApply?.(ofKind(kind, changes), ctx);
}

interface KindStep extends ApplyStep {
  /** the kind whose reconciler made the step */
  from: Kind;
}

function kindSteps<K extends Kind>(
  kind: K,
  executable: readonly Change[],
  all: Change[],
  allowDeletes: boolean,
  ctx: ApplyContext,
  appliers: Appliers,
): KindStep[] {
  const r = reconcilerOf(kind);
  const mine = ofKind(kind, executable);
  return r.steps({ executable: mine, all, allowDeletes }, ctx, appliers[kind], appliers).map((s) => ({ ...s, from: kind }));
}

/** A phase's steps: the phase's own kind's first, then those other kinds made for it (moves). */
function inPhase(steps: readonly KindStep[], phase: Phase): KindStep[] {
  const own = (s: KindStep): number => (phase.startsWith(`${s.from}:`) ? 0 : 1);
  return steps.filter((s) => s.phase === phase).sort((a, b) => own(a) - own(b));
}
