// A cycle's observe + plan in waves, for an apply that starts while slower reads go on (a cold
// apply's 500 DescribeTaskDefinition on ECS's bucket would otherwise hold back every ELBv2 write).
// Kinds are planned in registry order, each as soon as what its plan and the apply context read
// is in (Reconciler.plansFrom); each planned kind is a wave the apply schedules at once. A kind
// whose plan deletes, replaces or carries deletions (the prune guard judges the whole plan) ends
// the early waves: it and every kind after it are planned in the final wave, over the whole live
// state, as a cycle always was. The union of the waves is planAll's plan (mergePlans).
import type { AwsClients } from '../aws/clients.js';
import { AwsCallError } from '../aws/errors.js';
import { mergePlans, planInputsOf, planKinds } from '../reconcilers/plan.js';
import { APPLY_ORDER } from '../reconcilers/registry.js';
import { resolveLookups, withoutBlocked } from '../reconcilers/resolve-lookups.js';
import { APPLY_CONTEXT_READS } from '../reconcilers/shared/apply-context.js';
import type { LiveState, Plan } from '../reconcilers/types.js';
import type { DesiredState, Kind } from '../spec/types.js';
import type { PlanWave } from './apply.js';
import { ObserveError, startObserve } from './observe.js';
import type { ObservedPlan, PipelineOptions } from './pipeline.js';
import { deletionsIn } from './prune-guard.js';

export interface PlanInWaves {
  /** the live state, filled in as each kind's part is read (the apply context reads it) */
  live: LiveState;
  /** the waves, in registry order; the last is `final`; throws what observe or the lookups threw */
  waves: AsyncIterable<PlanWave>;
  /** the whole observe + plan once the final wave is out (rejects as `waves` throws) */
  result: Promise<ObservedPlan>;
}

/** An early wave holds only creates, updates and no-ops that delete nothing. */
function isEarly(plan: Plan): boolean {
  return plan.changes.every((c) => (c.action === 'noop' || c.action === 'create' || c.action === 'update') && deletionsIn(c) === 0);
}

export function observePlanInWaves(desired: DesiredState, clients: AwsClients, opts: PipelineOptions): PlanInWaves {
  const live = {} as LiveState;
  let settle: { resolve: (o: ObservedPlan) => void; reject: (e: unknown) => void } | undefined;
  const result = new Promise<ObservedPlan>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => undefined); // the waves throw the same error
  const planOpts = { prune: opts.prune, ownerId: opts.ownerId, retryFailed: opts.retryFailed === true };

  async function* waves(): AsyncGenerator<PlanWave> {
    try {
      const lookups = await resolveLookups(desired, clients).catch((error: unknown) => {
        throw error instanceof AwsCallError ? new ObserveError([error]) : error;
      });
      const observing = startObserve(lookups.desired, clients, { owned: opts.prune, ownerId: opts.ownerId, ...(opts.cache === undefined ? {} : { cache: opts.cache }) });
      const read = new Map<Kind, Promise<boolean>>(
        APPLY_ORDER.map((k) => [k, observing.part(k).then((part) => (Object.assign(live, part), true), () => false)]),
      );
      const raw: Plan[] = [];
      // the lookups' conflicts go with the first wave only (withoutBlocked adds them to every plan it filters)
      const wavePlan = (plan: Plan): Plan => {
        const filtered = withoutBlocked(plan, lookups.blocked);
        return raw.length === 0 ? filtered : { ...filtered, conflicts: filtered.conflicts.filter((c) => !lookups.blocked.includes(c)) };
      };
      let next = 0;
      for (; next < APPLY_ORDER.length; next += 1) {
        const kind = APPLY_ORDER[next] as Kind;
        const inputs = planInputsOf(kind);
        if (inputs.length === APPLY_ORDER.length) break; // reads every kind: the final wave
        const ok = (await Promise.all([...new Set([...inputs, ...APPLY_CONTEXT_READS])].map((k) => read.get(k)))).every(Boolean);
        if (!ok) break; // a read failed: observe's error comes with the final wave
        const plan = planKinds(lookups.desired, live, planOpts, [kind]);
        if (!isEarly(plan)) break;
        const wave = wavePlan(plan);
        raw.push(plan);
        yield { kinds: [kind], plan: wave, final: false };
      }
      const whole = await observing.all;
      Object.assign(live, whole);
      const rest = APPLY_ORDER.slice(next);
      const plan = planKinds(lookups.desired, live, planOpts, rest);
      const wave = wavePlan(plan);
      raw.push(plan);
      settle?.resolve({ desired: lookups.desired, live, plan: withoutBlocked(mergePlans(raw), lookups.blocked), lookups: lookups.resolved });
      yield { kinds: rest, plan: wave, final: true };
    } catch (error) {
      settle?.reject(error);
      throw error;
    }
  }
  return { live, waves: waves(), result };
}
