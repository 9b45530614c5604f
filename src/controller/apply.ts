// applyPlan: execute a plan against AWS in dependency order. Policy `observe` and --dry-run never
// write; deletions pass the prune guard first; a failed write does not stop independent writes,
// but the steps that need what it would have made are skipped and reported.
import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancer as EcsLoadBalancer } from '@aws-sdk/client-ecs';
import { applyListenerChange, moveListenerDefaultAction } from '../reconcilers/listener-apply.js';
import { applyListenerRuleChange, moveRuleAction, type RuleApplyOptions } from '../reconcilers/listener-rule-apply.js';
import { applySecurityGroupIngressChange } from '../reconcilers/security-group-ingress-apply.js';
import { applyServiceChange, moveServiceLoadBalancers } from '../reconcilers/service-apply.js';
import { applyTargetGroupChange, deleteTargetGroup } from '../reconcilers/target-group-apply.js';
import type { Change, ChangeOf, Plan } from '../reconcilers/types.js';
import type { ApplyContext, WriteRecord } from './apply-context.js';
import { changeKey, MissingDependencyError } from './apply-context.js';
import type { ApplyReport, ChangeOutcome, ChangeStatus } from './apply-report.js';
import { applyRulePriorities, type ListenerPriorityWork } from './apply-rule-priorities.js';
import { buildSteps, PHASES, type ApplyStep } from './apply-steps.js';
import { ApplyWriteError } from './apply-write.js';
import { checkPruneGuard, DEFAULT_MAX_DELETES } from './prune-guard.js';

export const DEFAULT_CONCURRENCY = 4;

// The appliers the orchestration calls, as one replaceable set: the real ones write to AWS;
// unit tests of ordering, dependency skipping and the prune guard pass fakes.
type Owner = { id: string; name: string };

export interface Appliers {
  targetGroup(change: ChangeOf<'TargetGroup'>, ctx: ApplyContext): Promise<void>;
  /** delete one target group by ARN (pruned, or the old one of a replace) */
  deleteTargetGroup(change: ChangeOf<'TargetGroup'>, ctx: ApplyContext, arn: string): Promise<void>;
  listener(change: ChangeOf<'Listener'>, ctx: ApplyContext): Promise<void>;
  listenerRule(change: ChangeOf<'ListenerRule'>, ctx: ApplyContext, opts: RuleApplyOptions): Promise<void>;
  rulePriorities(work: ListenerPriorityWork, ctx: ApplyContext): Promise<void>;
  securityGroupIngress(change: ChangeOf<'SecurityGroupIngress'>, ctx: ApplyContext): Promise<void>;
  service(change: ChangeOf<'Service'>, ctx: ApplyContext): Promise<void>;
  moveListener(owner: Owner, ctx: ApplyContext, listenerArn: string, action: ElbAction): Promise<void>;
  moveRule(owner: Owner, ctx: ApplyContext, ruleArn: string, action: ElbAction): Promise<void>;
  moveService(
    owner: Owner,
    ctx: ApplyContext,
    service: { arn: string; clusterName: string; name: string },
    lbs: EcsLoadBalancer[],
  ): Promise<void>;
}

export const awsAppliers: Appliers = {
  targetGroup: applyTargetGroupChange,
  deleteTargetGroup,
  listener: applyListenerChange,
  listenerRule: applyListenerRuleChange,
  rulePriorities: applyRulePriorities,
  securityGroupIngress: applySecurityGroupIngressChange,
  service: applyServiceChange,
  moveListener: moveListenerDefaultAction,
  moveRule: moveRuleAction,
  moveService: moveServiceLoadBalancers,
};


export interface ApplyOptions {
  dryRun?: boolean;
  /** --prune: deletions of our resources that left the files may run (subject to the guard) */
  prune?: boolean;
  /** --max-deletes (default 5) */
  maxDeletes?: number;
  /** writes in flight at once within one phase (default 4) */
  concurrency?: number;
  /** resources in the desired state; default: the plan's changes that are not deletions */
  desiredResourceCount?: number;
  /** the appliers to call (tests pass fakes); default: the AWS ones */
  appliers?: Appliers;
}

interface StepResult {
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  operation?: string;
  note?: string;
}

async function runBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim();
}

export async function applyPlan(plan: Plan, baseCtx: ApplyContext, opts: ApplyOptions = {}): Promise<ApplyReport> {
  const appliers = opts.appliers ?? awsAppliers;
  const writes: WriteRecord[] = [];
  const ctx: ApplyContext = {
    ...baseCtx,
    record: (w) => {
      writes.push(w);
      baseCtx.record(w);
    },
  };
  const active = plan.changes.filter((c) => c.action !== 'noop');
  // the planner's choice of live target group is what `{ name }` references resolve to
  for (const c of plan.changes) {
    if (c.kind === 'TargetGroup' && c.action !== 'delete' && c.live !== undefined) ctx.resolved.set(c.name, c.live.arn);
  }
  const conflictById = new Map<string, string>();
  for (const c of plan.conflicts) conflictById.set(c.id, conflictById.has(c.id) ? `${conflictById.get(c.id)}; ${c.message}` : c.message);

  // decisions made before any write: observe-only, conflicts, dry run, the prune guard
  const pre = new Map<string, { status: ChangeStatus; reason: string }>();
  // the guard covers pruning; deleting a leftover of an unfinished replace (cause rollout) is not pruning
  const deletions = active.filter((c) => c.action === 'delete' && c.cause === 'prune' && c.policy === 'enforce' && !conflictById.has(c.id));
  const guard = checkPruneGuard({
    prune: opts.prune ?? false,
    desiredLoaded: true,
    desiredResourceCount: opts.desiredResourceCount ?? plan.changes.filter((c) => c.action !== 'delete').length,
    deletions: deletions.length,
    maxDeletes: opts.maxDeletes ?? DEFAULT_MAX_DELETES,
  });
  for (const c of active) {
    const key = changeKey(c);
    const conflict = conflictById.get(c.id);
    if (conflict !== undefined && c.action !== 'delete') pre.set(key, { status: 'failed', reason: conflict });
    else if (c.policy === 'observe') pre.set(key, { status: 'skipped', reason: 'policy observe: reported, never written' });
    else if (opts.dryRun === true) pre.set(key, { status: 'skipped', reason: 'dry run: not written' });
    else if (c.action === 'delete' && c.cause === 'prune' && !guard.allowed) pre.set(key, { status: 'skipped', reason: guard.reason });
  }
  const executable = active.filter((c) => !pre.has(changeKey(c)));
  const steps = buildSteps({ executable, all: plan.changes, allowDeletes: guard.allowed }, ctx, appliers);

  const results = new Map<string, StepResult>();
  const unavailable = (need: string): string => {
    const r = results.get(need);
    if (r !== undefined) return `depends on ${need}, which ${r.status === 'failed' ? 'failed' : 'was skipped'}${r.reason ? `: ${r.reason}` : ''}`;
    const p = pre.get(need);
    return `depends on ${need}, which was not created${p ? ` (${p.reason})` : ''}`;
  };
  const runStep = async (step: ApplyStep): Promise<void> => {
    const missing = step.needs.find((n) => results.get(n)?.status !== 'ok');
    if (missing !== undefined) {
      results.set(step.key, { status: 'skipped', reason: unavailable(missing) });
      ctx.log.warn({ step: step.key }, `skipped ${step.key}: ${unavailable(missing)}`);
      return;
    }
    const blocked = step.precheck?.(ctx);
    if (blocked !== undefined) {
      results.set(step.key, { status: 'skipped', reason: blocked });
      ctx.log.warn({ step: step.key }, `skipped ${step.key}: ${blocked}`);
      return;
    }
    try {
      const note = await step.run(ctx, { notDone: (key) => results.has(key) && results.get(key)?.status !== 'ok' });
      results.set(step.key, typeof note === 'string' ? { status: 'ok', note } : { status: 'ok' });
    } catch (err) {
      if (err instanceof MissingDependencyError) {
        results.set(step.key, { status: 'skipped', reason: err.message });
        ctx.log.warn({ step: step.key }, `skipped ${step.key}: ${err.message}`);
      } else {
        const operation = err instanceof ApplyWriteError ? err.operation : undefined;
        results.set(step.key, { status: 'failed', reason: oneLine(err), ...(operation ? { operation } : {}) });
        if (!(err instanceof ApplyWriteError)) ctx.log.error({ step: step.key }, `failed ${step.key}: ${oneLine(err)}`);
      }
    }
  };
  if (opts.dryRun !== true) {
    for (const phase of PHASES) {
      await runBounded(
        steps.filter((s) => s.phase === phase),
        opts.concurrency ?? DEFAULT_CONCURRENCY,
        runStep,
      );
    }
  }

  const outcomes = active.map((c) => outcomeOf(c, pre.get(changeKey(c)), steps, results, writes));
  const unmatched = plan.conflicts.filter((c) => !active.some((a) => a.id === c.id));
  const refused = !guard.allowed && deletions.length > 0 && guard.code !== 'prune-off';
  return {
    dryRun: opts.dryRun === true,
    writes,
    outcomes,
    noops: plan.changes.length - active.length,
    conflicts: unmatched,
    prune: {
      requested: opts.prune ?? false,
      deletions: deletions.length,
      ...(guard.allowed ? {} : { refused: guard.reason }),
    },
    ok: outcomes.every((o) => o.status !== 'failed') && unmatched.length === 0 && !refused,
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
