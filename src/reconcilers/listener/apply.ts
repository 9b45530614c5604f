// Listener applier: CreateListener (with tags) on an existing load balancer, ModifyListener for
// the default action / protocol / port / certificate, Add/RemoveListenerCertificates for declared
// SNI certificates, tags on adopt, DeleteListener on prune.
import {
  AddListenerCertificatesCommand,
  AddTagsCommand,
  CreateListenerCommand,
  DeleteListenerCommand,
  DescribeListenersCommand,
  ModifyListenerCommand,
  RemoveListenerCertificatesCommand,
  type Action as ElbAction,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorCode } from '../../aws/errors.js';
import type { DesiredOf } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import {
  listenerKey,
  MissingDependencyError,
  ownershipTags,
  resolveTargetGroupArn,
  toKeyValueTags,
} from '../shared/apply-context.js';
import { elbActionTargets, forwardMoved, toElbAction } from '../shared/elb-actions.js';
import { deleteUnlessGone, performWrite } from '../shared/apply-write.js';
import { assertOwnedForDelete } from '../shared/ownership.js';
import { guardAmbiguousRetries } from '../../aws/write-retry.js';
import type { ChangeOf, Tags } from '../types.js';
import { TAG_SPEC_HASH } from '../types.js';

type ListenerChange = ChangeOf<'Listener'>;

export async function applyListenerChange(change: ListenerChange, ctx: ApplyContext): Promise<void> {
  switch (change.action) {
    case 'noop':
      return;
    case 'create':
      await createListener(change, ctx);
      return;
    case 'update':
      await updateListener(change, ctx);
      return;
    case 'replace':
      throw new Error(`${change.id}: a listener is never replaced, only modified`);
    case 'delete':
      await deleteListener(change, ctx);
      return;
  }
}

function requireDesired(change: ListenerChange): DesiredOf<'Listener'> {
  if (change.desired === undefined) throw new Error(`${change.id}: ${change.action} without a desired spec`);
  return change.desired;
}

function defaultAction(change: ListenerChange, ctx: ApplyContext): ElbAction {
  return toElbAction(requireDesired(change).spec.defaultAction, (name) => resolveTargetGroupArn(ctx, name, change.id));
}

function certificates(desired: DesiredOf<'Listener'>): { Certificates?: { CertificateArn: string }[]; SslPolicy?: string; AlpnPolicy?: string[] } {
  return {
    ...(desired.spec.certificateArn === undefined ? {} : { Certificates: [{ CertificateArn: desired.spec.certificateArn }] }),
    ...(desired.spec.sslPolicy === undefined ? {} : { SslPolicy: desired.spec.sslPolicy }),
    ...(desired.spec.alpnPolicy === undefined ? {} : { AlpnPolicy: [desired.spec.alpnPolicy] }),
  };
}

async function findOnPort(ctx: ApplyContext, loadBalancerArn: string, port: number): Promise<string | undefined> {
  const out = await ctx.clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn }));
  return out.Listeners?.find((l) => l.Port === port)?.ListenerArn;
}

async function createListener(change: ListenerChange, ctx: ApplyContext): Promise<void> {
  const desired = requireDesired(change);
  const spec = desired.spec;
  const lb = ctx.live.loadBalancers.find((l) => l.name === spec.loadBalancer);
  if (lb === undefined) {
    throw new MissingDependencyError(
      `LoadBalancer/${spec.loadBalancer}`,
      `${change.id} needs load balancer ${spec.loadBalancer}, which does not exist (ecs-reconciler does not create load balancers)`,
    );
  }
  const action = defaultAction(change, ctx);
  const tags: Tags = { ...ownershipTags(ctx, 'Listener', change.name), [TAG_SPEC_HASH]: desired.specHash };
  const arn = await performWrite(ctx, {
    change,
    verb: 'create',
    service: 'elbv2',
    operation: 'CreateListener',
    detail: `on ${spec.loadBalancer}:${spec.port}`,
    send: async ({ ambiguous }) => {
      if (ambiguous) {
        const found = await findOnPort(ctx, lb.arn, spec.port);
        if (found !== undefined) return found;
      }
      try {
        const out = await ctx.clients.elbv2.send(
          guardAmbiguousRetries(
            new CreateListenerCommand({
              LoadBalancerArn: lb.arn,
              Port: spec.port,
              Protocol: spec.protocol,
              ...certificates(desired),
              DefaultActions: [action],
              Tags: toKeyValueTags(tags),
            }),
          ),
        );
        const created = out.Listeners?.[0]?.ListenerArn;
        if (created === undefined) throw new Error('CreateListener returned no listener');
        return created;
      } catch (err) {
        // AWS answers identical settings with the existing listener; an emulator says Duplicate
        if (errorCode(err) !== 'DuplicateListener' || !ambiguous) throw err;
        const found = await findOnPort(ctx, lb.arn, spec.port);
        if (found === undefined) throw err;
        return found;
      }
    },
    resultId: (a) => a,
  });
  ctx.listeners.set(listenerKey(spec.loadBalancer, spec.port), arn);
  ctx.forwards.update(arn, change.id, elbActionTargets(action));
  await syncAdditionalCertificates(change, ctx, arn, [], spec.additionalCertificates);
}

/** AddListenerCertificates for the declared SNI certificates the listener lacks, RemoveListenerCertificates for the others. */
async function syncAdditionalCertificates(
  change: ListenerChange,
  ctx: ApplyContext,
  arn: string,
  live: readonly string[],
  desired: readonly string[] | undefined,
): Promise<void> {
  if (desired === undefined) return;
  const add = desired.filter((c) => !live.includes(c));
  const remove = live.filter((c) => !desired.includes(c));
  if (add.length > 0) {
    await performWrite(ctx, {
      change,
      verb: 'update',
      service: 'elbv2',
      operation: 'AddListenerCertificates',
      target: arn,
      detail: `(${add.length} SNI certificate(s))`,
      send: () => ctx.clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: arn, Certificates: add.map((c) => ({ CertificateArn: c })) })),
    });
  }
  if (remove.length > 0) {
    await performWrite(ctx, {
      change,
      verb: 'update',
      service: 'elbv2',
      operation: 'RemoveListenerCertificates',
      target: arn,
      detail: `(${remove.length} SNI certificate(s))`,
      send: () =>
        ctx.clients.elbv2.send(new RemoveListenerCertificatesCommand({ ListenerArn: arn, Certificates: remove.map((c) => ({ CertificateArn: c })) })),
    });
  }
}

const MODIFIABLE = ['defaultAction', 'protocol', 'port', 'certificateArn', 'sslPolicy', 'alpnPolicy'];

async function updateListener(change: ListenerChange, ctx: ApplyContext): Promise<void> {
  const desired = requireDesired(change);
  const arn = change.live?.arn ?? change.liveId;
  if (arn === undefined) throw new Error(`${change.id}: update without a live listener`);
  const action = defaultAction(change, ctx);
  const moved = change.live !== undefined && forwardMoved(change.live.defaultAction, action);
  const needsModify = moved || change.diffs.some((d) => MODIFIABLE.some((f) => d.path === f || d.path.startsWith(`${f}.`)));
  if (needsModify) {
    await performWrite(ctx, {
      change,
      verb: 'update',
      service: 'elbv2',
      operation: 'ModifyListener',
      target: arn,
      send: () =>
        ctx.clients.elbv2.send(
          new ModifyListenerCommand({
            ListenerArn: arn,
            Port: desired.spec.port,
            Protocol: desired.spec.protocol,
            ...certificates(desired),
            DefaultActions: [action],
          }),
        ),
    });
    ctx.forwards.update(arn, change.id, elbActionTargets(action));
  }
  if (change.diffs.some((d) => d.path === 'additionalCertificates')) {
    await syncAdditionalCertificates(change, ctx, arn, change.live?.additionalCertificates ?? [], desired.spec.additionalCertificates);
  }
  const wanted: Tags = { ...ownershipTags(ctx, 'Listener', change.name), [TAG_SPEC_HASH]: desired.specHash };
  const liveTags = change.live?.tags ?? {};
  const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => liveTags[k] !== v));
  if (Object.keys(missing).length > 0) {
    await performWrite(ctx, {
      change,
      verb: 'tag',
      service: 'elbv2',
      operation: 'AddTags',
      target: arn,
      send: () => ctx.clients.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: toKeyValueTags(missing) })),
    });
  }
  ctx.listeners.set(listenerKey(desired.spec.loadBalancer, desired.spec.port), arn);
}

/** Move a listener's default action onto a replacement target group. */
export async function moveListenerDefaultAction(
  change: { id: string; name: string },
  ctx: ApplyContext,
  listenerArn: string,
  action: ElbAction,
): Promise<void> {
  await performWrite(ctx, {
    change: { id: change.id, kind: 'Listener', name: change.name },
    verb: 'move',
    service: 'elbv2',
    operation: 'ModifyListener',
    target: listenerArn,
    detail: 'onto the replacement target group',
    send: () => ctx.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: [action] })),
  });
  ctx.forwards.update(listenerArn, change.id, elbActionTargets(action));
}

async function deleteListener(change: ListenerChange, ctx: ApplyContext): Promise<void> {
  const arn = change.live?.arn ?? change.liveId;
  if (arn === undefined) throw new Error(`${change.id}: delete without a live listener`);
  assertOwnedForDelete(change.live?.tags, ctx.ownerId, `listener ${arn}`);
  await performWrite(ctx, {
    change,
    verb: 'delete',
    service: 'elbv2',
    operation: 'DeleteListener',
    target: arn,
    send: () => deleteUnlessGone(() => ctx.clients.elbv2.send(new DeleteListenerCommand({ ListenerArn: arn }))),
  });
  // a listener takes its rules with it
  ctx.forwards.remove(arn);
  for (const r of ctx.live.rules) if (r.listenerArn === arn) ctx.forwards.remove(r.arn);
}

/** The writes the listener steps (and a target group replace's moves) make; tests pass fakes. */
export interface ListenerAppliers {
  apply(change: ListenerChange, ctx: ApplyContext): Promise<void>;
  move(owner: { id: string; name: string }, ctx: ApplyContext, listenerArn: string, action: ElbAction): Promise<void>;
}

export const listenerAppliers: ListenerAppliers = { apply: applyListenerChange, move: moveListenerDefaultAction };
