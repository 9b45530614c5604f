// One pass of the level-based flow shared by `plan`, `apply` and the daemon:
// load the desired state, observe live AWS, plan. No writes here.
import type { AwsClients } from '../aws/clients.js';
import { loadDesiredState } from '../spec/load-desired-state.js';
import type { DesiredState, SpecError } from '../spec/types.js';
import type { LoadOptions } from '../spec/load-options.js';
import { planAll } from '../reconcilers/plan.js';
import type { LiveState, Plan } from '../reconcilers/types.js';
import { observe } from './observe.js';

export interface PipelineOptions {
  prune: boolean;
  ownerId: string;
  retryFailed?: boolean;
}

export type PipelineResult =
  | { ok: false; stage: 'load'; errors: SpecError[] }
  | { ok: true; desired: DesiredState; live: LiveState; plan: Plan };

/** Load + observe + plan. AWS failures are thrown (as AwsCallError) for the caller to explain. */
export async function loadObservePlan(
  dir: string,
  clients: AwsClients,
  opts: PipelineOptions,
  loadOptions: LoadOptions = {},
): Promise<PipelineResult> {
  const loaded = await loadDesiredState(dir, loadOptions);
  if (!loaded.ok) return { ok: false, stage: 'load', errors: loaded.errors };
  return { ok: true, ...(await observeAndPlan(loaded.state, clients, opts)) };
}

/** Observe + plan for an already loaded desired state (the daemon keeps the last valid one). */
export async function observeAndPlan(
  desired: DesiredState,
  clients: AwsClients,
  opts: PipelineOptions,
): Promise<{ desired: DesiredState; live: LiveState; plan: Plan }> {
  const live = await observe(desired, clients, { owned: opts.prune, ownerId: opts.ownerId });
  const plan = planAll(desired, live, { prune: opts.prune, ownerId: opts.ownerId, retryFailed: opts.retryFailed === true });
  return { desired, live, plan };
}
