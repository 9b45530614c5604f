// Shared ownership (issue 15): a field `metadata.ignore` names (or a scaler owns) belongs to
// someone else, CI or Application Auto Scaling. The writes that must send it anyway (a new task
// definition revision, an UpdateService) send its live value, never the file's: otherwise the next
// unrelated change would silently roll CI's image back. `writeSpec` is the file's spec with every
// ignored difference set to the live value; on create there is no live value and the file's is
// the initial one. Pure.
import type { ContainerSpec, DesiredOf, ServiceSpec, TaskDefinitionSpec } from '../../spec/types.js';
import { isIgnored } from '../shared/compare-values.js';
import type { FieldDiff } from '../shared/resource-types.js';
import type { KeptField, LiveService } from './types.js';

type Json = Record<string, unknown>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Sets `keys` below `target` to the value at the same keys below `source` (absent: removed). */
function copyAt(target: Json, source: Json | undefined, keys: readonly string[]): void {
  let t: Json = target;
  let s: Json | undefined = source;
  for (const key of keys.slice(0, -1)) {
    s = s?.[key] as Json | undefined;
    if (s === undefined) {
      // the whole parent is absent live: keep the parent as live has it
      delete t[key];
      return;
    }
    if (typeof t[key] !== 'object' || t[key] === null) t[key] = {};
    t = t[key] as Json;
  }
  const last = keys[keys.length - 1] ?? '';
  const value = s?.[last];
  if (value === undefined) delete t[last];
  else t[last] = clone(value);
}

function keepContainerField(write: ContainerSpec, live: ContainerSpec, rest: readonly string[]): void {
  if (rest[0] === 'environment' && rest.length > 1) {
    const name = rest.slice(1).join('.');
    const liveVar = live.environment.find((e) => e.name === name);
    const others = write.environment.filter((e) => e.name !== name);
    const secret = write.environment.find((e) => e.name === name)?.secret ?? false;
    write.environment = (liveVar === undefined ? others : [...others, { name, value: liveVar.value, secret }]).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    return;
  }
  copyAt(write as unknown as Json, live as unknown as Json, rest);
}

/** `taskDefinition.containers[api].image` -> `['containers', 'api', 'image']`-like parts. */
function parseTaskDefinitionPath(path: string): { container?: string; rest: string[] } | undefined {
  const m = /^taskDefinition\.containers\[([^\]]+)\](?:\.(.*))?$/.exec(path);
  if (m !== null) return { container: m[1] ?? '', rest: m[2] === undefined ? [] : m[2].split('.') };
  if (!path.startsWith('taskDefinition.')) return undefined;
  return { rest: path.slice('taskDefinition.'.length).split('.') };
}

/** The task definition the writes register: the file's, with each ignored difference at its live value. */
export function taskDefinitionKeepingLive(desired: TaskDefinitionSpec, live: TaskDefinitionSpec, ignored: readonly FieldDiff[]): TaskDefinitionSpec {
  const write = clone(desired);
  for (const diff of ignored) {
    const at = parseTaskDefinitionPath(diff.path);
    if (at === undefined) continue;
    if (at.container === undefined) {
      copyAt(write as unknown as Json, live as unknown as Json, at.rest);
      continue;
    }
    const liveContainer = live.containers.find((c) => c.name === at.container);
    const index = write.containers.findIndex((c) => c.name === at.container);
    if (at.rest.length === 0) {
      // a whole container ignored: as live has it (there or not)
      if (index >= 0) write.containers.splice(index, 1);
      if (liveContainer !== undefined) write.containers.splice(index >= 0 ? index : write.containers.length, 0, clone(liveContainer));
      continue;
    }
    const container = write.containers[index];
    if (container === undefined || liveContainer === undefined) continue;
    keepContainerField(container, liveContainer, at.rest);
  }
  return write;
}

/** Service fields (outside the task definition) the writes send: the ignored ones at their live value. */
function serviceKeepingLive(write: ServiceSpec, live: LiveService, ignored: readonly FieldDiff[]): void {
  for (const { path } of ignored) {
    if (path === 'desiredCount') write.desiredCount = live.desiredCount;
    else if (path === 'deployment.maximumPercent') write.deployment.maximumPercent = live.deployment.maximumPercent;
    else if (path === 'deployment.minimumHealthyPercent') write.deployment.minimumHealthyPercent = live.deployment.minimumHealthyPercent;
    else if (path === 'healthCheckGracePeriodSeconds') write.healthCheckGracePeriodSeconds = live.healthCheckGracePeriodSeconds ?? 0;
    else if (path === 'loadBalancers') {
      write.loadBalancers = live.loadBalancers.map((lb) => ({ targetGroup: { arn: lb.targetGroupArn }, containerName: lb.containerName, containerPort: lb.containerPort }));
    } else if (path.startsWith('network.') && live.network !== undefined && write.network !== undefined) {
      const key = path.slice('network.'.length) as keyof typeof live.network;
      (write.network as unknown as Json)[key] = clone(live.network[key]);
    } else if (path.startsWith('tags.')) {
      const key = path.slice('tags.'.length);
      const value = live.tags[key];
      if (value === undefined) delete write.tags[key];
      else write.tags[key] = value;
    }
  }
}

export interface SharedOwnership {
  /** what the writes send (the file's spec, ignored fields at their live value) */
  writeSpec: ServiceSpec;
  /** the ignored fields that differ, with the live value the writes keep */
  kept: KeptField[];
}

/**
 * `all`: every difference before `ignore`; `ignore`: the file's paths plus those another owner
 * holds (`owners`: path -> owner, e.g. desiredCount -> ScalableTarget/api).
 */
export function keepIgnoredLive(
  desired: DesiredOf<'Service'>,
  live: LiveService,
  all: readonly FieldDiff[],
  ignore: readonly string[],
  owners: ReadonlyMap<string, string> = new Map(),
): SharedOwnership {
  const ignored = all.filter((d) => isIgnored(d.path, ignore));
  const writeSpec = clone(desired.spec);
  const tdIgnored = ignored.filter((d) => d.path.startsWith('taskDefinition.'));
  if (tdIgnored.length > 0) writeSpec.taskDefinition = taskDefinitionKeepingLive(desired.spec.taskDefinition, live.taskDefinition.spec, tdIgnored);
  serviceKeepingLive(writeSpec, live, ignored.filter((d) => !d.path.startsWith('taskDefinition.')));
  const kept = ignored.map((d) => ({ path: d.path, live: d.live, owner: owners.get(d.path) ?? 'ignored' }));
  return { writeSpec, kept };
}

