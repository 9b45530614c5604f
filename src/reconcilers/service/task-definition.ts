// Task definitions are compared by content (normalised TaskDefinitionSpec), never by ARN.
// Env values marked `secret: true` in the YAML never appear in a diff: both sides read `(secret)`;
// the `secret` flag itself is not compared. Pure.
import { specHash } from '../../spec/spec-hash.js';
import type { ContainerSpec, EnvVar, TaskDefinitionSpec } from '../../spec/types.js';
import { diffField, diffSet, valuesEqual } from '../shared/compare-values.js';
import type { FieldDiff } from '../types.js';

export const SECRET_PLACEHOLDER = '(secret)';
/** A live env value whose variable the files no longer declare: it may have been a secret. */
export const UNDECLARED_ENV_PLACEHOLDER = '(set)';

function emptyToUndefined<T>(list: readonly T[] | undefined): T[] | undefined {
  return list === undefined || list.length === 0 ? undefined : [...list];
}

function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

function canonicalContainer(c: ContainerSpec): Record<string, unknown> {
  return {
    name: c.name,
    image: c.image,
    essential: c.essential,
    portMappings: [...c.portMappings]
      .map((p) => ({ containerPort: p.containerPort, containerPortRange: p.containerPortRange, hostPort: p.hostPort, protocol: p.protocol, name: p.name, appProtocol: p.appProtocol }))
      .sort(byKey((p) => `${String(p.containerPort).padStart(5, '0')}/${p.containerPortRange ?? ''}/${p.protocol}/${p.hostPort}`)),
    cpu: c.cpu === 0 ? undefined : c.cpu,
    memory: c.memory,
    memoryReservation: c.memoryReservation,
    environment: [...c.environment].map((e) => ({ name: e.name, value: e.value })).sort(byKey((e) => e.name)),
    secrets: [...c.secrets].map((s) => ({ name: s.name, valueFrom: s.valueFrom })).sort(byKey((s) => s.name)),
    command: emptyToUndefined(c.command),
    entryPoint: emptyToUndefined(c.entryPoint),
    logs: c.logs === undefined ? undefined : { group: c.logs.group, region: c.logs.region, streamPrefix: c.logs.streamPrefix },
    healthCheck:
      c.healthCheck === undefined
        ? undefined
        : {
            command: [...c.healthCheck.command],
            intervalSeconds: c.healthCheck.intervalSeconds,
            timeoutSeconds: c.healthCheck.timeoutSeconds,
            retries: c.healthCheck.retries,
            startPeriodSeconds: c.healthCheck.startPeriodSeconds,
          },
    stopTimeout: c.stopTimeout,
    aws: c.aws,
  };
}

/** The content of a task definition in a canonical form: what "same content" means. */
export function canonicalTaskDefinition(spec: TaskDefinitionSpec): Record<string, unknown> {
  return {
    family: spec.family,
    networkMode: spec.networkMode,
    cpu: spec.cpu,
    memory: spec.memory,
    executionRoleArn: spec.executionRoleArn,
    taskRoleArn: spec.taskRoleArn,
    requiresCompatibilities: [...new Set(spec.requiresCompatibilities)].sort(),
    containers: [...spec.containers].sort(byKey((c) => c.name)).map(canonicalContainer),
    aws: spec.aws,
  };
}

/** Value of the `ecs-reconciler/content-hash` tag on a revision: equal content, equal hash. */
export function taskDefinitionContentHash(spec: TaskDefinitionSpec): string {
  return specHash(canonicalTaskDefinition(spec));
}

export function sameTaskDefinitionContent(a: TaskDefinitionSpec, b: TaskDefinitionSpec): boolean {
  return valuesEqual(canonicalTaskDefinition(a), canonicalTaskDefinition(b));
}

function diffEnvironment(out: FieldDiff[], path: string, live: readonly EnvVar[], desired: readonly EnvVar[]): void {
  const liveByName = new Map(live.map((e) => [e.name, e]));
  const desiredByName = new Map(desired.map((e) => [e.name, e]));
  const names = [...new Set([...liveByName.keys(), ...desiredByName.keys()])].sort();
  for (const name of names) {
    const l = liveByName.get(name);
    const d = desiredByName.get(name);
    if (l?.value === d?.value) continue;
    const secret = d?.secret === true;
    const shownLive = l === undefined ? undefined : secret ? SECRET_PLACEHOLDER : d === undefined ? UNDECLARED_ENV_PLACEHOLDER : l.value;
    const shownDesired = d === undefined ? undefined : secret ? SECRET_PLACEHOLDER : d.value;
    out.push({ path: `${path}.${name}`, live: shownLive, desired: shownDesired });
  }
}

function summary(c: ContainerSpec): string {
  return `image ${c.image}`;
}

function diffContainer(out: FieldDiff[], path: string, live: ContainerSpec, desired: ContainerSpec): void {
  const l = canonicalContainer(live);
  const d = canonicalContainer(desired);
  const keys = ['image', 'essential', 'portMappings', 'cpu', 'memory', 'memoryReservation', 'secrets', 'command', 'entryPoint', 'stopTimeout'] as const;
  for (const key of keys) diffField(out, `${path}.${key}`, l[key], d[key]);
  diffEnvironment(out, `${path}.environment`, live.environment, desired.environment);
  diffObject(out, `${path}.logs`, l.logs, d.logs);
  diffObject(out, `${path}.healthCheck`, l.healthCheck, d.healthCheck);
  diffAwsFields(out, path, live.aws, desired.aws);
}

/** The AWS-shaped fields (aws-fields.ts), one diff per field named as in the YAML. */
function diffAwsFields(out: FieldDiff[], path: string, live: Readonly<Record<string, unknown>> | undefined, desired: Readonly<Record<string, unknown>> | undefined): void {
  const keys = [...new Set([...Object.keys(live ?? {}), ...Object.keys(desired ?? {})])].sort();
  for (const key of keys) diffField(out, `${path}.${key}`, live?.[key], desired?.[key]);
}

/** Field by field when both sides have the object; else the whole object (added or removed). */
function diffObject(out: FieldDiff[], path: string, live: unknown, desired: unknown): void {
  if (live === undefined || desired === undefined) {
    diffField(out, path, live, desired);
    return;
  }
  const l = live as Record<string, unknown>;
  const d = desired as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(l), ...Object.keys(d)])]) diffField(out, `${path}.${key}`, l[key], d[key]);
}

/** Field differences between the running revision's content and the desired one, under `prefix`. */
export function diffTaskDefinition(live: TaskDefinitionSpec, desired: TaskDefinitionSpec, prefix = 'taskDefinition'): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const key of ['family', 'networkMode', 'cpu', 'memory', 'executionRoleArn', 'taskRoleArn'] as const) {
    diffField(out, `${prefix}.${key}`, live[key], desired[key]);
  }
  diffSet(out, `${prefix}.requiresCompatibilities`, live.requiresCompatibilities, desired.requiresCompatibilities);
  diffAwsFields(out, prefix, live.aws, desired.aws);
  const liveByName = new Map(live.containers.map((c) => [c.name, c]));
  const desiredByName = new Map(desired.containers.map((c) => [c.name, c]));
  const names = [...new Set([...liveByName.keys(), ...desiredByName.keys()])].sort();
  for (const name of names) {
    const path = `${prefix}.containers[${name}]`;
    const l = liveByName.get(name);
    const d = desiredByName.get(name);
    if (l !== undefined && d !== undefined) diffContainer(out, path, l, d);
    else out.push({ path, live: l === undefined ? undefined : summary(l), desired: d === undefined ? undefined : summary(d) });
  }
  return out;
}
