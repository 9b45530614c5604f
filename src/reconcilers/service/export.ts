// Service for `import`: the services of the selected clusters (ListServices, 100 a page, once) or
// those named with --service, or carrying a tag; live -> YAML with ECS's defaults left out
// (launch type EC2, deployment 200/100, essential, tcp, the network mode's host port, the
// container health check's interval/timeout/retries). ECS `secrets` are references already
// (valueFrom ARNs) and are written as they are; plain environment values stay values, and a
// name that looks like a secret's is marked `secret: true` (redacted everywhere) with a warning.
import { DescribeServicesCommand, paginateListClusters, paginateListServices } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../aws/clients.js';
import { collectPages } from '../../aws/collect-pages.js';
import { awsCall } from '../../aws/errors.js';
import { chunk } from '../../aws/paginate.js';
import { CONTAINER_HEALTH_CHECK_DEFAULTS, DEFAULT_DEPLOYMENT, defaultNetworkMode } from '../../spec/normalise-service.js';
import type { ContainerSpec, ServiceSpec, TaskDefinitionSpec } from '../../spec/types.js';
import { compact, pickedDocument, userTags, type DesiredDocument, type ExportContext, type KindExport } from '../shared/export-hook.js';
import { DESCRIBE_SERVICES_MAX } from './read.js';
import type { LiveService } from './types.js';

/** Environment names whose values are usually secrets: written, but marked and warned about. */
const SECRET_LOOKING = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

const nameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

async function listServiceNames(clients: AwsClients, cluster: string): Promise<string[]> {
  const arns = await collectPages(
    paginateListServices({ client: clients.ecs, stopOnSameToken: true }, { cluster, maxResults: 100 }),
    (page) => page.serviceArns,
    { service: 'ecs', operation: 'ListServices', resource: `cluster ${cluster}` },
  );
  return arns.map(nameFromArn);
}

function containerToDesired(c: ContainerSpec, networkMode: TaskDefinitionSpec['networkMode'], where: string, warnings: string[]): Record<string, unknown> {
  const environment = Object.fromEntries(
    c.environment.map((e) => {
      if (!SECRET_LOOKING.test(e.name)) return [e.name, e.value];
      warnings.push(
        `${where} container ${c.name}: environment ${e.name} looks like a secret and its value is in the file (marked secret: true); ` +
          'move it to Secrets Manager or SSM and reference it under secrets',
      );
      return [e.name, { value: e.value, secret: true }];
    }),
  );
  const hc = c.healthCheck;
  return compact({
    name: c.name,
    image: c.image,
    essential: c.essential ? undefined : false,
    portMappings:
      c.portMappings.length === 0
        ? undefined
        : c.portMappings.map((pm) =>
            compact({
              containerPort: pm.containerPortRange === undefined ? pm.containerPort : undefined,
              containerPortRange: pm.containerPortRange,
              hostPort: pm.containerPortRange !== undefined || pm.hostPort === (networkMode === 'bridge' ? 0 : pm.containerPort) ? undefined : pm.hostPort,
              protocol: pm.protocol === 'tcp' ? undefined : pm.protocol,
              name: pm.name,
              appProtocol: pm.appProtocol,
            }),
          ),
    cpu: c.cpu,
    memory: c.memory,
    memoryReservation: c.memoryReservation,
    environment: c.environment.length === 0 ? undefined : environment,
    // references (valueFrom ARNs), never values
    secrets: c.secrets.length === 0 ? undefined : Object.fromEntries(c.secrets.map((s) => [s.name, s.valueFrom])),
    command: c.command,
    entryPoint: c.entryPoint,
    logs: c.logs,
    healthCheck:
      hc === undefined
        ? undefined
        : compact({
            command: hc.command,
            intervalSeconds: hc.intervalSeconds === CONTAINER_HEALTH_CHECK_DEFAULTS.intervalSeconds ? undefined : hc.intervalSeconds,
            timeoutSeconds: hc.timeoutSeconds === CONTAINER_HEALTH_CHECK_DEFAULTS.timeoutSeconds ? undefined : hc.timeoutSeconds,
            retries: hc.retries === CONTAINER_HEALTH_CHECK_DEFAULTS.retries ? undefined : hc.retries,
            startPeriodSeconds: hc.startPeriodSeconds,
          }),
    stopTimeout: c.stopTimeout,
    // the AWS-named fields, already in AWS's shapes with its defaults left out
    ...(c.aws ?? {}),
  });
}

/** The AWS-named service fields of a live service as YAML: the two deploymentConfiguration ones go under deployment. */
function serviceAwsFields(svc: LiveService): { deployment: Record<string, unknown>; rest: Record<string, unknown> } {
  const { deploymentCircuitBreaker, alarms, propagateTags, ...rest } = svc.aws ?? {};
  return {
    deployment: compact({ circuitBreaker: deploymentCircuitBreaker, alarms }),
    // NONE (AWS's default) and SERVICE (what ecs-reconciler creates with) are left out
    rest: { ...rest, ...(propagateTags === 'TASK_DEFINITION' ? { propagateTags } : {}) },
  };
}

export function serviceToDesired(svc: LiveService, ctx: ExportContext): DesiredDocument {
  const warnings: string[] = [];
  const launchType = svc.launchType === 'FARGATE' ? 'FARGATE' : 'EC2';
  const aws = serviceAwsFields(svc);
  const providers = aws.rest.capacityProviderStrategy !== undefined;
  if (!providers && svc.launchType !== 'EC2' && svc.launchType !== 'FARGATE') warnings.push(`launch type ${svc.launchType || '(none: a capacity provider strategy)'} is written as EC2: plan will show a difference`);
  const td = svc.taskDefinition.spec;
  const deployment = compact({
    maximumPercent: svc.deployment.maximumPercent === DEFAULT_DEPLOYMENT.maximumPercent ? undefined : svc.deployment.maximumPercent,
    minimumHealthyPercent: svc.deployment.minimumHealthyPercent === DEFAULT_DEPLOYMENT.minimumHealthyPercent ? undefined : svc.deployment.minimumHealthyPercent,
    ...aws.deployment,
  });
  const targetGroupArns = svc.loadBalancers.map((lb) => lb.targetGroupArn);
  return {
    kind: 'Service',
    name: svc.name,
    liveId: svc.arn,
    links: [svc.arn, `cluster:${svc.clusterName}`, ...targetGroupArns, ...(svc.network?.securityGroups ?? [])],
    systemHint: svc.clusterName,
    warnings,
    spec: compact({
      cluster: svc.clusterName,
      launchType: launchType === 'EC2' || providers ? undefined : launchType,
      desiredCount: svc.desiredCount,
      deployment: Object.keys(deployment).length > 0 ? deployment : undefined,
      healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds ? svc.healthCheckGracePeriodSeconds : undefined,
      taskDefinition: compact({
        family: td.family,
        networkMode: td.networkMode === defaultNetworkMode(launchType) ? undefined : td.networkMode,
        cpu: td.cpu,
        memory: td.memory,
        executionRoleArn: td.executionRoleArn,
        taskRoleArn: td.taskRoleArn,
        containers: td.containers.map((c) => containerToDesired(c, td.networkMode, `Service/${svc.name}`, warnings)),
        ...(td.aws ?? {}),
      }),
      loadBalancers:
        svc.loadBalancers.length === 0
          ? undefined
          : svc.loadBalancers.map((lb) => ({ targetGroup: ctx.refOf(lb.targetGroupArn), containerName: lb.containerName, containerPort: lb.containerPort })),
      network:
        svc.network === undefined
          ? undefined
          : compact({ subnets: svc.network.subnets, securityGroups: svc.network.securityGroups.length > 0 ? svc.network.securityGroups : undefined, assignPublicIp: svc.network.assignPublicIp ? true : undefined }),
      ...aws.rest,
      tags: userTags(svc.tags),
    }),
  };
}

function pickedService(cluster: string, name: string) {
  const spec: ServiceSpec = {
    cluster,
    launchType: 'EC2',
    desiredCount: 0,
    deployment: { ...DEFAULT_DEPLOYMENT },
    taskDefinition: { family: '', networkMode: 'bridge', requiresCompatibilities: ['EC2'], containers: [] },
    loadBalancers: [],
    tags: {},
  };
  return pickedDocument('Service', name, spec);
}

export const serviceExport: KindExport<'Service'> = {
  async selectByTag(tag, clients) {
    const clusterArns = await collectPages(
      paginateListClusters({ client: clients.ecs, stopOnSameToken: true }, { maxResults: 100 }),
      (page) => page.clusterArns,
      { service: 'ecs', operation: 'ListClusters', resource: `services tagged ${tag.key}=${tag.value}` },
    );
    const clusters = await Promise.all(
      clusterArns.map(async (clusterArn) => {
        const cluster = nameFromArn(clusterArn);
        const names = await listServiceNames(clients, cluster);
        const described = await Promise.all(
          chunk(names, DESCRIBE_SERVICES_MAX).map((batch) =>
            awsCall({ service: 'ecs', operation: 'DescribeServices', resource: `services of cluster ${cluster} tagged ${tag.key}=${tag.value}` }, () =>
              clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] })),
            ),
          ),
        );
        const tagged = described
          .flatMap((out) => out.services ?? [])
          .filter((s) => s.status === 'ACTIVE' && (s.tags ?? []).some((t) => t.key === tag.key && t.value === tag.value));
        return { cluster, services: tagged.map((s) => s.serviceName ?? '') };
      }),
    );
    return { clusters: clusters.filter((c) => c.services.length > 0) };
  },

  async select(selection, io) {
    if (io.round > 0) return io.picked.services; // listed once
    const perCluster = await Promise.all(
      selection.clusters.map(async ({ cluster, services }) => ({ cluster, names: services.length > 0 ? services : await listServiceNames(io.clients, cluster) })),
    );
    return perCluster.flatMap(({ cluster, names }) => [...new Set(names)].map((name) => pickedService(cluster, name)));
  },

  toDesired(picked, live, ctx) {
    const wanted = new Set(picked.map((d) => `${d.spec.cluster}/${d.name}`));
    return live.services.filter((s) => s.status === 'ACTIVE' && wanted.has(`${s.clusterName}/${s.name}`)).map((s) => serviceToDesired(s, ctx));
  },
};
