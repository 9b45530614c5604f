// AWS constraints on Service documents: network configuration, load balancers and the target
// groups they use, shared task definition families; and the task definition itself.
import type { SpecError } from './types.js';
import type { RawContainer, ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C, suggestionSuffix } from './spec-errors.js';
import type { SpecErrorCode } from './spec-errors.js';
import { docError, groupBy, namePosition, where } from './check-error.js';
import { checkServiceFields } from './cross-checks-service-fields.js';
import { defaultHostPort, defaultNetworkMode, effectiveLaunchType, fargateSizeProblem, taskCpuUnits, taskMemoryMiB } from './normalise-service.js';

type ServiceDoc = ValidDocOf<'Service'>;
type TargetGroupDoc = ValidDocOf<'TargetGroup'>;

export function checkServices(services: readonly ServiceDoc[], targetGroups: readonly TargetGroupDoc[]): SpecError[] {
  const tgByName = new Map(targetGroups.map((tg) => [tg.name, tg]));
  const out: SpecError[] = [];
  for (const doc of services) {
    out.push(...checkTaskDefinition(doc), ...checkNetwork(doc), ...checkLoadBalancers(doc, tgByName), ...checkServiceFields(doc));
  }
  for (const [family, group] of groupBy(services, (d) => d.spec.taskDefinition.family)) {
    for (const dup of group.slice(1)) {
      out.push(docError(dup, ['spec', 'taskDefinition', 'family'], C.sharedFamily,
        `task definition family '${family}' is also used by ${group[0]!.id} at ${where(namePosition(group[0]!))}: each Service needs its own family, or the two would keep replacing each other's revisions`));
    }
  }
  return out;
}

function checkNetwork(doc: ServiceDoc): SpecError[] {
  const { network, taskDefinition } = doc.spec;
  const launchType = effectiveLaunchType(doc.spec);
  const mode = taskDefinition.networkMode ?? defaultNetworkMode(launchType);
  const out: SpecError[] = [];
  if (mode === 'awsvpc' && network === undefined) {
    const explicit = taskDefinition.networkMode !== undefined;
    out.push(docError(doc, explicit ? ['spec', 'taskDefinition', 'networkMode'] : ['spec', 'taskDefinition'], C.awsvpcNetwork,
      `networkMode awsvpc${explicit ? '' : ' (the FARGATE default)'} needs spec.network with subnets (and securityGroups): add it`,
      explicit ? 'value' : 'key'));
  }
  if (mode !== 'awsvpc' && network !== undefined) {
    out.push(docError(doc, ['spec', 'network'], C.networkWithoutAwsvpc,
      `spec.network applies only to networkMode awsvpc, and this task definition uses ${mode}: remove network or set networkMode: awsvpc`, 'key'));
  }
  if (launchType === 'EC2' && network?.assignPublicIp === true) {
    out.push(docError(doc, ['spec', 'network', 'assignPublicIp'], C.publicIpOnEc2,
      'assignPublicIp is supported only for launchType FARGATE: remove it or set it to false'));
  }
  if (doc.spec.healthCheckGracePeriodSeconds !== undefined && (doc.spec.loadBalancers ?? []).length === 0) {
    out.push(docError(doc, ['spec', 'healthCheckGracePeriodSeconds'], C.gracePeriod,
      'healthCheckGracePeriodSeconds applies only to services with loadBalancers: remove it or add a load balancer', 'key'));
  }
  return out;
}

function checkLoadBalancers(doc: ServiceDoc, tgByName: ReadonlyMap<string, TargetGroupDoc>): SpecError[] {
  const { taskDefinition } = doc.spec;
  const launchType = effectiveLaunchType(doc.spec);
  const mode = taskDefinition.networkMode ?? defaultNetworkMode(launchType);
  const containers = taskDefinition.containers;
  const out: SpecError[] = [];
  (doc.spec.loadBalancers ?? []).forEach((lb, i) => {
    const container = containers.find((c) => c.name === lb.containerName);
    if (container === undefined) {
      out.push(docError(doc, ['spec', 'loadBalancers', i, 'containerName'], C.lbContainer,
        `container '${lb.containerName}' is not in the task definition${suggestionSuffix(lb.containerName, containers.map((c) => c.name))}`));
    } else {
      const ports = (container.portMappings ?? []).map((pm) => pm.containerPort);
      if (!ports.includes(lb.containerPort)) {
        const mapped = ports.length > 0 ? `maps ports ${ports.join(', ')}` : 'maps no ports';
        out.push(docError(doc, ['spec', 'loadBalancers', i, 'containerPort'], C.lbContainerPort,
          `container '${container.name}' ${mapped}, not ${lb.containerPort}: add a portMapping with containerPort ${lb.containerPort} or fix containerPort`));
      }
    }
    const tg = tgByName.get(lb.targetGroup);
    if (tg === undefined) return;
    const targetType = tg.spec.targetType ?? 'instance';
    if (targetType === 'ip' && mode !== 'awsvpc') {
      out.push(docError(doc, ['spec', 'loadBalancers', i, 'targetGroup'], C.lbTargetType,
        `TargetGroup '${tg.name}' has targetType ip, which needs networkMode awsvpc (this task uses ${mode}): use awsvpc or a TargetGroup with targetType instance`));
    } else if (targetType === 'instance' && mode === 'awsvpc') {
      out.push(docError(doc, ['spec', 'loadBalancers', i, 'targetGroup'], C.lbTargetType,
        `TargetGroup '${tg.name}' has targetType instance, which ECS cannot use with networkMode awsvpc: set targetType: ip on the TargetGroup`));
    }
  });
  return out;
}

// ---------- the task definition ----------
// What RegisterTaskDefinition / CreateService would otherwise reject: containers, port mappings,
// cpu/memory, Fargate sizes, the form of a container health check command (its ranges are in the schema).

const TD = ['spec', 'taskDefinition'] as const;

export function checkTaskDefinition(doc: ServiceDoc): SpecError[] {
  const out: SpecError[] = [];
  const err = (path: (string | number)[], code: SpecErrorCode, message: string, target: 'key' | 'value' = 'value'): void => {
    out.push(docError(doc, [...TD, ...path], code, message, target));
  };
  const { taskDefinition: td } = doc.spec;
  const launchType = effectiveLaunchType(doc.spec);
  const mode = td.networkMode ?? defaultNetworkMode(launchType);
  const cpu = taskCpuUnits(td.cpu);
  const memory = taskMemoryMiB(td.memory);

  if (launchType === 'FARGATE') {
    if (td.networkMode !== undefined && td.networkMode !== 'awsvpc') {
      err(['networkMode'], C.fargateNetworkMode, `FARGATE supports only networkMode awsvpc, not ${td.networkMode}: set networkMode: awsvpc (or remove it)`);
    }
    if (cpu === undefined || memory === undefined) {
      const missing = [cpu === undefined ? 'cpu' : '', memory === undefined ? 'memory' : ''].filter((m) => m !== '').join(' and ');
      err([], C.fargateTaskSize, `FARGATE needs task-level ${missing} in taskDefinition (e.g. cpu: "256", memory: "512")`, 'key');
    } else {
      const problem = fargateSizeProblem(cpu, memory);
      if (problem !== undefined) err(['memory'], C.fargateTaskSize, problem);
    }
  } else if (cpu !== undefined && (cpu < 128 || cpu > 196608)) {
    err(['cpu'], C.taskSize, `task cpu ${cpu} units is out of range: ECS accepts 128 to 196608 units (0.125 to 192 vCPU)`);
  }

  const names = new Map<string, number>();
  const hostPorts = new Map<string, string>();
  td.containers.forEach((container, i) => {
    const first = names.get(container.name);
    if (first !== undefined) {
      err(['containers', i, 'name'], C.duplicateContainer, `container name '${container.name}' is also used by containers[${first}]: container names must be unique`);
    } else names.set(container.name, i);
    checkPorts(container, i, mode, hostPorts, err);
    checkContainerMemory(container, i, memory, err);
    checkHealthCheckCommand(container, i, err);
    for (const name of Object.keys(container.secrets ?? {})) {
      if (container.environment?.[name] !== undefined) {
        err(['containers', i, 'secrets', name], C.envAndSecret, `${name} is set both in environment and in secrets: keep one`, 'key');
      }
    }
  });
  if (!td.containers.some((c) => c.essential ?? true)) {
    err(['containers'], C.noEssential, 'at least one container must be essential: remove essential: false from the main container', 'key');
  }
  checkTotals(td.containers, cpu, memory, err);
  return out;
}

type Report = (path: (string | number)[], code: SpecErrorCode, message: string, target?: 'key' | 'value') => void;

function checkPorts(container: RawContainer, i: number, mode: 'bridge' | 'awsvpc' | 'host', hostPorts: Map<string, string>, err: Report): void {
  const own = new Set<string>();
  (container.portMappings ?? []).forEach((pm, j) => {
    const at = ['containers', i, 'portMappings', j];
    const protocol = pm.protocol ?? 'tcp';
    if (pm.containerPortRange !== undefined) {
      checkPortRange(pm, container.name, mode, at, err);
      return;
    }
    if (pm.containerPort === undefined) return; // the schema says one of the two is required
    const key = `${pm.containerPort}/${protocol}`;
    if (own.has(key)) err(at, C.duplicatePortMapping, `containerPort ${key} is mapped twice in container '${container.name}': remove one`);
    own.add(key);
    if (mode !== 'bridge' && pm.hostPort !== undefined && pm.hostPort !== pm.containerPort) {
      err([...at, 'hostPort'], C.hostPort, `with networkMode ${mode}, hostPort must equal containerPort (${pm.containerPort}): remove hostPort or set it to ${pm.containerPort}`);
    }
    const hostPort = pm.hostPort ?? defaultHostPort(mode, pm.containerPort);
    if (hostPort === 0) return;
    const hostKey = `${hostPort}/${protocol}`;
    const user = hostPorts.get(hostKey);
    if (user !== undefined && user !== container.name) {
      err(at, C.duplicatePortMapping, `host port ${hostKey} is also used by container '${user}': two containers of one task cannot share a host port`);
    } else hostPorts.set(hostKey, container.name);
  });
}

/** containerPortRange: AWS's rules (alone, without containerPort / hostPort; awsvpc or host network; lower port first). */
function checkPortRange(pm: NonNullable<RawContainer['portMappings']>[number], name: string, mode: 'bridge' | 'awsvpc' | 'host', at: (string | number)[], err: Report): void {
  const range = pm.containerPortRange ?? '';
  if (pm.containerPort !== undefined) {
    err([...at, 'containerPort'], C.portRange, `container '${name}' gives both containerPort ${pm.containerPort} and containerPortRange ${range}: keep one (AWS accepts one or the other)`, 'key');
  }
  if (pm.hostPort !== undefined) {
    err([...at, 'hostPort'], C.portRange, `container '${name}' gives hostPort beside containerPortRange ${range}: remove hostPort (AWS maps the host ports of a range itself)`, 'key');
  }
  if (mode === 'bridge') {
    err([...at, 'containerPortRange'], C.portRange, `containerPortRange ${range} of container '${name}' needs networkMode awsvpc or host (this task uses bridge): set networkMode or map single ports with containerPort`);
  }
  const [low, high] = range.split('-').map(Number);
  if (low === undefined || high === undefined || !(low >= 1 && high <= 65535 && low < high)) {
    err([...at, 'containerPortRange'], C.portRange, `containerPortRange ${range} of container '${name}' must be two ports from 1 to 65535, the lower first (e.g. 8000-8010)`);
  }
}

/** ECS runs `["CMD", executable, ...args]` directly and `["CMD-SHELL", "command"]` in the container's shell. */
function checkHealthCheckCommand(container: RawContainer, i: number, err: Report): void {
  const command = container.healthCheck?.command;
  if (command === undefined) return;
  const at = ['containers', i, 'healthCheck', 'command'];
  const [first] = command;
  if (first !== 'CMD' && first !== 'CMD-SHELL') {
    err([...at, 0], C.containerHealthCheck,
      `healthCheck.command of container '${container.name}' must start with "CMD" (run an executable) or "CMD-SHELL" (run a shell command), not ${JSON.stringify(first)}: e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]`);
  } else if (first === 'CMD-SHELL' && command.length !== 2) {
    err(at, C.containerHealthCheck,
      `healthCheck.command of container '${container.name}' with "CMD-SHELL" takes one shell command string after it, not ${command.length - 1}: join them into one string`);
  }
}

function checkContainerMemory(container: RawContainer, i: number, taskMemory: number | undefined, err: Report): void {
  const { memory, memoryReservation } = container;
  if (taskMemory === undefined && memory === undefined && memoryReservation === undefined) {
    err(['containers', i], C.containerMemory, `container '${container.name}' needs memory or memoryReservation (MiB) when the task has no task-level memory`, 'value');
  }
  if (memory !== undefined && memoryReservation !== undefined && memoryReservation >= memory) {
    err(['containers', i, 'memoryReservation'], C.containerMemory, `memoryReservation (${memoryReservation}) must be less than memory (${memory})`);
  }
  if (taskMemory !== undefined && memory !== undefined && memory > taskMemory) {
    err(['containers', i, 'memory'], C.containerResources, `container '${container.name}' memory ${memory} MiB is more than the task's ${taskMemory} MiB: lower it or raise taskDefinition.memory`);
  }
}

function checkTotals(containers: readonly RawContainer[], cpu: number | undefined, memory: number | undefined, err: Report): void {
  const cpuSum = containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  if (cpu !== undefined && cpuSum > cpu) {
    err(['cpu'], C.containerResources, `containers reserve ${cpuSum} cpu units in all, more than the task's ${cpu}: lower container cpu or raise taskDefinition.cpu`);
  }
  const reserved = containers.reduce((sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0), 0);
  // a single container over the task is reported on its own (checkContainerMemory)
  const oneTooBig = containers.some((c) => memory !== undefined && (c.memory ?? 0) > memory);
  if (memory !== undefined && reserved > memory && !oneTooBig) {
    err(['memory'], C.containerResources, `containers reserve ${reserved} MiB in all, more than the task's ${memory} MiB: lower container memory or raise taskDefinition.memory`);
  }
}
