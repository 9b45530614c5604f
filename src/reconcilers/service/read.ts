// ECS: the clusters and services the desired state names, and the task definition each
// service runs. Calls: DescribeClusters (100 names a call), then DescribeServices (10 a call
// per cluster, include TAGS) for clusters that exist, then DescribeTaskDefinition (include
// TAGS) once per revision ARN not in the process cache.
// With --prune (`owned`): the services of ours no file declares. ListClusters (100 a page), then
// ListServices (100 a page) per cluster, then DescribeServices (include TAGS, 10 a call) for the
// listed services that are not declared in that cluster; those carrying our owner tag are kept
// (the others are dropped). For each such service: ListTaskDefinitions of its family (ACTIVE,
// paginated) and DescribeTaskDefinition (include TAGS) per revision, keeping the revisions tagged
// as that service's (what its delete deregisters). ECS has no listing by tag, and the Resource
// Groups Tagging API client is not a dependency: this costs one ListServices per cluster of the
// account and one DescribeServices per 10 of its undeclared services, on --prune cycles only.
import {
  DescribeClustersCommand,
  paginateListClusters,
  paginateListServices,
  paginateListTaskDefinitions,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../aws/clients.js';
import { awsCall, isNotFound, resourceList } from '../../aws/errors.js';
import { collectPages } from '../../aws/collect-pages.js';
import { TAG_OWNER, TAG_RESOURCE } from '../shared/resource-types.js';
import { chunk } from '../../aws/paginate.js';
import { clusterNameOf, normaliseService } from './normalise.js';
import { normaliseTaskDefinition } from './task-definition-normalise.js';
import type { EcsObservation, LiveService, LiveTaskDefinition } from './types.js';
import type { DesiredState } from '../../spec/types.js';
import { cachedTaskDefinition, type TaskDefinitionCache, retainTaskDefinitions, retainTaskDefinitionsOf } from './task-definition-cache.js';
import { parameterNames, readImageParameters } from './image-parameters.js';

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

export async function readServices(
  desired: DesiredState,
  clients: AwsClients,
  cache: TaskDefinitionCache,
  io: { owned: boolean; ownerId: string; partial?: boolean } = { owned: false, ownerId: '' },
): Promise<EcsObservation> {
  const byCluster = servicesByCluster(desired);
  const owned = io.owned ? readOwnedServices(clients, cache, byCluster, io.ownerId) : Promise.resolve([]);
  // images CI writes: one GetParameters per 10 names, alongside the ECS reads
  const parameters = parameterNames(desired).length === 0 ? Promise.resolve(undefined) : readImageParameters(desired, clients);
  parameters.catch(() => undefined); // awaited below
  if (byCluster.size === 0) return { clusters: [], services: await owned };

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
  // every declared service read: revisions none of them runs any more leave the cache; a
  // targeted read of some services (partial) drops only their families' other revisions
  const ours = await owned;
  const inUse = [...found.flatMap((svc) => (svc.taskDefinition ? [svc.taskDefinition] : [])), ...ours.map((svc) => svc.taskDefinition.arn)];
  if (io.partial === true) retainTaskDefinitionsOf(cache, inUse);
  else retainTaskDefinitions(cache, inUse);
  const imageParameters = await parameters;
  return { clusters, services: [...services, ...ours], ...(imageParameters === undefined ? {} : { imageParameters }) };
}

function isOurs(tags: readonly { key?: string; value?: string }[] | undefined, ownerId: string): boolean {
  return (tags ?? []).some((t) => t.key === TAG_OWNER && t.value === ownerId);
}

/** With --prune: every ACTIVE service of ours that no file declares, with its revisions tagged as its own. */
async function readOwnedServices(
  clients: AwsClients,
  cache: TaskDefinitionCache,
  declared: ReadonlyMap<string, string[]>,
  ownerId: string,
): Promise<LiveService[]> {
  const resource = `services tagged ${TAG_OWNER}=${ownerId} (looking for services of ours to prune)`;
  const clusterArns = await collectPages(
    paginateListClusters({ client: clients.ecs, stopOnSameToken: true }, { maxResults: 100 }),
    (page) => page.clusterArns,
    { service: 'ecs', operation: 'ListClusters', resource },
  );
  const perCluster = await Promise.all(
    clusterArns.map(async (clusterArn) => {
      const cluster = clusterNameOf(clusterArn);
      const names = new Set(declared.get(cluster) ?? []);
      let arns: string[];
      try {
        arns = await collectPages(
          paginateListServices({ client: clients.ecs, stopOnSameToken: true }, { cluster: clusterArn, maxResults: 100 }),
          (page) => page.serviceArns,
          { service: 'ecs', operation: 'ListServices', resource },
        );
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
      const undeclared = arns.filter((arn) => !names.has(arn.slice(arn.lastIndexOf('/') + 1)));
      const described = (
        await Promise.all(chunk(undeclared, DESCRIBE_SERVICES_MAX).map((batch) => describeServices(clients, clusterArn, batch)))
      ).flat();
      return described.filter((svc) => svc.status === 'ACTIVE' && isOurs(svc.tags, ownerId));
    }),
  );
  return Promise.all(
    perCluster.flat().map(async (svc) => {
      const serviceId = `Service/${svc.serviceName ?? '?'}`;
      const arn = svc.taskDefinition;
      if (!arn) throw new Error(`ECS service ${svc.serviceName ?? '?'} has no task definition (${serviceId})`);
      const td = await cachedTaskDefinition(cache, arn, () => readTaskDefinition(clients, arn, serviceId));
      const live = normaliseService(svc, td);
      const running = [svc.runningCount ?? 0, ...(svc.deployments ?? []).map((d) => d.runningCount ?? 0)];
      const revisions = await ownRevisions(clients, td.family, serviceId, ownerId);
      return { ...live, prune: { runningCount: Math.max(...running), revisions } };
    }),
  );
}

/** The ACTIVE revisions of `family` tagged as `serviceId`'s by this owner (what its delete deregisters). */
async function ownRevisions(clients: AwsClients, family: string, serviceId: string, ownerId: string): Promise<string[]> {
  const arns = await collectPages(
    paginateListTaskDefinitions({ client: clients.ecs, stopOnSameToken: true }, { familyPrefix: family, status: 'ACTIVE' }),
    (page) => page.taskDefinitionArns,
    { service: 'ecs', operation: 'ListTaskDefinitions', resource: serviceId },
  );
  const ofFamily = arns.filter((arn) => arn.includes(`:task-definition/${family}:`));
  const read = await Promise.all(ofFamily.map((arn) => readTaskDefinition(clients, arn, serviceId)));
  return read
    .filter((td) => td.tags[TAG_OWNER] === ownerId && td.tags[TAG_RESOURCE] === serviceId)
    .map((td) => td.arn)
    .sort((a, b) => revisionNumber(a) - revisionNumber(b));
}

function revisionNumber(arn: string): number {
  const n = Number(arn.slice(arn.lastIndexOf(':') + 1));
  return Number.isFinite(n) ? n : 0;
}
