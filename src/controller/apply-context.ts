// What every applier gets: the AWS clients, who we are, where writes are logged and recorded,
// and the name -> ARN maps that fill in as resources are created during one apply.
import type { AwsClients } from '../aws/clients.js';
import type { Kind } from '../spec/types.js';
import type { LiveAction, LiveState, Tags } from '../reconcilers/types.js';
import { TAG_OWNER, TAG_RESOURCE } from '../reconcilers/types.js';
import type { WriteRetryOptions } from './write-retry.js';

/** pino-compatible: `log.info({ kind, name, arn }, 'created target group users-tg arn:...')` */
export interface ApplyLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Unique per change: a delete may share its id with an update (the leftover of a replace). */
export function changeKey(c: { id: string; action?: string; liveId?: string }): string {
  return c.action === 'delete' ? `${c.id}#delete:${c.liveId ?? ''}` : c.id;
}

/** One AWS write that succeeded. */
export interface WriteRecord {
  /** `Kind/name` of the change it belongs to */
  changeId: string;
  /** changeKey() of that change (differs from changeId only for deletes) */
  changeKey?: string;
  kind: Kind;
  name: string;
  /** the AWS API operation, e.g. `CreateTargetGroup` */
  operation: string;
  /** the ARN / id written or created, when known */
  target?: string;
  /** attempts the write took (this module's retries, not the SDK's) */
  attempts: number;
}

export interface ApplyContext {
  clients: AwsClients;
  ownerId: string;
  log: ApplyLog;
  record(write: WriteRecord): void;
  /** declared TargetGroup name -> ARN; filled from live state, updated as groups are created or replaced */
  resolved: Map<string, string>;
  /** `loadBalancerName:port` -> listener ARN; filled from live state, updated as listeners are created */
  listeners: Map<string, string>;
  /** what observe() read before this apply */
  live: LiveState;
  /** who forwards to which target group, kept current as rules, listeners and services are written */
  forwards: ForwardIndex;
  retry?: WriteRetryOptions;
}

export interface ApplyContextInput {
  clients: AwsClients;
  ownerId: string;
  log: ApplyLog;
  live: LiveState;
  record?: (write: WriteRecord) => void;
  retry?: WriteRetryOptions;
}

export function listenerKey(loadBalancer: string, port: number): string {
  return `${loadBalancer}:${port}`;
}

/** Build the context for one apply: maps pre-filled from the live state. */
export function createApplyContext(input: ApplyContextInput): ApplyContext {
  const resolved = new Map<string, string>();
  for (const tg of input.live.targetGroups) {
    if (!resolved.has(tg.name)) resolved.set(tg.name, tg.arn);
  }
  // a replacement target group carries the declared name in its resource tag; it wins over the old one
  for (const tg of input.live.targetGroups) {
    const declared = declaredNameOf(tg.tags, 'TargetGroup', input.ownerId);
    if (declared !== undefined && declared !== tg.name) resolved.set(declared, tg.arn);
  }
  const listeners = new Map<string, string>();
  for (const l of input.live.listeners) listeners.set(listenerKey(l.loadBalancerName, l.port), l.arn);
  return {
    clients: input.clients,
    ownerId: input.ownerId,
    log: input.log,
    record: input.record ?? (() => undefined),
    resolved,
    listeners,
    live: input.live,
    forwards: ForwardIndex.fromLive(input.live, input.ownerId),
    ...(input.retry === undefined ? {} : { retry: input.retry }),
  };
}

/** The declared name in our resource tag (`Kind/name`), when the resource is ours. */
export function declaredNameOf(tags: Tags, kind: Kind, ownerId: string): string | undefined {
  if (tags[TAG_OWNER] !== ownerId) return undefined;
  const res = tags[TAG_RESOURCE];
  const prefix = `${kind}/`;
  return res !== undefined && res.startsWith(prefix) ? res.slice(prefix.length) : undefined;
}

/** A resource this change needs does not exist (its create failed or was not made). */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError';
  constructor(
    readonly dependency: string,
    message: string,
  ) {
    super(message);
  }
}

/** ARN of a declared target group: created in this apply, or found live (by name or our tag). */
export function resolveTargetGroupArn(ctx: ApplyContext, name: string, neededBy: string): string {
  const arn = ctx.resolved.get(name);
  if (arn !== undefined) return arn;
  throw new MissingDependencyError(
    `TargetGroup/${name}`,
    `${neededBy} forwards to TargetGroup/${name}, which does not exist in AWS (not created yet)`,
  );
}

/** ARN of a listener named by load balancer + port or by ARN. */
export function resolveListenerArn(
  ctx: ApplyContext,
  ref: { loadBalancer: string; port: number } | { arn: string },
  neededBy: string,
): string {
  if ('arn' in ref) return ref.arn;
  const arn = ctx.listeners.get(listenerKey(ref.loadBalancer, ref.port));
  if (arn !== undefined) return arn;
  throw new MissingDependencyError(
    `Listener:${listenerKey(ref.loadBalancer, ref.port)}`,
    `${neededBy} belongs to the listener on port ${ref.port} of load balancer ${ref.loadBalancer}, which does not exist in AWS`,
  );
}

/** Ownership tags every created or adopted resource carries. */
export function ownershipTags(ctx: ApplyContext, kind: Kind, name: string): Tags {
  return { [TAG_OWNER]: ctx.ownerId, [TAG_RESOURCE]: `${kind}/${name}` };
}

export function toKeyValueTags(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function toEcsTags(tags: Tags): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

// ---------- who forwards to which target group ----------
// Starts from the live state and is updated by every write that changes a rule's action, a
// listener's default action or a service's load balancers. A target group is deleted only when
// no user is left here.

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
  const managed = tags[TAG_OWNER] === ownerId;
  const res = tags[TAG_RESOURCE];
  return { label: managed && res !== undefined ? res : `${kind} ${arn} (not managed by ecs-reconciler)`, managed };
}

export class ForwardIndex {
  private readonly users = new Map<string, ForwardUser>();

  static fromLive(live: LiveState, ownerId: string): ForwardIndex {
    const index = new ForwardIndex();
    for (const r of live.rules) {
      index.set({ arn: r.arn, ...forwardLabel('rule', r.arn, r.tags, ownerId), targetGroupArns: forwardTargets(r.action) });
    }
    for (const l of live.listeners) {
      index.set({
        arn: l.arn,
        ...forwardLabel('listener', l.arn, l.tags, ownerId),
        targetGroupArns: forwardTargets(l.defaultAction),
      });
    }
    for (const s of live.services) {
      index.set({
        arn: s.arn,
        ...forwardLabel('service', s.arn, s.tags, ownerId),
        targetGroupArns: s.loadBalancers.map((lb) => lb.targetGroupArn),
      });
    }
    return index;
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
