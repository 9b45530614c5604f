// What AWS would refuse at apply time in the AWS-named fields (src/spec/aws-fields.ts): capacity
// providers with a launch type, Fargate with what only EC2 has (bind mounts, Docker volumes,
// placement, host settings), containers and volumes named but not declared, dependsOn loops,
// Service Connect without named ports, the FireLens router, image references AWS rejects, logs
// given twice. Each error at the field, saying what to change.
import type { SpecError } from './types.js';
import type { RawContainer, ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C, suggestionSuffix } from './spec-errors.js';
import type { SpecErrorCode } from './spec-errors.js';
import { docError } from './check-error.js';
import { effectiveLaunchType } from './normalise-service.js';

type ServiceDoc = ValidDocOf<'Service'>;
type Path = (string | number)[];
type Report = (path: Path, code: SpecErrorCode, message: string, target?: 'key' | 'value') => void;

interface Volume {
  name: string;
  host?: { sourcePath?: string };
  dockerVolumeConfiguration?: unknown;
}
interface DependsOn {
  containerName: string;
  condition: string;
}

const TD = ['spec', 'taskDefinition'];

export function checkServiceFields(doc: ServiceDoc): SpecError[] {
  const out: SpecError[] = [];
  const err: Report = (path, code, message, target = 'value') => out.push(docError(doc, path, code, message, target));
  checkCapacityProviders(doc, err);
  const fargate = effectiveLaunchType(doc.spec) === 'FARGATE';
  if (fargate) checkFargateService(doc, err);
  checkVolumes(doc, fargate, err);
  checkContainers(doc, fargate, err);
  checkServiceConnect(doc, err);
  return out;
}

function checkCapacityProviders(doc: ServiceDoc, err: Report): void {
  const strategy = doc.spec.capacityProviderStrategy;
  if (strategy === undefined) return;
  if (doc.spec.launchType !== undefined) {
    err(['spec', 'launchType'], C.launchTypeAndProviders,
      `launchType ${doc.spec.launchType} and capacityProviderStrategy exclude each other (AWS refuses both): remove launchType, the capacity providers decide where tasks run`, 'key');
  }
  const seen = new Set<string>();
  strategy.forEach((item, i) => {
    if (seen.has(item.capacityProvider)) {
      err(['spec', 'capacityProviderStrategy', i, 'capacityProvider'], C.capacityProviders, `capacity provider ${item.capacityProvider} is listed twice: keep one entry per provider`);
    }
    seen.add(item.capacityProvider);
  });
  const withBase = strategy.flatMap((item, i) => ((item.base ?? 0) > 0 ? [i] : []));
  for (const i of withBase.slice(1)) {
    err(['spec', 'capacityProviderStrategy', i, 'base'], C.capacityProviders,
      `only one capacity provider of a strategy may have a base (capacityProviderStrategy[${withBase[0]}] has one): remove this base or that one`);
  }
  const isFargate = (p: string): boolean => p === 'FARGATE' || p === 'FARGATE_SPOT';
  if (strategy.some((s) => isFargate(s.capacityProvider)) && strategy.some((s) => !isFargate(s.capacityProvider))) {
    const i = strategy.findIndex((s) => !isFargate(s.capacityProvider));
    err(['spec', 'capacityProviderStrategy', i, 'capacityProvider'], C.capacityProviders,
      `${strategy[i]!.capacityProvider} is an Auto Scaling group provider and the strategy also has Fargate ones: AWS accepts one kind only; use FARGATE/FARGATE_SPOT or Auto Scaling group providers`);
  }
}

function checkFargateService(doc: ServiceDoc, err: Report): void {
  for (const field of ['placementConstraints', 'placementStrategy'] as const) {
    if (doc.spec[field] !== undefined) {
      err(['spec', field], C.fargateUnsupported, `${field} applies to EC2 instances; Fargate places tasks itself: remove ${field}`, 'key');
    }
  }
  const td = doc.spec.taskDefinition as Record<string, unknown>;
  if (td.ipcMode !== undefined) err([...TD, 'ipcMode'], C.fargateUnsupported, 'Fargate does not support ipcMode: remove it', 'key');
  if (td.placementConstraints !== undefined) {
    err([...TD, 'placementConstraints'], C.fargateUnsupported, 'Fargate does not support task placementConstraints: remove them', 'key');
  }
}

function checkVolumes(doc: ServiceDoc, fargate: boolean, err: Report): void {
  const td = doc.spec.taskDefinition as Record<string, unknown>;
  const volumes = (td.volumes as Volume[] | undefined) ?? [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    if (names.has(v.name)) err([...TD, 'volumes', i, 'name'], C.duplicateVolume, `volume name '${v.name}' is declared twice: volume names must be unique`);
    names.add(v.name);
    if (fargate && v.host?.sourcePath !== undefined) {
      err([...TD, 'volumes', i, 'host', 'sourcePath'], C.fargateUnsupported,
        `Fargate has no host paths (bind mount '${v.name}'): remove sourcePath (task storage) or use an efsVolumeConfiguration`, 'key');
    }
    if (fargate && v.dockerVolumeConfiguration !== undefined) {
      err([...TD, 'volumes', i, 'dockerVolumeConfiguration'], C.fargateUnsupported,
        `Fargate does not support Docker volumes (volume '${v.name}'): use an efsVolumeConfiguration or a bind mount without sourcePath`, 'key');
    }
  });
  const containerNames = doc.spec.taskDefinition.containers.map((c) => c.name);
  doc.spec.taskDefinition.containers.forEach((c, i) => {
    ((c.mountPoints as { sourceVolume: string }[] | undefined) ?? []).forEach((m, j) => {
      if (!names.has(m.sourceVolume)) {
        err([...TD, 'containers', i, 'mountPoints', j, 'sourceVolume'], C.unknownVolume,
          `volume '${m.sourceVolume}' is not declared in taskDefinition.volumes${suggestionSuffix(m.sourceVolume, [...names])}: add it there or fix sourceVolume`);
      }
    });
    ((c.volumesFrom as { sourceContainer: string }[] | undefined) ?? []).forEach((v, j) => {
      if (!containerNames.includes(v.sourceContainer) || v.sourceContainer === c.name) {
        err([...TD, 'containers', i, 'volumesFrom', j, 'sourceContainer'], C.unknownContainer,
          `volumesFrom names '${v.sourceContainer}', which is not another container of this task${suggestionSuffix(v.sourceContainer, containerNames)}`);
      }
    });
  });
  const proxy = td.proxyConfiguration as { containerName?: string } | undefined;
  if (proxy?.containerName !== undefined && !containerNames.includes(proxy.containerName)) {
    err([...TD, 'proxyConfiguration', 'containerName'], C.unknownContainer,
      `proxyConfiguration names container '${proxy.containerName}', which is not in the task definition${suggestionSuffix(proxy.containerName, containerNames)}`);
  }
}

/** Fields Fargate (and awsvpc) refuse on a container. */
const FARGATE_CONTAINER_FIELDS = ['privileged', 'dnsServers', 'extraHosts', 'hostname'] as const;
const FARGATE_LINUX_PARAMETERS = ['devices', 'sharedMemorySize', 'tmpfs', 'maxSwap', 'swappiness'] as const;

function checkContainers(doc: ServiceDoc, fargate: boolean, err: Report): void {
  const containers = doc.spec.taskDefinition.containers;
  const names = containers.map((c) => c.name);
  const at = (i: number, ...rest: Path): Path => [...TD, 'containers', i, ...rest];
  containers.forEach((c, i) => {
    checkImage(c, at(i, 'image'), err);
    if (c.logs !== undefined && c.logConfiguration !== undefined) {
      err(at(i, 'logConfiguration'), C.logsTwice, `container '${c.name}' has both logs and logConfiguration: keep one (logs is the awslogs shorthand)`, 'key');
    }
    if (fargate) {
      for (const field of FARGATE_CONTAINER_FIELDS) {
        if (c[field] !== undefined && c[field] !== false) err(at(i, field), C.fargateUnsupported, `Fargate does not support ${field} (container '${c.name}'): remove it`, 'key');
      }
      const linux = (c.linuxParameters ?? {}) as Record<string, unknown>;
      for (const field of FARGATE_LINUX_PARAMETERS) {
        if (linux[field] !== undefined) err(at(i, 'linuxParameters', field), C.fargateUnsupported, `Fargate does not support linuxParameters.${field} (container '${c.name}'): remove it`, 'key');
      }
    }
    ((c.dependsOn as DependsOn[] | undefined) ?? []).forEach((d, j) => {
      const target = containers.find((x) => x.name === d.containerName);
      if (target === undefined) {
        err(at(i, 'dependsOn', j, 'containerName'), C.dependsOn,
          `dependsOn names container '${d.containerName}', which is not in the task definition${suggestionSuffix(d.containerName, names)}`);
      } else if (d.condition === 'HEALTHY' && target.healthCheck === undefined) {
        err(at(i, 'dependsOn', j, 'condition'), C.dependsOn,
          `condition HEALTHY needs a healthCheck on container '${d.containerName}': add one there or use condition START`);
      }
    });
  });
  checkDependencyCycle(containers, err);
  checkFirelens(containers, err);
}

function checkImage(c: RawContainer, path: Path, err: Report): void {
  // imageFrom instead of image: the image is read from SSM each cycle
  if (c.image === undefined) return;
  if (/\$\{[^}]*\}?/.test(c.image)) {
    err(path, C.imageReference, `image '${c.image}' holds a literal \${...} that no variable replaced: define the variable (--values, or the target's values) or write the image out`);
  } else if (/\s/.test(c.image)) {
    err(path, C.imageReference, `image '${c.image}' contains whitespace, which no image reference may: remove it`);
  }
}

function checkDependencyCycle(containers: readonly RawContainer[], err: Report): void {
  const deps = new Map(containers.map((c) => [c.name, ((c.dependsOn as DependsOn[] | undefined) ?? []).map((d) => d.containerName)]));
  const reported = new Set<string>();
  containers.forEach((c, i) => {
    // a path from c back to c through dependsOn
    const path = cycleFrom(c.name, deps);
    if (path === undefined || path.some((n) => reported.has(n))) return;
    for (const n of path) reported.add(n);
    err([...TD, 'containers', i, 'dependsOn'], C.dependsOn,
      `dependsOn forms a loop (${[...path, c.name].join(' -> ')}): ECS could start none of them; remove one of these dependsOn entries`, 'key');
  });
}

function cycleFrom(start: string, deps: ReadonlyMap<string, string[]>): string[] | undefined {
  const seen = new Set<string>();
  const walk = (name: string, trail: string[]): string[] | undefined => {
    for (const next of deps.get(name) ?? []) {
      if (next === start) return [...trail, name];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...trail, name]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(start, []);
}

function checkFirelens(containers: readonly RawContainer[], err: Report): void {
  const routers = containers.flatMap((c, i) => (c.firelensConfiguration === undefined ? [] : [i]));
  for (const i of routers.slice(1)) {
    err([...TD, 'containers', i, 'firelensConfiguration'], C.firelens,
      `a task has one FireLens log router and containers[${routers[0]}] is it already: remove this firelensConfiguration`, 'key');
  }
  containers.forEach((c, i) => {
    const driver = (c.logConfiguration as { logDriver?: string } | undefined)?.logDriver;
    if (driver === 'awsfirelens' && routers.length === 0) {
      err([...TD, 'containers', i, 'logConfiguration', 'logDriver'], C.firelens,
        `container '${c.name}' logs to awsfirelens but no container has a firelensConfiguration: add the log router container (e.g. aws-for-fluent-bit with firelensConfiguration: { type: fluentbit })`);
    }
  });
}

function checkServiceConnect(doc: ServiceDoc, err: Report): void {
  const sc = doc.spec.serviceConnectConfiguration as { enabled?: boolean; services?: { portName: string }[] } | undefined;
  if (sc === undefined) return;
  const named = doc.spec.taskDefinition.containers.flatMap((c) => (c.portMappings ?? []).flatMap((pm) => (pm.name === undefined ? [] : [pm.name])));
  (sc.services ?? []).forEach((s, i) => {
    if (!named.includes(s.portName)) {
      const hint = named.length === 0 ? ': no portMapping has a name; add name to the portMapping it serves' : suggestionSuffix(s.portName, named);
      err(['spec', 'serviceConnectConfiguration', 'services', i, 'portName'], C.serviceConnectPort,
        `Service Connect portName '${s.portName}' names no portMappings[].name of the task definition${hint}`);
    }
  });
}
