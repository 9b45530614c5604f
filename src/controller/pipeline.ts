// One pass of the level-based flow shared by `plan`, `apply` and the daemon:
// load the desired state, observe live AWS, plan. No writes here.
import type { AwsClients } from '../aws/clients.js';
import { loadDesiredState } from '../spec/load-desired-state.js';
import type { DesiredState, LoadResult, SpecError } from '../spec/types.js';
import { planAll } from '../reconcilers/plan.js';
import type { LiveState, Plan } from '../reconcilers/types.js';
import { observe, ObserveError, type ObserveCache } from './observe.js';
import { resolveLookups, withoutBlocked, type ResolvedLookup } from '../reconcilers/resolve-lookups.js';
import { AwsCallError } from '../aws/errors.js';

export interface PipelineOptions {
  prune: boolean;
  ownerId: string;
  retryFailed?: boolean;
  /** what observe keeps between cycles (default: one cache per process); a target's reconciler has its own */
  cache?: ObserveCache;
}

/** What one observe + plan found: `desired` with every lookup's ids in place (blocked resources left out). */
export interface ObservedPlan {
  desired: DesiredState;
  live: LiveState;
  plan: Plan;
  /** the references by name or tag and the ids they found this cycle */
  lookups: ResolvedLookup[];
}

export type PipelineResult = { ok: false; stage: 'load'; errors: SpecError[] } | ({ ok: true } & ObservedPlan);

/** Load + observe + plan. AWS failures are thrown (as AwsCallError) for the caller to explain. */
export async function loadObservePlan(
  dir: string,
  clients: AwsClients,
  opts: PipelineOptions,
  /** how `dir` is loaded (a target: its path and values file); default loadDesiredState */
  load: (dir: string) => Promise<LoadResult> = loadDesiredState,
): Promise<PipelineResult> {
  const loaded = await load(dir);
  if (!loaded.ok) return { ok: false, stage: 'load', errors: loaded.errors };
  return { ok: true, ...(await observeAndPlan(loaded.state, clients, opts)) };
}

/**
 * Resolve the lookups + observe + plan for an already loaded desired state (the daemon keeps the
 * last valid one). A resource whose lookup failed is a conflict and has no change this cycle,
 * not even a prune delete (its live resource is still declared, only not found by its lookup).
 */
export async function observeAndPlan(desired: DesiredState, clients: AwsClients, opts: PipelineOptions): Promise<ObservedPlan> {
  const lookups = await resolveLookups(desired, clients).catch((error: unknown) => {
    throw error instanceof AwsCallError ? new ObserveError([error]) : error;
  });
  const live = await observe(lookups.desired, clients, { owned: opts.prune, ownerId: opts.ownerId, ...(opts.cache === undefined ? {} : { cache: opts.cache }) });
  const plan = withoutBlocked(planAll(lookups.desired, live, { prune: opts.prune, ownerId: opts.ownerId, retryFailed: opts.retryFailed === true }), lookups.blocked);
  return { desired: lookups.desired, live, plan, lookups: lookups.resolved };
}
