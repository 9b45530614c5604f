// Service documents -> ServiceSpec with ECS defaults filled in (see src/spec/types.ts).
import type { ContainerSpec, EnvVar, ServiceSpec, TaskDefinitionSpec } from './types.js';
import type { RawContainer, RawServiceSpec, RawTaskDefinition } from './raw-types.js';
import { targetGroupRef, withDefined } from './normalise-resources.js';
import { taskCpuUnits, taskMemoryMiB } from './task-size.js';

export const DEFAULT_DEPLOYMENT = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;

export function normaliseService(raw: RawServiceSpec): ServiceSpec {
  const launchType = raw.launchType ?? 'EC2';
  const spec: ServiceSpec = {
    cluster: raw.cluster,
    launchType,
    desiredCount: raw.desiredCount ?? 1,
    deployment: {
      maximumPercent: raw.deployment?.maximumPercent ?? DEFAULT_DEPLOYMENT.maximumPercent,
      minimumHealthyPercent: raw.deployment?.minimumHealthyPercent ?? DEFAULT_DEPLOYMENT.minimumHealthyPercent,
    },
    taskDefinition: normaliseTaskDefinition(raw.taskDefinition, launchType),
    loadBalancers: (raw.loadBalancers ?? []).map((lb) => ({
      targetGroup: targetGroupRef(lb.targetGroup),
      containerName: lb.containerName,
      containerPort: lb.containerPort,
    })),
    tags: { ...(raw.tags ?? {}) },
  };
  if (raw.healthCheckGracePeriodSeconds !== undefined) spec.healthCheckGracePeriodSeconds = raw.healthCheckGracePeriodSeconds;
  if (raw.network !== undefined) {
    spec.network = {
      subnets: [...raw.network.subnets].sort(),
      securityGroups: [...(raw.network.securityGroups ?? [])].sort(),
      assignPublicIp: raw.network.assignPublicIp ?? false,
    };
  }
  return spec;
}

/** awsvpc for FARGATE (its only mode), bridge for EC2 (the ECS default on Linux). */
export function defaultNetworkMode(launchType: 'EC2' | 'FARGATE'): TaskDefinitionSpec['networkMode'] {
  return launchType === 'FARGATE' ? 'awsvpc' : 'bridge';
}

export function normaliseTaskDefinition(raw: RawTaskDefinition, launchType: 'EC2' | 'FARGATE'): TaskDefinitionSpec {
  const networkMode = raw.networkMode ?? defaultNetworkMode(launchType);
  const cpu = taskCpuUnits(raw.cpu);
  const memory = taskMemoryMiB(raw.memory);
  return withDefined({
    family: raw.family,
    networkMode,
    cpu: cpu === undefined ? undefined : String(cpu),
    memory: memory === undefined ? undefined : String(memory),
    executionRoleArn: raw.executionRoleArn,
    taskRoleArn: raw.taskRoleArn,
    requiresCompatibilities: [launchType],
    containers: raw.containers.map((c) => normaliseContainer(c, networkMode)),
  });
}

/** hostPort left out: the container port for awsvpc/host, 0 (dynamic) for bridge. */
export function defaultHostPort(networkMode: TaskDefinitionSpec['networkMode'], containerPort: number): number {
  return networkMode === 'bridge' ? 0 : containerPort;
}

export function normaliseContainer(raw: RawContainer, networkMode: TaskDefinitionSpec['networkMode']): ContainerSpec {
  const environment: EnvVar[] = Object.entries(raw.environment ?? {})
    .map(([name, v]) => (typeof v === 'string' ? { name, value: v, secret: false } : { name, value: v.value, secret: v.secret ?? false }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const secrets = Object.entries(raw.secrets ?? {})
    .map(([name, valueFrom]) => ({ name, valueFrom }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return withDefined({
    name: raw.name,
    image: raw.image,
    essential: raw.essential ?? true,
    portMappings: (raw.portMappings ?? []).map((pm) => ({
      containerPort: pm.containerPort,
      hostPort: pm.hostPort ?? defaultHostPort(networkMode, pm.containerPort),
      protocol: pm.protocol ?? 'tcp',
    })),
    cpu: raw.cpu,
    memory: raw.memory,
    memoryReservation: raw.memoryReservation,
    environment,
    secrets,
    command: raw.command === undefined ? undefined : [...raw.command],
    entryPoint: raw.entryPoint === undefined ? undefined : [...raw.entryPoint],
    logs: raw.logs === undefined ? undefined : { ...raw.logs },
  });
}
