// ListenerRule changes -> steps. First stage, per listener: the priority changes of its rules in
// one step (priorities.ts), also when a new rule needs a priority held by one of ours that is
// deleted later (parked first). Second stage: each rule's create or update, after the creates of
// its target group and listener. Deletes in the ListenerRule delete phase.
import type { ApplyContext } from '../shared/apply-context.js';
import { listenerKey } from '../shared/apply-context.js';
import { forwardName } from '../shared/forward-names.js';
import { deletePhaseOf, phaseOf, singleStep, targetGroupCreates, targetGroupIds, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { ChangeOf, LiveRule } from '../types.js';
import type { ListenerRuleAppliers } from './apply.js';
import type { PriorityMove } from './priorities.js';

export const PRIORITIES_STAGE = 'priorities';

type RuleChange = ChangeOf<'ListenerRule'>;

/** Listener ARN (or `new:lb:port` for one created in this apply) a rule change belongs to. */
function ruleListener(change: RuleChange, ctx: ApplyContext): string | undefined {
  if (change.live !== undefined) return change.live.listenerArn;
  const ref = change.desired?.spec.listener;
  if (ref === undefined) return undefined;
  if ('arn' in ref) return ref.arn;
  return ctx.listeners.get(listenerKey(ref.loadBalancer, ref.port)) ?? `new:${listenerKey(ref.loadBalancer, ref.port)}`;
}

function priorityLabels(ctx: ApplyContext, listenerArn: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const r of ctx.live.rules) {
    if (r.listenerArn !== listenerArn) continue;
    const res = r.tags['ecs-reconciler/resource'];
    labels.set(r.arn, res ?? `rule ${r.arn} (priority ${r.priority}, not managed by ecs-reconciler)`);
  }
  return labels;
}

export function listenerRuleSteps(input: StepInput<'ListenerRule'>, ctx: ApplyContext, appliers: ListenerRuleAppliers): ApplyStep[] {
  const steps: ApplyStep[] = [];
  const rules = input.executable.filter((c) => c.action !== 'delete');
  const deletes = input.executable.filter((c) => c.action === 'delete');
  type Group = { moves: PriorityMove[]; reserved: number[]; changeIds: string[]; creates: string[] };
  const groups = new Map<string, Group>();
  const group = (arn: string): Group => {
    let g = groups.get(arn);
    if (g === undefined) groups.set(arn, (g = { moves: [], reserved: [], changeIds: [], creates: [] }));
    return g;
  };
  for (const c of rules) {
    const listener = ruleListener(c, ctx);
    const desired = c.desired;
    if (listener === undefined || desired === undefined) continue;
    if (c.action === 'update' && c.live !== undefined && c.live.priority !== desired.spec.priority) {
      const g = group(listener);
      g.moves.push({ ruleArn: c.live.arn, changeId: c.id, name: c.name, to: desired.spec.priority });
      g.changeIds.push(c.id);
    }
    if (c.action === 'create') {
      const g = group(listener);
      g.reserved.push(desired.spec.priority);
      g.creates.push(c.id);
    }
  }
  const deletedRules = input.allowDeletes ? deletes.map((c) => c.live).filter((r): r is LiveRule => r !== undefined) : [];
  for (const [listenerArn, g] of groups) {
    if (listenerArn.startsWith('new:')) continue;
    const parkable = new Set(deletedRules.filter((r) => r.listenerArn === listenerArn).map((r) => r.arn));
    const blocked = ctx.live.rules.some((r) => r.listenerArn === listenerArn && parkable.has(r.arn) && g.reserved.includes(r.priority));
    if (g.moves.length === 0 && !blocked) continue;
    const labels = priorityLabels(ctx, listenerArn);
    steps.push({
      key: `priorities:${listenerArn}`,
      phase: phaseOf('ListenerRule', PRIORITIES_STAGE),
      changeIds: g.moves.length > 0 ? g.changeIds : g.creates,
      needs: [],
      run: (x) => appliers.priorities({ listenerArn, moves: g.moves, reserved: g.reserved, parkable, labels }, x),
    });
  }
  for (const c of rules) {
    const listener = ruleListener(c, ctx);
    const desired = c.desired;
    const forwards = desired === undefined ? [] : forwardName(desired.spec.action);
    const needs = targetGroupCreates(input.all, forwards);
    const ref = desired?.spec.listener;
    if (ref !== undefined && !('arn' in ref)) {
      const l = input.all.find(
        (x) => x.kind === 'Listener' && x.action === 'create' && x.desired?.spec.loadBalancer === ref.loadBalancer && x.desired.spec.port === ref.port,
      );
      if (l !== undefined) needs.push(l.id);
    }
    const priorityKey = `priorities:${listener ?? ''}`;
    steps.push(
      singleStep(c, phaseOf('ListenerRule'), (x, view) => appliers.apply(c, x, { tagSpecHash: !view.notDone(priorityKey) }), { needs, touches: targetGroupIds(forwards) }),
    );
  }
  for (const c of deletes) steps.push(singleStep(c, deletePhaseOf('ListenerRule'), (x) => appliers.apply(c, x, {})));
  return steps;
}
