// AWS constraints on Service documents: network configuration, load balancers and the target
// groups they use, shared task definition families. Task definition checks: cross-checks-task-definition.ts.
import type { SpecError } from './types.js';
import type { ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C } from './spec-errors.js';
import { docError, groupBy, namePosition, where } from './check-error.js';
import { suggestionSuffix } from './nearest-name.js';
import { defaultNetworkMode } from './normalise-service.js';
import { checkTaskDefinition } from './cross-checks-task-definition.js';

type ServiceDoc = ValidDocOf<'Service'>;
type TargetGroupDoc = ValidDocOf<'TargetGroup'>;

export function checkServices(services: readonly ServiceDoc[], targetGroups: readonly TargetGroupDoc[]): SpecError[] {
  const tgByName = new Map(targetGroups.map((tg) => [tg.name, tg]));
  const out: SpecError[] = [];
  for (const doc of services) {
    out.push(...checkTaskDefinition(doc), ...checkNetwork(doc), ...checkLoadBalancers(doc, tgByName));
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
  const { launchType = 'EC2', network, taskDefinition } = doc.spec;
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
  const { launchType = 'EC2', taskDefinition } = doc.spec;
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
