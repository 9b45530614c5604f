// The fields of RegisterTaskDefinition and CreateService that ecs-reconciler passes through in
// AWS's own names and shapes (camelCase, as `aws ecs describe-*` prints them), as data: one rule
// per field says what AWS fills in when it is left out (a value equal to it reads as absent),
// which lists AWS does not keep in order (sorted on both sides), and how a change reaches AWS.
// The one normaliser below is applied to the desired value (from YAML) and to the live one (from
// DescribeTaskDefinition / DescribeServices), so that equal meaning compares equal. Pure.
import { canonicalJson } from './spec-hash.js';

/** How a change of the field reaches AWS: UpdateService, a new task definition revision, or only a new service. */
export type FieldChange = 'in place' | 'new revision' | 'replace';

export interface FieldRule {
  /** what AWS uses (and may report) when the field is left out: a value equal to it reads as absent */
  default?: unknown;
  /** an unordered list: sorted by this member of each item (or by the item itself) */
  sortBy?: string | 'value';
  /** rules of an object's members (or of each list item's members) */
  members?: Readonly<Record<string, FieldRule>>;
}

export interface AwsField extends FieldRule {
  /** the field's name in the AWS API (and in the YAML) */
  name: string;
}

const NO: FieldRule = { default: false };
const sortedStrings: FieldRule = { sortBy: 'value' };

/** Task-level fields of RegisterTaskDefinition (under spec.taskDefinition). */
export const TASK_DEFINITION_FIELDS: readonly AwsField[] = [
  {
    name: 'volumes',
    sortBy: 'name',
    members: {
      configuredAtLaunch: NO,
      efsVolumeConfiguration: {
        members: {
          rootDirectory: { default: '/' },
          transitEncryption: { default: 'DISABLED' },
          authorizationConfig: { members: { iam: { default: 'DISABLED' } } },
        },
      },
      dockerVolumeConfiguration: {
        members: { scope: { default: 'task' }, autoprovision: NO, driverOpts: {}, labels: {} },
      },
    },
  },
  { name: 'runtimePlatform' },
  { name: 'ephemeralStorage', default: { sizeInGiB: 20 } },
  { name: 'pidMode' },
  { name: 'ipcMode' },
  { name: 'proxyConfiguration', members: { type: { default: 'APPMESH' }, properties: { sortBy: 'name' } } },
  { name: 'placementConstraints', sortBy: 'value' },
];

/** Container fields of RegisterTaskDefinition (under spec.taskDefinition.containers[]). */
export const CONTAINER_FIELDS: readonly AwsField[] = [
  { name: 'dependsOn', sortBy: 'containerName' },
  { name: 'logConfiguration', members: { secretOptions: { sortBy: 'name' } } },
  { name: 'firelensConfiguration' },
  { name: 'mountPoints', sortBy: 'containerPath', members: { readOnly: NO } },
  { name: 'volumesFrom', sortBy: 'sourceContainer', members: { readOnly: NO } },
  { name: 'ulimits', sortBy: 'name' },
  {
    name: 'linuxParameters',
    members: {
      capabilities: { members: { add: sortedStrings, drop: sortedStrings } },
      devices: { sortBy: 'hostPath', members: { permissions: sortedStrings } },
      initProcessEnabled: NO,
      tmpfs: { sortBy: 'containerPath', members: { mountOptions: sortedStrings } },
    },
  },
  { name: 'user' },
  { name: 'readonlyRootFilesystem', default: false },
  { name: 'workingDirectory' },
  { name: 'dockerLabels' },
  { name: 'systemControls', sortBy: 'namespace' },
  { name: 'repositoryCredentials' },
  { name: 'resourceRequirements', sortBy: 'type' },
  { name: 'startTimeout' },
  { name: 'privileged', default: false },
  { name: 'interactive', default: false },
  { name: 'pseudoTerminal', default: false },
  { name: 'extraHosts', sortBy: 'hostname' },
  // the resolver tries them in order: kept as written
  { name: 'dnsServers' },
  { name: 'hostname' },
];

export interface ServiceField extends AwsField {
  /** the path in the spec (and in diffs), when it is not the AWS name */
  path?: string;
  change: FieldChange;
  /** compared only when the YAML declares it (AWS's default depends on the account or on the request) */
  declaredOnly?: boolean;
  /** moto never reports it (real AWS reports it per deployment): compared only when read */
  unobservable?: boolean;
}

/** CreateService / UpdateService fields (under spec, and spec.deployment for the two of deploymentConfiguration). */
export const SERVICE_FIELDS: readonly ServiceField[] = [
  // order kept: AWS uses the base of the first provider that has one
  { name: 'capacityProviderStrategy', change: 'in place', members: { base: { default: 0 }, weight: { default: 0 } } },
  { name: 'deploymentCircuitBreaker', path: 'deployment.circuitBreaker', change: 'in place', default: { enable: false, rollback: false } },
  {
    name: 'alarms',
    path: 'deployment.alarms',
    change: 'in place',
    members: { alarmNames: sortedStrings },
    default: { enable: false, rollback: false },
  },
  { name: 'placementConstraints', change: 'in place', sortBy: 'value' },
  // order kept: the strategies apply in order
  { name: 'placementStrategy', change: 'in place' },
  { name: 'enableExecuteCommand', change: 'in place', default: false },
  { name: 'propagateTags', change: 'in place', declaredOnly: true },
  { name: 'enableECSManagedTags', change: 'in place', default: false },
  { name: 'platformVersion', change: 'in place', default: 'LATEST' },
  { name: 'serviceRegistries', change: 'in place', sortBy: 'registryArn' },
  { name: 'serviceConnectConfiguration', change: 'in place', unobservable: true, default: { enabled: false } },
  { name: 'availabilityZoneRebalancing', change: 'in place', declaredOnly: true },
];

/** The path of a service field in the spec and in diffs. */
export function servicePath(field: ServiceField): string {
  return field.path ?? field.name;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortKey(item: unknown, by: string): string {
  if (by !== 'value' && isPlainObject(item)) {
    const v = item[by];
    return typeof v === 'string' ? v : canonicalJson(v ?? null);
  }
  return typeof item === 'string' ? item : canonicalJson(item);
}

/**
 * One value in canonical form: undefined/null, empty lists and empty objects read as absent;
 * members apply their own rules; unordered lists are sorted; a value equal to the default is absent.
 */
export function normaliseAwsValue(value: unknown, rule: FieldRule = {}): unknown {
  let out: unknown;
  if (value === undefined || value === null) out = undefined;
  else if (Array.isArray(value)) {
    const items = value.map((item) => (isPlainObject(item) ? normaliseObject(item, rule.members) : item)).filter((i) => i !== undefined);
    if (rule.sortBy !== undefined) {
      const by = rule.sortBy;
      items.sort((a, b) => {
        const ka = sortKey(a, by);
        const kb = sortKey(b, by);
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
    }
    out = items.length === 0 ? undefined : items;
  } else if (isPlainObject(value)) out = normaliseObject(value, rule.members);
  else out = value;
  if (out !== undefined && rule.default !== undefined) {
    const fallback = isPlainObject(rule.default) ? normaliseObject(rule.default, rule.members) ?? {} : rule.default;
    if (canonicalJson(out) === canonicalJson(fallback)) return undefined;
    // an object whose members are all defaults (e.g. `{ enable: false }`) is absent too
    if (isPlainObject(out) && isPlainObject(rule.default) && Object.keys(out).every((k) => k in (rule.default as object))) {
      const d = rule.default as Record<string, unknown>;
      if (Object.entries(out).every(([k, v]) => canonicalJson(v) === canonicalJson(d[k]))) return undefined;
    }
  }
  return out;
}

function normaliseObject(value: Record<string, unknown>, members: Readonly<Record<string, FieldRule>> | undefined): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = normaliseAwsValue(value[key], members?.[key]);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The fields of `table` present in `source` (after normalisation), by name; absent when none. */
export function normaliseAwsFields(table: readonly AwsField[], source: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const field of table) {
    const v = normaliseAwsValue(source[field.name], field);
    if (v !== undefined) out[field.name] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
