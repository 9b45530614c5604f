// A target group replace in steps: the new group is created in the target-group phase (by its
// applier, under replacementTargetGroupName); then every listener, rule and service of ours that
// forwards to the old group and has no update of its own in the plan is moved onto the new one;
// last, the old group is deleted once nothing forwards to it any more, if it is ours: a group
// adopted under the declared name without our owner tag is never deleted (left in place, noted in
// the report; the planner then matches the new group by our tag and ignores the old one).
import type { ListenerAppliers } from '../listener/apply.js';
import type { ListenerRuleAppliers } from '../listener-rule/apply.js';
import type { ServiceAppliers } from '../service/apply.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { forwardTargets, stillUsed } from '../shared/apply-context.js';
import { liveActionWithSwap } from '../shared/elb-actions.js';
import { isOwnedBy } from '../shared/ownership.js';
import type { AppliersByKind } from '../shared/reconciler.js';
import { deletePhaseOf, phaseOf, type ApplyStep, type StepInput } from '../shared/steps.js';
import type { Change, Tags } from '../types.js';
import { TAG_OWNER, TAG_RESOURCE } from '../types.js';
import type { TargetGroupAppliers } from './apply.js';

/** How the user of a replaced group gets moved: by its own update, by a move step, or not at all. */
function moveNeeded(all: Change[], arn: string, tags: Tags, ctx: ApplyContext, kind: Change['kind']): boolean {
  const own = all.find((c) => c.kind === kind && (c.liveId === arn || (c.live as { arn?: string } | undefined)?.arn === arn));
  if (own !== undefined) {
    if (own.policy === 'observe') return false; // never written; the old group's delete will say why
    return own.action === 'noop'; // an update rewrites the forward itself (the name resolves to the new ARN)
  }
  return isOwnedBy(tags, ctx.ownerId) && tags[TAG_RESOURCE] !== undefined;
}

function newArnOf(ctx: ApplyContext, name: string, oldArn: string): string {
  const arn = ctx.resolved.get(name);
  if (arn === undefined || arn === oldArn) throw new Error(`the replacement of TargetGroup/${name} was not created`);
  return arn;
}

/**
 * The moves are writes of other kinds (ModifyListener, ModifyRule, UpdateService): their appliers
 * come from `all`, each kind's own (fakes in tests), typed by the folder that defines them.
 */
export function buildReplaceSteps(
  input: StepInput<'TargetGroup'>,
  ctx: ApplyContext,
  appliers: TargetGroupAppliers,
  all: AppliersByKind,
): ApplyStep[] {
  const listeners = all.Listener as ListenerAppliers;
  const rules = all.ListenerRule as ListenerRuleAppliers;
  const services = all.Service as ServiceAppliers;
  const steps: ApplyStep[] = [];
  const replaces = input.executable.filter((c) => c.action === 'replace');
  for (const c of replaces) {
    const oldArn = c.live?.arn ?? c.liveId;
    if (oldArn === undefined) continue;
    const owner = { id: c.id, name: c.name };
    const base = { changeIds: [c.id], needs: [c.id], touches: [c.id] };
    for (const l of ctx.live.listeners) {
      if (!forwardTargets(l.defaultAction).includes(oldArn) || !moveNeeded(input.all, l.arn, l.tags, ctx, 'Listener')) continue;
      steps.push({
        ...base,
        key: `move:${l.arn}`,
        phase: phaseOf('Listener'),
        run: (x) => listeners.move(owner, x, l.arn, liveActionWithSwap(l.defaultAction, oldArn, newArnOf(x, c.name, oldArn))),
      });
    }
    for (const r of ctx.live.rules) {
      if (!forwardTargets(r.action).includes(oldArn) || !moveNeeded(input.all, r.arn, r.tags, ctx, 'ListenerRule')) continue;
      steps.push({
        ...base,
        key: `move:${r.arn}`,
        phase: phaseOf('ListenerRule'),
        run: (x) => rules.move(owner, x, r.arn, liveActionWithSwap(r.action, oldArn, newArnOf(x, c.name, oldArn))),
      });
    }
    for (const s of ctx.live.services) {
      if (!s.loadBalancers.some((lb) => lb.targetGroupArn === oldArn) || !moveNeeded(input.all, s.arn, s.tags, ctx, 'Service')) continue;
      steps.push({
        ...base,
        key: `move:${s.arn}`,
        phase: phaseOf('Service'),
        run: (x) => {
          const newArn = newArnOf(x, c.name, oldArn);
          const lbs = s.loadBalancers.map((lb) => ({ ...lb, targetGroupArn: lb.targetGroupArn === oldArn ? newArn : lb.targetGroupArn }));
          return services.move(owner, x, { arn: s.arn, clusterName: s.clusterName, name: s.name }, lbs);
        },
      });
    }
    const oldName = c.live?.name ?? c.name;
    if (c.live === undefined || !isOwnedBy(c.live.tags, ctx.ownerId)) {
      steps.push({ ...base, key: `${c.id}#keep-replaced`, phase: deletePhaseOf('TargetGroup'), run: (x) => keepReplaced(x, c, oldName, oldArn) });
      continue;
    }
    steps.push({
      ...base,
      key: `${c.id}#delete-replaced`,
      phase: deletePhaseOf('TargetGroup'),
      precheck: (x) => {
        const reason = stillUsed(x, oldArn);
        return reason === undefined ? undefined : `the replaced target group ${oldName} is ${reason}`;
      },
      run: (x) => appliers.delete(c, x, oldArn),
    });
  }
  return steps;
}

/** The note for an old group that is not ours: nothing is written, the report says why it stays. */
function keepReplaced(ctx: ApplyContext, c: StepInput<'TargetGroup'>['executable'][number], oldName: string, oldArn: string): Promise<string> {
  const users = ctx.forwards.usersOf(oldArn).map((u) => u.label);
  const note =
    `left target group ${oldName} (${oldArn}) in place: it has no ${TAG_OWNER} tag of ours (adopted under the declared name) ` +
    `and ecs-reconciler never deletes what it does not own; ${c.id} now lives on the new group. ` +
    (users.length === 0
      ? 'Nothing forwards to the old group any more: delete it by hand when you no longer need it.'
      : `The old group is still used by ${users.join(', ')}.`);
  ctx.log.info({ kind: 'TargetGroup', name: c.name, arn: oldArn }, note);
  return Promise.resolve(note);
}
