// Turns the executable changes of a plan into ordered steps: creates and updates in dependency
// order (target groups, listeners, rule priorities, rules, security groups, services), then the
// deletions in reverse order. Each step names the steps it needs (a rule forwarding to a target
// group created in this apply needs that create); the runner skips dependants of a failure.
import type { Change, ChangeOf, LiveRule } from '../reconcilers/types.js';
import type { Appliers } from './apply.js';
import type { ApplyContext } from './apply-context.js';
import { changeKey, listenerKey, stillUsed } from './apply-context.js';
import type { PriorityMove } from './apply-rule-priorities.js';
import { buildReplaceSteps } from './apply-replace-steps.js';

export const PHASES = [
  'target-groups',
  'listeners',
  'rule-priorities',
  'rules',
  'security-groups',
  'services',
  'delete-services',
  'delete-security-groups',
  'delete-rules',
  'delete-listeners',
  'delete-target-groups',
] as const;
export type Phase = (typeof PHASES)[number];

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
  /** a reason to skip, checked just before running (e.g. the target group is still in use) */
  precheck?: (ctx: ApplyContext) => string | undefined;
  /** a string it resolves to is a note for the report (what was deliberately left alone, and why) */
  run: (ctx: ApplyContext, view: StepView) => Promise<string | void>;
}

function tgNeeds(changes: Map<string, Change>, names: string[]): string[] {
  return names.map((n) => `TargetGroup/${n}`).filter((id) => changes.get(id)?.action === 'create');
}

function forwardName(action: { type: string; targetGroup?: { name: string } | { arn: string } }): string[] {
  return action.type === 'forward' && action.targetGroup !== undefined && 'name' in action.targetGroup ? [action.targetGroup.name] : [];
}

/** Listener ARN (or `new:lb:port` for one created in this apply) a rule change belongs to. */
function ruleListener(change: ChangeOf<'ListenerRule'>, ctx: ApplyContext): string | undefined {
  if (change.live !== undefined) return change.live.listenerArn;
  const ref = change.desired?.spec.listener;
  if (ref === undefined) return undefined;
  if ('arn' in ref) return ref.arn;
  return ctx.listeners.get(listenerKey(ref.loadBalancer, ref.port)) ?? `new:${listenerKey(ref.loadBalancer, ref.port)}`;
}

export interface BuildInput {
  /** changes to execute: policy enforce, no conflict, not noop */
  executable: Change[];
  /** every change of the plan, noops included (for moves onto replacement target groups) */
  all: Change[];
  /** deletions allowed by the prune guard */
  allowDeletes: boolean;
}

export function buildSteps(input: BuildInput, ctx: ApplyContext, appliers: Appliers): ApplyStep[] {
  // needs are looked up among all changes: a create that is not executed (observe, conflict) is unavailable
  const byId = new Map(input.all.filter((c) => c.action !== 'delete').map((c) => [c.id, c]));
  const steps: ApplyStep[] = [];
  const deletes = input.executable.filter((c) => c.action === 'delete');
  const writes = input.executable.filter((c) => c.action !== 'delete');

  for (const c of writes) {
    switch (c.kind) {
      case 'TargetGroup':
        steps.push({ key: c.id, phase: 'target-groups', changeIds: [c.id], needs: [], run: (x) => appliers.targetGroup(c, x) });
        break;
      case 'Listener': {
        const spec = c.desired?.spec;
        steps.push({
          key: c.id,
          phase: 'listeners',
          changeIds: [c.id],
          needs: spec === undefined ? [] : tgNeeds(byId, forwardName(spec.defaultAction)),
          run: (x) => appliers.listener(c, x),
        });
        break;
      }
      case 'SecurityGroupIngress':
        steps.push({ key: c.id, phase: 'security-groups', changeIds: [c.id], needs: [], run: (x) => appliers.securityGroupIngress(c, x) });
        break;
      case 'Service': {
        const names = (c.desired?.spec.loadBalancers ?? []).flatMap((lb) => ('name' in lb.targetGroup ? [lb.targetGroup.name] : []));
        steps.push({ key: c.id, phase: 'services', changeIds: [c.id], needs: tgNeeds(byId, names), run: (x) => appliers.service(c, x) });
        break;
      }
      case 'ListenerRule':
        break;
    }
  }
  steps.push(...ruleSteps(writes, deletes, byId, input.allowDeletes, ctx, appliers));
  steps.push(...buildReplaceSteps(input, ctx, appliers));

  {
    const phaseOf: Record<Change['kind'], Phase> = {
      Service: 'delete-services',
      SecurityGroupIngress: 'delete-security-groups',
      ListenerRule: 'delete-rules',
      Listener: 'delete-listeners',
      TargetGroup: 'delete-target-groups',
    };
    // pruning deletions only when the guard allowed them; leftovers of a replace always (precheck protects)
    for (const c of deletes.filter((d) => input.allowDeletes || d.cause !== 'prune')) {
      const step: ApplyStep = { key: changeKey(c), phase: phaseOf[c.kind], changeIds: [changeKey(c)], needs: [], run: () => Promise.resolve() };
      switch (c.kind) {
        case 'TargetGroup': {
          const arn = c.live?.arn ?? c.liveId ?? '';
          step.precheck = (x) => stillUsed(x, arn);
          step.run = (x) => appliers.deleteTargetGroup(c, x, arn);
          break;
        }
        case 'Listener':
          step.run = (x) => appliers.listener(c, x);
          break;
        case 'ListenerRule':
          step.run = (x) => appliers.listenerRule(c, x, {});
          break;
        case 'SecurityGroupIngress':
          step.run = (x) => appliers.securityGroupIngress(c, x);
          break;
        case 'Service':
          step.run = (x) => appliers.service(c, x);
          break;
      }
      steps.push(step);
    }
  }
  return steps;
}

function ruleSteps(
  writes: Change[],
  deletes: Change[],
  byId: Map<string, Change>,
  allowDeletes: boolean,
  ctx: ApplyContext,
  appliers: Appliers,
): ApplyStep[] {
  const steps: ApplyStep[] = [];
  const rules = writes.filter((c): c is ChangeOf<'ListenerRule'> => c.kind === 'ListenerRule');
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
  const deletedRules = allowDeletes
    ? deletes.filter((c): c is ChangeOf<'ListenerRule'> => c.kind === 'ListenerRule').map((c) => c.live).filter((r): r is LiveRule => r !== undefined)
    : [];
  for (const [listenerArn, g] of groups) {
    if (listenerArn.startsWith('new:')) continue;
    const parkable = new Set(deletedRules.filter((r) => r.listenerArn === listenerArn).map((r) => r.arn));
    const blocked = ctx.live.rules.some((r) => r.listenerArn === listenerArn && parkable.has(r.arn) && g.reserved.includes(r.priority));
    if (g.moves.length === 0 && !blocked) continue;
    const labels = new Map<string, string>();
    for (const r of ctx.live.rules) {
      if (r.listenerArn !== listenerArn) continue;
      const res = r.tags['ecs-reconciler/resource'];
      labels.set(r.arn, res ?? `rule ${r.arn} (priority ${r.priority}, not managed by ecs-reconciler)`);
    }
    steps.push({
      key: `priorities:${listenerArn}`,
      phase: 'rule-priorities',
      changeIds: g.moves.length > 0 ? g.changeIds : g.creates,
      needs: [],
      run: (x) => appliers.rulePriorities({ listenerArn, moves: g.moves, reserved: g.reserved, parkable, labels }, x),
    });
  }
  for (const c of rules) {
    const listener = ruleListener(c, ctx);
    const desired = c.desired;
    const needs = desired === undefined ? [] : tgNeeds(byId, forwardName(desired.spec.action));
    const ref = desired?.spec.listener;
    if (ref !== undefined && !('arn' in ref)) {
      const l = [...byId.values()].find(
        (x) => x.kind === 'Listener' && x.action === 'create' && x.desired?.spec.loadBalancer === ref.loadBalancer && x.desired.spec.port === ref.port,
      );
      if (l !== undefined) needs.push(l.id);
    }
    const priorityKey = `priorities:${listener ?? ''}`;
    steps.push({
      key: c.id,
      phase: 'rules',
      changeIds: [c.id],
      needs,
      run: (x, view) => appliers.listenerRule(c, x, { tagSpecHash: !view.notDone(priorityKey) }),
    });
  }
  return steps;
}
