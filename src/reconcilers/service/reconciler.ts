// Service: ECS services and the task definition each runs (a revision is registered only when
// the content differs; revisions are immutable, so each is read once per process).
import type { Reconciler } from '../shared/reconciler.js';
import { serviceAppliers, type ServiceAppliers } from './apply.js';
import { planServices } from './plan.js';
import { readServices } from './read.js';
import { serviceSteps } from './steps.js';
import { createTaskDefinitionCache, type TaskDefinitionCache } from './task-definition-cache.js';
import { serviceExport } from './export.js';

export const serviceReconciler: Reconciler<'Service', ServiceAppliers> = {
  kind: 'Service',
  service: 'ecs',
  applyStages: ['write'],
  desired: (state) => state.services,
  createCache: createTaskDefinitionCache,
  read: (desired, io) => readServices(desired, io.clients, io.cache as TaskDefinitionCache, io),
  // the read normalises as it goes: the cache holds normalised revisions
  normalise: (raw) => raw,
  plan: planServices,
  appliers: serviceAppliers,
  steps: serviceSteps,
  detailLines: (c) =>
    c.registerTaskDefinition && c.action === 'update' ? ['    (registers a new task definition revision and rolls the service onto it)'] : [],
  planJson: (c) => ({ registerTaskDefinition: c.registerTaskDefinition }),
  exporter: serviceExport,
};
