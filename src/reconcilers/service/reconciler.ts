// Service: ECS services and the task definition each runs (a revision is registered only when
// the content differs; revisions are immutable, so each is read once per process).
import type { Reconciler } from '../shared/reconciler.js';
import { serviceEvents } from './events.js';
import { serviceAppliers, type ServiceAppliers } from './apply.js';
import { planServices } from './plan.js';
import { readServices } from './read.js';
import { serviceSteps } from './steps.js';
import { pollServiceRollouts } from './rollout-poll.js';
import type { ChangeOf } from '../types.js';
import type { RolloutStatus } from '../shared/rollout-status.js';

/** An update that deploys (a new revision, or a retry) starts a rollout; otherwise what the plan read. */
function serviceRolloutStatus(c: ChangeOf<'Service'>, applied: boolean): RolloutStatus | undefined {
  const deploys = c.action === 'update' && c.hold !== 'write' && (c.registerTaskDefinition || c.hold === 'retry');
  if (applied && deploys) return { state: 'rolling-out', specHash: c.desiredHash ?? '', held: false, detail: 'deployment started' };
  if (c.hold === 'retry') return undefined;
  return c.rollout;
}
import { createTaskDefinitionCache, type TaskDefinitionCache } from './task-definition-cache.js';
import { serviceExport } from './export.js';
import { resolvedIds } from '../shared/lookup-placeholders.js';
import { changeRouteLines } from './service-fields.js';
import { renderValue } from '../../log/render-value.js';

export const serviceReconciler: Reconciler<'Service', ServiceAppliers> = {
  kind: 'Service',
  service: 'ecs',
  applyStages: ['write'],
  desired: (state) => state.services,
  // `network.subnets: { tags }` and `network.securityGroups[i]: { name } | { tags }`: the ids found this cycle
  withLookups: (r, idsOf) => {
    const network = r.spec.network;
    if (network === undefined) return r;
    return { ...r, spec: { ...r.spec, network: { ...network, subnets: resolvedIds(network.subnets, idsOf), securityGroups: resolvedIds(network.securityGroups, idsOf) } } };
  },
  createCache: createTaskDefinitionCache,
  read: (desired, io) => readServices(desired, io.clients, io.cache as TaskDefinitionCache, io),
  // the read normalises as it goes: the cache holds normalised revisions
  normalise: (raw) => raw,
  plan: planServices,
  plansFrom: [],
  appliers: serviceAppliers,
  steps: serviceSteps,
  rolloutStatus: serviceRolloutStatus,
  pollRollouts: pollServiceRollouts,
  detailLines: (c) => [
    ...(c.action === 'update' && c.hold === undefined ? changeRouteLines(c.diffs) : []),
    // fields another owner holds: what the writes send instead of the file's value
    ...(c.action === 'update' ? (c.kept ?? []).map((k) => `    ${k.path}: keeps live ${renderValue(k.live)} (${k.owner === 'ignored' ? 'ignored' : `owned by ${k.owner}`})`) : []),
    ...(c.registerTaskDefinition && c.action === 'update' && c.hold === undefined ? ['    (registers a new task definition revision and rolls the service onto it)'] : []),
    ...(c.rollout !== undefined && c.rollout.state !== 'in-sync' ? [`    ${c.rollout.state}: ${c.rollout.detail}`] : []),
  ],
  planJson: (c) => ({
    registerTaskDefinition: c.registerTaskDefinition,
    ...(c.rollout === undefined ? {} : { rollout: c.rollout }),
    ...(c.kept === undefined ? {} : { kept: c.kept }),
  }),
  exporter: serviceExport,
  events: serviceEvents,
};
