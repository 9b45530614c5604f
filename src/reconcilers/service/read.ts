// ECS: the clusters and services the desired state names, and the task definition each
// service runs. Calls: DescribeClusters (100 names a call), then DescribeServices (10 a call
// per cluster, include TAGS) for clusters that exist, then DescribeTaskDefinition (include
// TAGS) once per revision ARN not in the process cache.
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../aws/clients.js';
import { awsCall, isNotFound, resourceList } from '../../aws/errors.js';
import { chunk } from '../../aws/paginate.js';
import { normaliseService } from './normalise.js';
import { normaliseTaskDefinition } from './task-definition-normalise.js';
import type { EcsObservation, LiveTaskDefinition } from './types.js';
import type { DesiredState } from '../../spec/types.js';
import { cachedTaskDefinition, type TaskDefinitionCache, retainTaskDefinitions } from './task-definition-cache.js';

/** AWS limits per call */
export const DESCRIBE_CLUSTERS_MAX = 100;
export const DESCRIBE_SERVICES_MAX = 10;

/** Declared service names per cluster, in declaration order. */
function servicesByCluster(desired: DesiredState): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const svc of desired.services) {
    const names = out.get(svc.spec.cluster) ?? [];
    if (!names.includes(svc.name)) names.push(svc.name);
    out.set(svc.spec.cluster, names);
  }
  return out;
}

async function existingClusters(clients: AwsClients, byCluster: Map<string, string[]>): Promise<string[]> {
  const batches = chunk([...byCluster.keys()], DESCRIBE_CLUSTERS_MAX);
  const pages = await Promise.all(
    batches.map((names) =>
      awsCall(
        {
          service: 'ecs',
          operation: 'DescribeClusters',
          resource: resourceList(names.flatMap((c) => (byCluster.get(c) ?? []).map((s) => `Service/${s}`))),
        },
        () => clients.ecs.send(new DescribeClustersCommand({ clusters: names })),
      ),
    ),
  );
  const live = new Set<string>();
  for (const page of pages) {
    for (const c of page.clusters ?? []) {
      if (c.clusterName && c.status !== 'INACTIVE') live.add(c.clusterName);
    }
  }
  return [...byCluster.keys()].filter((c) => live.has(c));
}

async function describeServices(clients: AwsClients, cluster: string, names: string[]): Promise<Service[]> {
  try {
    const out = await awsCall(
      { service: 'ecs', operation: 'DescribeServices', resource: resourceList(names.map((n) => `Service/${n}`)) },
      () => clients.ecs.send(new DescribeServicesCommand({ cluster, services: names, include: ['TAGS'] })),
    );
    // MISSING services come back under `failures`; deleted ones linger as INACTIVE: both are absent
    return (out.services ?? []).filter((s) => s.status !== 'INACTIVE');
  } catch (err) {
    if (isNotFound(err)) return []; // the cluster went away between the two calls
    throw err;
  }
}

async function readTaskDefinition(clients: AwsClients, arn: string, serviceId: string): Promise<LiveTaskDefinition> {
  const out = await awsCall({ service: 'ecs', operation: 'DescribeTaskDefinition', resource: serviceId }, () =>
    clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] })),
  );
  if (!out.taskDefinition) {
    throw new Error(`DescribeTaskDefinition returned no task definition for ${arn} (${serviceId})`);
  }
  return normaliseTaskDefinition(out.taskDefinition, out.tags ?? []);
}

export async function readServices(desired: DesiredState, clients: AwsClients, cache: TaskDefinitionCache): Promise<EcsObservation> {
  const byCluster = servicesByCluster(desired);
  if (byCluster.size === 0) return { clusters: [], services: [] };

  const clusters = await existingClusters(clients, byCluster);
  const batches = clusters.flatMap((cluster) =>
    chunk(byCluster.get(cluster) ?? [], DESCRIBE_SERVICES_MAX).map((names) => ({ cluster, names })),
  );
  const found = (await Promise.all(batches.map((b) => describeServices(clients, b.cluster, b.names)))).flat();

  const services = await Promise.all(
    found.map(async (svc) => {
      const serviceId = `Service/${svc.serviceName ?? '?'}`;
      const arn = svc.taskDefinition;
      if (!arn) throw new Error(`ECS service ${svc.serviceName ?? '?'} has no task definition (${serviceId})`);
      const td = await cachedTaskDefinition(cache, arn, () => readTaskDefinition(clients, arn, serviceId));
      return normaliseService(svc, td);
    }),
  );
  // every declared service read: revisions none of them runs any more leave the cache
  retainTaskDefinitions(cache, found.flatMap((svc) => (svc.taskDefinition ? [svc.taskDefinition] : [])));
  return { clusters, services };
}
