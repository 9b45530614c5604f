// DescribeTaskDefinition (+ tags) -> LiveTaskDefinition whose `spec` has the desired shape:
// ECS defaults filled (essential true, protocol tcp, hostPort per network mode), read-only
// fields dropped (revision, status, registeredAt, requiresAttributes, compatibilities, ...),
// environment sorted by name (secret: false: AWS cannot tell), secrets sorted, the awslogs
// driver's options as `logs`, task cpu/memory as strings, the container health check with the
// ECS defaults for fields ECS leaves out (interval 30, timeout 5, retries 3), stopTimeout as is.
import type { ContainerDefinition, HealthCheck, PortMapping as AwsPortMapping, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import { CONTAINER_HEALTH_CHECK_DEFAULTS, containerAwsFields, logsShorthandOf } from '../../spec/normalise-service.js';
import { normaliseAwsFields, TASK_DEFINITION_FIELDS } from '../../spec/aws-fields.js';
import type { ContainerHealthCheck, ContainerSpec, PortMapping, TaskDefinitionSpec } from '../../spec/types.js';
import { tagsFromEcs } from '../shared/tags-normalise.js';
import type { LiveTaskDefinition } from '../types.js';

type NetworkMode = TaskDefinitionSpec['networkMode'];

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** hostPort as ECS runs it: awsvpc/host use the container port; bridge keeps what was registered (0 = dynamic). */
export function defaultHostPort(networkMode: string, containerPort: number, hostPort: number | undefined): number {
  if (networkMode === 'awsvpc' || networkMode === 'host') return hostPort ?? containerPort;
  return hostPort ?? 0;
}

function portMappingOf(mapping: AwsPortMapping, networkMode: string): PortMapping {
  const containerPort = mapping.containerPort ?? 0;
  const out: PortMapping = {
    containerPort,
    hostPort: defaultHostPort(networkMode, containerPort, mapping.hostPort),
    protocol: mapping.protocol === 'udp' ? 'udp' : 'tcp',
  };
  if (mapping.containerPortRange !== undefined && mapping.containerPortRange !== '') out.containerPortRange = mapping.containerPortRange;
  if (mapping.name !== undefined && mapping.name !== '') out.name = mapping.name;
  if (mapping.appProtocol !== undefined) out.appProtocol = mapping.appProtocol;
  return out;
}

/** ECS reports the fields it defaulted, or leaves them out (emulators do): both read the same. */
export function healthCheckOf(hc: HealthCheck): ContainerHealthCheck {
  const out: ContainerHealthCheck = {
    command: [...(hc.command ?? [])],
    intervalSeconds: hc.interval ?? CONTAINER_HEALTH_CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: hc.timeout ?? CONTAINER_HEALTH_CHECK_DEFAULTS.timeoutSeconds,
    retries: hc.retries ?? CONTAINER_HEALTH_CHECK_DEFAULTS.retries,
  };
  if (hc.startPeriod !== undefined) out.startPeriodSeconds = hc.startPeriod;
  return out;
}

function containerOf(def: ContainerDefinition, networkMode: string): ContainerSpec {
  const out: ContainerSpec = {
    name: def.name ?? '',
    image: def.image ?? '',
    essential: def.essential ?? true,
    portMappings: (def.portMappings ?? []).map((m) => portMappingOf(m, networkMode)),
    environment: (def.environment ?? [])
      .map((kv) => ({ name: kv.name ?? '', value: kv.value ?? '', secret: false }))
      .sort(byName),
    secrets: (def.secrets ?? []).map((s) => ({ name: s.name ?? '', valueFrom: s.valueFrom ?? '' })).sort(byName),
  };
  // ECS reports an unset container cpu as 0
  if (def.cpu !== undefined && def.cpu !== 0) out.cpu = def.cpu;
  if (def.memory !== undefined) out.memory = def.memory;
  if (def.memoryReservation !== undefined) out.memoryReservation = def.memoryReservation;
  if (def.command !== undefined && def.command.length > 0) out.command = [...def.command];
  if (def.entryPoint !== undefined && def.entryPoint.length > 0) out.entryPoint = [...def.entryPoint];
  // awslogs with exactly group, region and stream prefix reads as `logs`; any other as logConfiguration
  const logs = logsShorthandOf(def.logConfiguration);
  if (logs !== undefined) out.logs = logs;
  if (def.healthCheck !== undefined && (def.healthCheck.command ?? []).length > 0) out.healthCheck = healthCheckOf(def.healthCheck);
  if (def.stopTimeout !== undefined) out.stopTimeout = def.stopTimeout;
  const aws = containerAwsFields(def as Record<string, unknown>);
  if (aws !== undefined) out.aws = aws;
  return out;
}

/** The normalised content of a task definition revision (what a desired TaskDefinitionSpec is compared with). */
export function taskDefinitionSpecOf(td: TaskDefinition): TaskDefinitionSpec {
  // ECS's default network mode for EC2 task definitions is bridge
  const networkMode = (td.networkMode ?? 'bridge') as NetworkMode;
  const compat = [...new Set(td.requiresCompatibilities ?? [])].filter((c): c is 'EC2' | 'FARGATE' => c === 'EC2' || c === 'FARGATE');
  const spec: TaskDefinitionSpec = {
    family: td.family ?? '',
    networkMode,
    // a revision registered without requiresCompatibilities is validated for EC2 only
    requiresCompatibilities: compat.length > 0 ? compat.sort() : ['EC2'],
    containers: (td.containerDefinitions ?? []).map((c) => containerOf(c, networkMode)),
  };
  if (td.cpu !== undefined && td.cpu !== '') spec.cpu = td.cpu;
  if (td.memory !== undefined && td.memory !== '') spec.memory = td.memory;
  if (td.executionRoleArn !== undefined && td.executionRoleArn !== '') spec.executionRoleArn = td.executionRoleArn;
  if (td.taskRoleArn !== undefined && td.taskRoleArn !== '') spec.taskRoleArn = td.taskRoleArn;
  const aws = normaliseAwsFields(TASK_DEFINITION_FIELDS, td as Record<string, unknown>);
  if (aws !== undefined) spec.aws = aws;
  return spec;
}

export function normaliseTaskDefinition(td: TaskDefinition, tags: Tag[]): LiveTaskDefinition {
  return {
    arn: td.taskDefinitionArn ?? '',
    family: td.family ?? '',
    revision: td.revision ?? 0,
    spec: taskDefinitionSpecOf(td),
    tags: tagsFromEcs(tags),
  };
}
