// Service: the ECS calls that change a service or register its task definition's family. An
// event names a service by cluster + service (names or ARNs; no cluster means `default`), a
// task definition by family (RegisterTaskDefinition) or `family:revision` / ARN (Deregister).
import { stringAt, targetGroupIdsOf, type KindEvents } from '../shared/event-hook.js';

const ECS = 'ecs.amazonaws.com';

/** The last path segment of an ARN (`.../cluster/name` -> `name`), or the value itself. */
const lastSegment = (v: string): string => v.split('/').pop() ?? v;

export const serviceKey = (cluster: string, service: string): string => `ecs-service:${lastSegment(cluster)}/${lastSegment(service)}`;
export const familyKey = (family: string): string => `ecs-family:${family}`;

export const serviceEvents: KindEvents<'Service'> = {
  calls: ['UpdateService', 'DeleteService', 'RegisterTaskDefinition', 'DeregisterTaskDefinition', 'TagResource', 'UntagResource'].map((n) => `${ECS}:${n}`),
  touched: (e) => {
    const p = e.requestParameters;
    const keys: string[] = [];
    const service = stringAt(p, 'service');
    if (service !== undefined) keys.push(serviceKey(stringAt(p, 'cluster') ?? 'default', service));
    const answered = stringAt(e.responseElements, 'service', 'serviceArn');
    if (answered !== undefined) keys.push(answered);
    const family = stringAt(p, 'family') ?? stringAt(e.responseElements, 'taskDefinition', 'family');
    if (family !== undefined) keys.push(familyKey(family));
    const taskDefinition = stringAt(p, 'taskDefinition');
    if (taskDefinition !== undefined) keys.push(familyKey(lastSegment(taskDefinition).split(':')[0] ?? taskDefinition));
    const resource = stringAt(p, 'resourceArn');
    if (resource !== undefined) keys.push(resource);
    return [...new Set(keys)];
  },
  keysOf: (doc) => [serviceKey(doc.spec.cluster, doc.name), familyKey(doc.spec.taskDefinition.family)],
  references: (doc) => targetGroupIdsOf(...doc.spec.loadBalancers.map((lb) => lb.targetGroup)),
};
