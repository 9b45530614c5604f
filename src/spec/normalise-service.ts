// Service documents -> ServiceSpec with ECS defaults filled in (see src/spec/types.ts), and the
// task size spellings ("0.25 vCPU", "2 GB") and valid Fargate cpu/memory combinations.
import type { ContainerHealthCheck, ContainerSpec, EnvVar, ServiceSpec, TaskDefinitionSpec } from './types.js';
import type { RawContainer, RawServiceSpec, RawTaskDefinition } from './raw-types.js';
import { targetGroupRef, withDefined } from './normalise-resources.js';
import { LOOKUP_PLACEHOLDER } from './types.js';
import { CONTAINER_FIELDS, normaliseAwsFields, SERVICE_FIELDS, TASK_DEFINITION_FIELDS } from './aws-fields.js';

export const DEFAULT_DEPLOYMENT = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;
/** What ECS uses for a container health check field left out (and reports back). */
export const CONTAINER_HEALTH_CHECK_DEFAULTS = { intervalSeconds: 30, timeoutSeconds: 5, retries: 3 } as const;

/** The launch type a task of the service runs as: FARGATE when every capacity provider is a Fargate one. */
export function effectiveLaunchType(raw: Pick<RawServiceSpec, 'launchType' | 'capacityProviderStrategy'>): 'EC2' | 'FARGATE' {
  const providers = raw.capacityProviderStrategy ?? [];
  if (raw.launchType === undefined && providers.length > 0) {
    return providers.every((p) => p.capacityProvider === 'FARGATE' || p.capacityProvider === 'FARGATE_SPOT') ? 'FARGATE' : 'EC2';
  }
  return raw.launchType ?? 'EC2';
}

export function normaliseService(raw: RawServiceSpec): ServiceSpec {
  const launchType = effectiveLaunchType(raw);
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
  const aws = normaliseAwsFields(SERVICE_FIELDS, {
    ...raw,
    deploymentCircuitBreaker: raw.deployment?.circuitBreaker,
    alarms: raw.deployment?.alarms,
  });
  if (aws !== undefined) spec.aws = aws;
  if (raw.network !== undefined) {
    spec.network = {
      // a lookup leaves its placeholder where the ids go (src/spec/lookup-sites.ts)
      subnets: Array.isArray(raw.network.subnets) ? [...raw.network.subnets].sort() : [`${LOOKUP_PLACEHOLDER}network.subnets`],
      securityGroups: (raw.network.securityGroups ?? []).map((g, i) => (typeof g === 'string' ? g : `${LOOKUP_PLACEHOLDER}network.securityGroups[${i}]`)).sort(),
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
    aws: normaliseAwsFields(TASK_DEFINITION_FIELDS, raw),
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
    portMappings: (raw.portMappings ?? []).map((pm) =>
      withDefined({
        // a range: no single container or host port (AWS maps host ports itself), 0 on both sides
        containerPort: pm.containerPort ?? 0,
        containerPortRange: pm.containerPortRange,
        hostPort: pm.hostPort ?? defaultHostPort(networkMode, pm.containerPort ?? 0),
        protocol: pm.protocol ?? 'tcp',
        name: pm.name,
        appProtocol: pm.appProtocol,
      }),
    ),
    cpu: raw.cpu,
    memory: raw.memory,
    memoryReservation: raw.memoryReservation,
    environment,
    secrets,
    command: raw.command === undefined ? undefined : [...raw.command],
    entryPoint: raw.entryPoint === undefined ? undefined : [...raw.entryPoint],
    logs: raw.logs === undefined ? logsShorthandOf(raw.logConfiguration) : { ...raw.logs },
    healthCheck: raw.healthCheck === undefined ? undefined : normaliseContainerHealthCheck(raw.healthCheck),
    stopTimeout: raw.stopTimeout,
    aws: containerAwsFields(raw),
  });
}

type Logs = NonNullable<ContainerSpec['logs']>;
const AWSLOGS_SHORTHAND_OPTIONS = ['awslogs-group', 'awslogs-region', 'awslogs-stream-prefix'] as const;

/**
 * A logConfiguration that says exactly what the `logs` shorthand says (awslogs with group, region
 * and stream prefix, nothing else) reads as `logs`, on both sides: the two spellings compare equal.
 */
export function logsShorthandOf(logConfiguration: unknown): Logs | undefined {
  if (typeof logConfiguration !== 'object' || logConfiguration === null) return undefined;
  const lc = logConfiguration as { logDriver?: unknown; options?: Record<string, unknown>; secretOptions?: unknown[] };
  if (lc.logDriver !== 'awslogs' || (lc.secretOptions ?? []).length > 0) return undefined;
  const options = lc.options ?? {};
  const keys = Object.keys(options).sort();
  if (keys.join() !== [...AWSLOGS_SHORTHAND_OPTIONS].join()) return undefined;
  if (!keys.every((k) => typeof options[k] === 'string')) return undefined;
  return { group: options['awslogs-group'] as string, region: options['awslogs-region'] as string, streamPrefix: options['awslogs-stream-prefix'] as string };
}

/** CONTAINER_FIELDS of a container (YAML or DescribeTaskDefinition), logConfiguration left out when it reads as `logs`. */
export function containerAwsFields(source: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const fields = normaliseAwsFields(CONTAINER_FIELDS, source);
  if (fields?.logConfiguration !== undefined && logsShorthandOf(fields.logConfiguration) !== undefined) {
    const { logConfiguration: _shorthand, ...rest } = fields;
    return Object.keys(rest).length === 0 ? undefined : rest;
  }
  return fields;
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
