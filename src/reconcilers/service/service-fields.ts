// The CreateService / UpdateService fields of SERVICE_FIELDS (src/spec/aws-fields.ts), as data:
// read from a DescribeServices (or CreateService / UpdateService) answer, compared with the
// desired ones, and written. Also how each service field changes on AWS (in place with
// UpdateService, by a new task definition revision, or only by a new service). Pure.
import type { CreateServiceCommandInput, DeploymentConfiguration, Service } from '@aws-sdk/client-ecs';
import { normaliseAwsFields, SERVICE_FIELDS, servicePath, type FieldChange } from '../../spec/aws-fields.js';
import type { DesiredOf, ServiceSpec } from '../../spec/types.js';
import { diffField } from '../shared/compare-values.js';
import { TAG_SPEC_HASH } from '../shared/resource-types.js';
import type { FieldDiff, LiveService } from '../types.js';

type DesiredService = DesiredOf<'Service'>;

/** What a live value reads as when AWS reports none for a field it cannot be seen to keep. */
export const NOT_REPORTED = '(not reported by AWS)';

/** SERVICE_FIELDS of a service as ECS reports them (Service Connect: the PRIMARY deployment's). */
export function liveServiceFields(service: Service): Record<string, unknown> | undefined {
  const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
  return normaliseAwsFields(SERVICE_FIELDS, {
    ...(service as Record<string, unknown>),
    deploymentCircuitBreaker: service.deploymentConfiguration?.deploymentCircuitBreaker,
    alarms: service.deploymentConfiguration?.alarms,
    serviceConnectConfiguration: primary?.serviceConnectConfiguration,
  });
}

/**
 * One diff per SERVICE_FIELDS field that differs, at its YAML path. A `declaredOnly` field is
 * compared only when declared; an `unobservable` one that AWS does not report is taken as written
 * when the service's spec-hash tag says our last write was of this very spec (`skip`: not compared).
 */
export function diffServiceFields(out: FieldDiff[], desired: DesiredService, live: LiveService, unreported: 'tag' | 'skip' = 'tag'): void {
  for (const field of SERVICE_FIELDS) {
    const want = desired.spec.aws?.[field.name];
    const have = live.aws?.[field.name];
    if (field.declaredOnly === true && want === undefined) continue;
    if (field.unobservable === true && have === undefined && want !== undefined) {
      if (unreported === 'tag' && live.tags[TAG_SPEC_HASH] !== desired.specHash) out.push({ path: servicePath(field), live: NOT_REPORTED, desired: want });
      continue;
    }
    diffField(out, servicePath(field), have, want);
  }
}

/** The deploymentConfiguration of a spec: percentages, the circuit breaker and the alarms (the defaults when not declared). */
export function deploymentConfigurationOf(spec: ServiceSpec): DeploymentConfiguration {
  return {
    ...spec.deployment,
    deploymentCircuitBreaker: (spec.aws?.deploymentCircuitBreaker as DeploymentConfiguration['deploymentCircuitBreaker']) ?? { enable: false, rollback: false },
    ...(spec.aws?.alarms === undefined ? {} : { alarms: spec.aws.alarms as DeploymentConfiguration['alarms'] }),
  };
}

/** Fields of the deploymentConfiguration (sent as a whole). */
const DEPLOYMENT_FIELDS = new Set(['deploymentCircuitBreaker', 'alarms']);

/**
 * The SERVICE_FIELDS fields named (by YAML path) as CreateService / UpdateService members. A
 * field the spec no longer declares is sent as AWS's default (lists: empty, which clears them).
 * The two deploymentConfiguration fields are not here: deploymentConfigurationOf sends them.
 */
export function serviceFieldsInput(spec: ServiceSpec, paths: ReadonlySet<string> | 'declared'): Partial<CreateServiceCommandInput> {
  const out: Record<string, unknown> = {};
  for (const field of SERVICE_FIELDS) {
    if (DEPLOYMENT_FIELDS.has(field.name)) continue;
    const want = spec.aws?.[field.name];
    if (paths === 'declared') {
      if (want !== undefined) out[field.name] = want;
      continue;
    }
    if (!paths.has(servicePath(field))) continue;
    if (want !== undefined) out[field.name] = want;
    else if (field.default !== undefined) out[field.name] = field.default;
    else if (field.declaredOnly !== true) out[field.name] = [];
  }
  return out as Partial<CreateServiceCommandInput>;
}

/** Whether a diff path is one of the deployment configuration's. */
export function isDeploymentPath(path: string): boolean {
  return path === 'deployment' || path.startsWith('deployment.');
}

/** How a change of the service field at `path` reaches AWS. */
export function fieldChangeOf(path: string): FieldChange {
  if (path.startsWith('taskDefinition.') || path === 'taskDefinition') return 'new revision';
  if (path === 'launchType') return 'replace';
  const field = SERVICE_FIELDS.find((f) => path === servicePath(f) || path.startsWith(`${servicePath(f)}.`));
  return field?.change ?? 'in place';
}

/** The plan's lines saying how the diffs of a service reach AWS, grouped: in place (UpdateService) or only by a replace. */
export function changeRouteLines(diffs: readonly FieldDiff[]): string[] {
  const groups = new Map<FieldChange, string[]>();
  for (const d of diffs) {
    const how = fieldChangeOf(d.path);
    const paths = groups.get(how) ?? [];
    const shown = how === 'new revision' ? 'taskDefinition' : d.path;
    if (!paths.includes(shown)) paths.push(shown);
    groups.set(how, paths);
  }
  const label: Record<FieldChange, string> = {
    'in place': 'in place (UpdateService)',
    'new revision': 'by a new task definition revision',
    replace: 'only by replacing the service',
  };
  // a new revision has its own line (the service's detailLines): "registers a new task definition revision ..."
  return [...groups].filter(([how]) => how !== 'new revision').map(([how, paths]) => `    changes ${label[how]}: ${paths.join(', ')}`);
}

/** What a change AWS cannot make to an existing service is (a new service is needed), for the plan line. */
export interface NeededReplace {
  /** `launchType EC2 -> FARGATE`, `capacityProviderStrategy -> launchType FARGATE` */
  what: string;
  /** the conflict's explanation, without the opt-in */
  detail: string;
}

/**
 * A change AWS cannot make to an existing service (it needs a new service), or undefined. ECS
 * moves a service from a launch type onto capacity providers with UpdateService (and a new
 * deployment), but not back, and never between launch types.
 */
export function neededReplace(desired: DesiredService, live: LiveService): NeededReplace | undefined {
  const wantsProviders = desired.spec.aws?.capacityProviderStrategy !== undefined;
  const usesProviders = live.aws?.capacityProviderStrategy !== undefined;
  if (usesProviders && !wantsProviders) {
    return {
      what: `capacityProviderStrategy -> launchType ${desired.spec.launchType}`,
      detail:
        `the service runs on a capacity provider strategy and the file asks for launchType ${desired.spec.launchType}: ` +
        'ECS cannot move a service from capacity providers back to a launch type with UpdateService (it needs a new service)',
    };
  }
  if (!wantsProviders && live.launchType !== '' && live.launchType !== desired.spec.launchType) {
    return {
      what: `launchType ${live.launchType} -> ${desired.spec.launchType}`,
      detail: `launch type ${live.launchType} -> ${desired.spec.launchType} cannot change on an existing ECS service (it needs a new service)`,
    };
  }
  return undefined;
}

/** The conflict of a needed replace without the opt-in: what, and the ways out (the opt-in named). */
export function replaceConflict(desired: DesiredService, live: LiveService): string | undefined {
  const needed = neededReplace(desired, live);
  if (needed === undefined) return undefined;
  const keep = needed.what.startsWith('capacityProviderStrategy') ? 'keep capacityProviderStrategy' : `keep launchType ${live.launchType}`;
  return (
    `${desired.id}: ${needed.detail}: ${keep}, or set metadata.allowReplace: true to let apply replace it ` +
    '(scale to 0, delete, create again under the same name: a short outage), or delete the service (or rename it) and apply again'
  );
}
