// A target group replace in steps: the new group is created in the target-group phase (by its
// applier, under replacementTargetGroupName); then every listener, rule and service of ours that
// forwards to the old group and has no update of its own in the plan is moved onto the new one;
// last, the old group is deleted once nothing forwards to it any more, if it is ours: a group
// adopted under the declared name without our owner tag is never deleted (left in place, noted in
// the report; the planner then matches the new group by our tag and ignores the old one).
import type { Change, ChangeOf, Tags } from '../reconcilers/types.js';
import { TAG_OWNER, TAG_RESOURCE } from '../reconcilers/types.js';
import type { Appliers } from './apply.js';
import type { ApplyContext } from './apply-context.js';
import { forwardTargets, stillUsed } from './apply-context.js';
import { liveActionWithSwap } from './apply-elb-shapes.js';
import type { ApplyStep, BuildInput } from './apply-steps.js';

/** How the user of a replaced group gets moved: by its own update, by a move step, or not at all. */
function moveNeeded(all: Change[], arn: string, tags: Tags, ctx: ApplyContext, kind: Change['kind']): boolean {
  const own = all.find((c) => c.kind === kind && (c.liveId === arn || (c.live as { arn?: string } | undefined)?.arn === arn));
  if (own !== undefined) {
    if (own.policy === 'observe') return false; // never written; the old group's delete will say why
    return own.action === 'noop'; // an update rewrites the forward itself (the name resolves to the new ARN)
  }
  return tags[TAG_OWNER] === ctx.ownerId && tags[TAG_RESOURCE] !== undefined;
}

function newArnOf(ctx: ApplyContext, name: string, oldArn: string): string {
  const arn = ctx.resolved.get(name);
  if (arn === undefined || arn === oldArn) throw new Error(`the replacement of TargetGroup/${name} was not created`);
  return arn;
}

export function buildReplaceSteps(input: BuildInput, ctx: ApplyContext, appliers: Appliers): ApplyStep[] {
  const steps: ApplyStep[] = [];
  const replaces = input.executable.filter((c): c is ChangeOf<'TargetGroup'> => c.kind === 'TargetGroup' && c.action === 'replace');
  for (const c of replaces) {
    const oldArn = c.live?.arn ?? c.liveId;
    if (oldArn === undefined) continue;
    const owner = { id: c.id, name: c.name };
    const base = { changeIds: [c.id], needs: [c.id] };
    for (const l of ctx.live.listeners) {
      if (!forwardTargets(l.defaultAction).includes(oldArn) || !moveNeeded(input.all, l.arn, l.tags, ctx, 'Listener')) continue;
      steps.push({
        ...base,
        key: `move:${l.arn}`,
        phase: 'listeners',
        run: (x) => appliers.moveListener(owner, x, l.arn, liveActionWithSwap(l.defaultAction, oldArn, newArnOf(x, c.name, oldArn))),
      });
    }
    for (const r of ctx.live.rules) {
      if (!forwardTargets(r.action).includes(oldArn) || !moveNeeded(input.all, r.arn, r.tags, ctx, 'ListenerRule')) continue;
      steps.push({
        ...base,
        key: `move:${r.arn}`,
        phase: 'rules',
        run: (x) => appliers.moveRule(owner, x, r.arn, liveActionWithSwap(r.action, oldArn, newArnOf(x, c.name, oldArn))),
      });
    }
    for (const s of ctx.live.services) {
      if (!s.loadBalancers.some((lb) => lb.targetGroupArn === oldArn) || !moveNeeded(input.all, s.arn, s.tags, ctx, 'Service')) continue;
      steps.push({
        ...base,
        key: `move:${s.arn}`,
        phase: 'services',
        run: (x) => {
          const newArn = newArnOf(x, c.name, oldArn);
          const lbs = s.loadBalancers.map((lb) => ({ ...lb, targetGroupArn: lb.targetGroupArn === oldArn ? newArn : lb.targetGroupArn }));
          return appliers.moveService(owner, x, { arn: s.arn, clusterName: s.clusterName, name: s.name }, lbs);
        },
      });
    }
    const oldName = c.live?.name ?? c.name;
    if (c.live === undefined || c.live.tags[TAG_OWNER] !== ctx.ownerId) {
      steps.push({ ...base, key: `${c.id}#keep-replaced`, phase: 'delete-target-groups', run: (x) => keepReplaced(x, c, oldName, oldArn) });
      continue;
    }
    steps.push({
      ...base,
      key: `${c.id}#delete-replaced`,
      phase: 'delete-target-groups',
      precheck: (x) => {
        const reason = stillUsed(x, oldArn);
        return reason === undefined ? undefined : `the replaced target group ${oldName} is ${reason}`;
      },
      run: (x) => appliers.deleteTargetGroup(c, x, oldArn),
    });
  }
  return steps;
}

/** The note for an old group that is not ours: nothing is written, the report says why it stays. */
function keepReplaced(ctx: ApplyContext, c: ChangeOf<'TargetGroup'>, oldName: string, oldArn: string): Promise<string> {
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
