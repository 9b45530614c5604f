// What every applier gets: the AWS clients, who we are, where writes are logged and recorded,
// and the name -> ARN maps that fill in as resources are created during one apply.
import type { AwsClients } from '../../aws/clients.js';
import { ReconcilerError } from '../../reconciler-error.js';
import type { Kind } from '../../spec/types.js';
import type { LiveState } from '../types.js';
import { ForwardIndex } from './forward-index.js';
import { isOwnedBy } from './ownership.js';
import type { Tags } from './resource-types.js';
import { TAG_OWNER, TAG_RESOURCE } from './resource-types.js';
import type { WriteRetryOptions } from '../../aws/write-retry.js';

export { ForwardIndex, forwardTargets, stillUsed, type ForwardUser } from './forward-index.js';

/** pino-compatible: `log.info({ kind, name, arn }, 'created target group users-tg arn:...')` */
export interface ApplyLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
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

/** The kinds whose live state createApplyContext reads at once (a cycle starts its first writes once they are read). */
export const APPLY_CONTEXT_READS: readonly Kind[] = ['TargetGroup', 'Listener'];

/** The live state is complete now (it was made before the slower reads were in): take in what they found. */
export function catchUpApplyContext(ctx: ApplyContext): void {
  ctx.forwards.addLive(ctx.live, ctx.ownerId);
}

/** The declared name in our resource tag (`Kind/name`), when the resource is ours. */
export function declaredNameOf(tags: Tags, kind: Kind, ownerId: string): string | undefined {
  if (!isOwnedBy(tags, ownerId)) return undefined;
  const res = tags[TAG_RESOURCE];
  const prefix = `${kind}/`;
  return res !== undefined && res.startsWith(prefix) ? res.slice(prefix.length) : undefined;
}

/** A resource this change needs does not exist (its create failed or was not made). */
export class MissingDependencyError extends ReconcilerError {
  override readonly name = 'MissingDependencyError';
  constructor(
    readonly dependency: string,
    message: string,
  ) {
    super('apply.missing-dependency', message);
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

