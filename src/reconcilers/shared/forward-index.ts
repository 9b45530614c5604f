// Who forwards to which target group. Starts from the live state and is updated by every write
// that changes a rule's action, a listener's default action or a service's load balancers. A
// target group is deleted only when no user is left here.
import type { LiveState } from '../types.js';
import { isOwnedBy } from './ownership.js';
import type { LiveAction, Tags } from './resource-types.js';
import { TAG_RESOURCE } from './resource-types.js';


export interface ForwardUser {
  /** ARN of the rule, listener or service */
  arn: string;
  /** for messages: `ListenerRule/users-api` when ours, else `rule arn:...` */
  label: string;
  /** carries our owner tag */
  managed: boolean;
  targetGroupArns: string[];
}

export function forwardTargets(action: LiveAction): string[] {
  if (action.type !== 'forward') return [];
  const arns = new Set<string>([action.targetGroupArn]);
  for (const w of action.weighted ?? []) arns.add(w.targetGroupArn);
  return [...arns];
}

function forwardLabel(kind: string, arn: string, tags: Tags, ownerId: string): { label: string; managed: boolean } {
  const managed = isOwnedBy(tags, ownerId);
  const res = tags[TAG_RESOURCE];
  return { label: managed && res !== undefined ? res : `${kind} ${arn} (not managed by ecs-reconciler)`, managed };
}

export class ForwardIndex {
  private readonly users = new Map<string, ForwardUser>();

  static fromLive(live: Partial<LiveState>, ownerId: string): ForwardIndex {
    const index = new ForwardIndex();
    index.addLive(live, ownerId);
    return index;
  }

  /** The users in `live` not held yet (a part of the live state read after the index was made: a cycle's later reads). */
  addLive(live: Partial<LiveState>, ownerId: string): void {
    const add = (user: ForwardUser): void => {
      if (!this.users.has(user.arn)) this.set(user);
    };
    for (const r of live.rules ?? []) add({ arn: r.arn, ...forwardLabel('rule', r.arn, r.tags, ownerId), targetGroupArns: forwardTargets(r.action) });
    for (const l of live.listeners ?? []) add({ arn: l.arn, ...forwardLabel('listener', l.arn, l.tags, ownerId), targetGroupArns: forwardTargets(l.defaultAction) });
    for (const s of live.services ?? []) add({ arn: s.arn, ...forwardLabel('service', s.arn, s.tags, ownerId), targetGroupArns: s.loadBalancers.map((lb) => lb.targetGroupArn) });
  }

  set(user: ForwardUser): void {
    this.users.set(user.arn, { ...user, targetGroupArns: [...new Set(user.targetGroupArns)] });
  }

  /** The user now forwards to these target groups (after a successful write). */
  update(arn: string, label: string, targetGroupArns: string[]): void {
    const prev = this.users.get(arn);
    this.set({ arn, label: prev?.label ?? label, managed: prev?.managed ?? true, targetGroupArns });
  }

  /** The user was deleted; a deleted listener takes its rules with it (pass their ARNs too). */
  remove(arn: string): void {
    this.users.delete(arn);
  }

  usersOf(targetGroupArn: string): ForwardUser[] {
    return [...this.users.values()].filter((u) => u.targetGroupArns.includes(targetGroupArn));
  }

  get(arn: string): ForwardUser | undefined {
    return this.users.get(arn);
  }
}

/** Why a target group cannot be deleted yet, or undefined when nothing forwards to it. */
export function stillUsed(ctx: { forwards: ForwardIndex }, targetGroupArn: string): string | undefined {
  const users = ctx.forwards.usersOf(targetGroupArn);
  if (users.length === 0) return undefined;
  const names = users.map((u) => u.label).join(', ');
  const unmanaged = users.some((u) => !u.managed);
  return `still in use by ${names}${unmanaged ? '; move or delete what is not managed by ecs-reconciler, then apply again' : ''}`;
}
