// Service documents -> ServiceSpec with ECS defaults filled in (see src/spec/types.ts), and the
// task size spellings ("0.25 vCPU", "2 GB") and valid Fargate cpu/memory combinations.
import type { ContainerHealthCheck, ContainerSpec, EnvVar, ServiceSpec, TaskDefinitionSpec } from './types.js';
import type { RawContainer, RawServiceSpec, RawTaskDefinition } from './raw-types.js';
import { targetGroupRef, withDefined } from './normalise-resources.js';

export const DEFAULT_DEPLOYMENT = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;
/** What ECS uses for a container health check field left out (and reports back). */
export const CONTAINER_HEALTH_CHECK_DEFAULTS = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3 } as const;

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
    image: raw.image ?? '',
    imageFrom: raw.imageFrom === undefined ? undefined : { ...raw.imageFrom },
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
    healthCheck: raw.healthCheck === undefined ? undefined : normaliseContainerHealthCheck(raw.healthCheck),
    stopTimeout: raw.stopTimeout,
  });
}

/** ECS defaults filled in, so that a declared check equals what ECS reports for it. */
export function normaliseContainerHealthCheck(raw: NonNullable<RawContainer['healthCheck']>): ContainerHealthCheck {
  return withDefined({
    command: [...raw.command],
    intervalSeconds: raw.intervalSeconds ?? CONTAINER_HEALTH_CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: raw.timeoutSeconds ?? CONTAINER_HEALTH_CHECK_DEFAULTS.timeoutSeconds,
    retries: raw.retries ?? CONTAINER_HEALTH_CHECK_DEFAULTS.retries,
    startPeriodSeconds: raw.startPeriodSeconds,
  });
}

// ---------- task size ----------

/** "256" | 256 | "0.25 vCPU" -> CPU units (1 vCPU = 1024). */
export function taskCpuUnits(raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return raw;
  const vcpu = /^([0-9]+(?:\.[0-9]+)?) ?vcpu$/i.exec(raw.trim());
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : Number(raw);
}

/** "512" | 512 | "2 GB" -> MiB (1 GB = 1024). */
export function taskMemoryMiB(raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return raw;
  const gb = /^([0-9]+(?:\.[0-9]+)?) ?gb$/i.exec(raw.trim());
  return gb ? Math.round(Number(gb[1]) * 1024) : Number(raw);
}

interface FargateSize {
  cpu: number;
  memory: number[];
}

const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** AWS Fargate (Linux) task sizes: cpu units -> allowed memory in MiB. */
export const FARGATE_SIZES: readonly FargateSize[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];

/** undefined when valid; otherwise what to change. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (size === undefined) {
    return `FARGATE task cpu ${cpu} is not a Fargate size: use one of ${FARGATE_SIZES.map((s) => s.cpu).join(', ')}`;
  }
  if (size.memory.includes(memory)) return undefined;
  const first = size.memory[0]!;
  const last = size.memory[size.memory.length - 1]!;
  const step = size.memory.length > 1 ? size.memory[1]! - first : 0;
  const allowed = size.memory.length <= 3 ? size.memory.join(', ') : `${first} to ${last} in steps of ${step}`;
  return `FARGATE task cpu ${cpu} allows memory ${allowed} (MiB), not ${memory}`;
}
