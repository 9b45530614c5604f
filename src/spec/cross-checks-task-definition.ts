// AWS constraints on a Service's task definition: containers, port mappings, cpu/memory,
// Fargate sizes: what RegisterTaskDefinition / CreateService would otherwise reject.
import type { SpecError } from './types.js';
import type { RawContainer, ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C } from './spec-errors.js';
import type { SpecErrorCode } from './spec-errors.js';
import { docError } from './check-error.js';
import { defaultHostPort, defaultNetworkMode } from './normalise-service.js';
import { fargateSizeProblem, taskCpuUnits, taskMemoryMiB } from './task-size.js';

type ServiceDoc = ValidDocOf<'Service'>;
const TD = ['spec', 'taskDefinition'] as const;

export function checkTaskDefinition(doc: ServiceDoc): SpecError[] {
  const out: SpecError[] = [];
  const err = (path: (string | number)[], code: SpecErrorCode, message: string, target: 'key' | 'value' = 'value'): void => {
    out.push(docError(doc, [...TD, ...path], code, message, target));
  };
  const { launchType = 'EC2', taskDefinition: td } = doc.spec;
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
