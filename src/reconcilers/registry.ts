// The registry: every kind's reconciler, typed over every Kind (a kind left out is a compile
// error), in apply order: creates and updates run in this order, deletes in reverse. The only
// list of kinds the controller, the prune guard, /status and the reports use.
import type { DesiredResource, DesiredState, Kind } from '../spec/types.js';
import { listenerRuleReconciler } from './listener-rule/reconciler.js';
import { listenerReconciler } from './listener/reconciler.js';
import { securityGroupIngressReconciler } from './security-group-ingress/reconciler.js';
import { serviceReconciler } from './service/reconciler.js';
import { scalableTargetReconciler } from './scalable-target/reconciler.js';
import type { Reconciler } from './shared/reconciler.js';
import type { AwsClients } from '../aws/clients.js';
import type { RolloutStatus } from './shared/rollout-status.js';
import type { Change, ChangeOf } from './types.js';
import { targetGroupReconciler } from './target-group/reconciler.js';

const BY_KIND = {
  TargetGroup: targetGroupReconciler,
  Listener: listenerReconciler,
  ListenerRule: listenerRuleReconciler,
  SecurityGroupIngress: securityGroupIngressReconciler,
  Service: serviceReconciler,
  ScalableTarget: scalableTargetReconciler,
} satisfies { [K in Kind]: Reconciler<K, unknown> };

/** Each kind's AWS writes, by kind (the real ones; tests of ordering pass fakes of the same shape). */
export type Appliers = { [K in Kind]: (typeof BY_KIND)[K]['appliers'] };

/** Apply order: BY_KIND's own order (object keys keep insertion order). */
export const APPLY_ORDER = Object.keys(BY_KIND) as readonly Kind[];

/** A reconciler of any kind, for code that treats every kind alike. */
export type AnyReconciler = Reconciler<Kind, unknown>;

export function reconcilerOf<K extends Kind>(kind: K): Reconciler<K, Appliers[K]> {
  return BY_KIND[kind] as unknown as Reconciler<K, Appliers[K]>;
}

/** Every reconciler, in apply order. */
export const RECONCILERS: readonly AnyReconciler[] = APPLY_ORDER.map((k) => BY_KIND[k] as unknown as AnyReconciler);

export const awsAppliers = Object.fromEntries(RECONCILERS.map((r) => [r.kind, r.appliers])) as Appliers;

/** The state of what a change's write started (an ECS rollout), for kinds that have one. */
export function rolloutStatusOf(change: Change, applied: boolean): RolloutStatus | undefined {
  const hook = (BY_KIND[change.kind] as unknown as AnyReconciler).rolloutStatus;
  return hook?.(change as ChangeOf<Kind>, applied);
}

/** Read again the rollouts of these changes (each kind's own batched read), by change id. */
export async function pollRollouts(changes: readonly Change[], clients: AwsClients): Promise<Map<string, RolloutStatus | undefined>> {
  const out = new Map<string, RolloutStatus | undefined>();
  for (const r of RECONCILERS) {
    const mine = changes.filter((c) => c.kind === r.kind) as ChangeOf<Kind>[];
    if (mine.length === 0 || r.pollRollouts === undefined) continue;
    for (const [id, s] of await r.pollRollouts(mine, clients)) out.set(id, s);
  }
  return out;
}

/** Every declared resource, in apply order. */
export function desiredResources(state: DesiredState): DesiredResource[] {
  return RECONCILERS.flatMap((r) => r.desired(state) as readonly DesiredResource[]);
}
