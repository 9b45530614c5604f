// Plan for Listener resources: listeners of existing load balancers, matched by load balancer
// name + port. The load balancer itself is not managed: a missing one is a conflict. Pure.
import type { DesiredOf } from '../../spec/types.js';
import { desiredActionKey, liveActionKey, renderDesiredAction, renderLiveAction } from '../shared/compare-actions.js';
import type { TargetGroupIndex } from '../shared/compare-actions.js';
import { nameFromResourceTag, pruneReason, resourceId } from '../shared/plan-context.js';
import type { KindPlan, PlanContext } from '../shared/plan-context.js';
import { decideUpdate, foreignOwnerMessage, ownershipOf } from '../shared/ownership.js';
import { diffField, diffSet, valuesEqual, withoutIgnored } from '../shared/compare-values.js';
import { TAG_RESOURCE } from '../types.js';
import type { FieldDiff, LiveListener } from '../types.js';

type DesiredListener = DesiredOf<'Listener'>;

/** Every field difference of a listener, before `ignore`. */
export function diffListener(desired: DesiredListener, live: LiveListener, index: TargetGroupIndex): FieldDiff[] {
  const s = desired.spec;
  const diffs: FieldDiff[] = [];
  diffField(diffs, 'protocol', live.protocol, s.protocol);
  if (s.certificateArn !== undefined) diffField(diffs, 'certificateArn', live.certificateArn, s.certificateArn);
  if (s.sslPolicy !== undefined) diffField(diffs, 'sslPolicy', live.sslPolicy, s.sslPolicy);
  // AWS's default is None; a listener that never had one reports none
  if (s.alpnPolicy !== undefined) diffField(diffs, 'alpnPolicy', live.alpnPolicy ?? 'None', s.alpnPolicy);
  if (s.additionalCertificates !== undefined) diffSet(diffs, 'additionalCertificates', live.additionalCertificates ?? [], s.additionalCertificates);
  if (!valuesEqual(liveActionKey(live.defaultAction), desiredActionKey(s.defaultAction, index))) {
    diffs.push({ path: 'defaultAction', live: renderLiveAction(live.defaultAction, index), desired: renderDesiredAction(s.defaultAction, index) });
  }
  return diffs;
}

export function findListener(live: readonly LiveListener[], loadBalancer: string, port: number): LiveListener | undefined {
  return live.find((l) => l.loadBalancerName === loadBalancer && l.port === port);
}

export function planListeners(ctx: PlanContext): KindPlan {
  const desired = ctx.desired.listeners;
  const out: KindPlan = { changes: [], conflicts: [] };
  const accounted = new Set<string>();
  for (const d of desired) {
    const s = d.spec;
    const base = { kind: 'Listener' as const, name: d.name, id: d.id, policy: d.policy, desiredHash: d.specHash, desired: d };
    if (!ctx.live.loadBalancers.some((lb) => lb.name === s.loadBalancer)) {
      out.conflicts.push({
        id: d.id,
        message:
          `${d.id}: load balancer "${s.loadBalancer}" not found (${d.source.file}:${d.source.line}); ` +
          'ecs-reconciler manages listeners of existing load balancers only: create the load balancer or fix spec.loadBalancer',
      });
      continue;
    }
    const live = findListener(ctx.live.listeners, s.loadBalancer, s.port);
    if (live === undefined) {
      out.changes.push({ ...base, action: 'create', cause: 'create', diffs: [] });
      continue;
    }
    accounted.add(live.arn);
    if (ownershipOf(live.tags, ctx.ownerId) === 'foreign') {
      out.conflicts.push({ id: d.id, message: foreignOwnerMessage(d.id, `listener ${s.loadBalancer}:${s.port}`, live.tags) });
      continue;
    }
    const diffs = withoutIgnored(diffListener(d, live, ctx.targetGroups), d.ignore);
    const decision = decideUpdate({ diffs, tags: live.tags, ownerId: ctx.ownerId, id: d.id, desiredHash: d.specHash, policy: d.policy });
    out.changes.push({ ...base, ...decision, diffs, live, liveId: live.arn });
  }
  if (!ctx.prune) return out;
  const declared = new Set(desired.map((d) => d.name));
  for (const l of ctx.live.listeners) {
    if (accounted.has(l.arn) || ownershipOf(l.tags, ctx.ownerId) !== 'ours') continue;
    const name = nameFromResourceTag('Listener', l.tags[TAG_RESOURCE]);
    if (name === undefined || declared.has(name)) continue;
    // deleting a listener deletes its rules: never with a rule on it that is not ours
    const others = ctx.live.rules.filter((r) => r.listenerArn === l.arn && ownershipOf(r.tags, ctx.ownerId) !== 'ours');
    if (others.length > 0) {
      out.conflicts.push({
        id: resourceId('Listener', name),
        message:
          `${resourceId('Listener', name)}: listener ${l.loadBalancerName}:${l.port} is tagged as ours and no longer declared, but it holds ` +
          `${others.length} rule(s) not managed by ecs-reconciler (${others.map((r) => `priority ${r.priority} ${r.arn}`).join(', ')}); ` +
          'deleting the listener would delete them too, so it is kept: move or delete those rules, or declare the listener again',
      });
      continue;
    }
    out.changes.push({
      kind: 'Listener',
      name,
      id: resourceId('Listener', name),
      action: 'delete',
      cause: 'prune',
      policy: 'enforce',
      diffs: [],
      live: l,
      liveId: l.arn,
      reason: pruneReason(ctx.ownerId),
    });
  }
  return out;
}
