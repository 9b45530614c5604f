// DescribeServices (include TAGS) + the normalised running task definition -> LiveService.
// Deployment percentages default to ECS's 200/100 when the reply has none (moto drops them).
import type { Service } from '@aws-sdk/client-ecs';
import type { LiveRolloutRead } from './types.js';
import { sortedUnique, tagsFromEcs } from '../shared/tags-normalise.js';
import { liveServiceFields } from './service-fields.js';
import type { LiveService, LiveTaskDefinition } from '../types.js';

/** `arn:aws:ecs:region:account:cluster/name` -> `name` (a bare name passes through). */
export function clusterNameOf(clusterArn: string): string {
  const slash = clusterArn.lastIndexOf('/');
  return clusterArn.startsWith('arn:') && slash >= 0 ? clusterArn.slice(slash + 1) : clusterArn;
}

export function normaliseService(service: Service, taskDefinition: LiveTaskDefinition): LiveService {
  const clusterArn = service.clusterArn ?? '';
  const out: LiveService = {
    arn: service.serviceArn ?? '',
    name: service.serviceName ?? '',
    clusterArn,
    clusterName: clusterNameOf(clusterArn),
    status: service.status ?? 'ACTIVE',
    launchType: service.launchType ?? '',
    desiredCount: service.desiredCount ?? 0,
    deployment: {
      maximumPercent: service.deploymentConfiguration?.maximumPercent ?? 200,
      minimumHealthyPercent: service.deploymentConfiguration?.minimumHealthyPercent ?? 100,
    },
    taskDefinition,
    loadBalancers: (service.loadBalancers ?? [])
      .filter((lb) => lb.targetGroupArn !== undefined)
      .map((lb) => ({ targetGroupArn: lb.targetGroupArn ?? '', containerName: lb.containerName ?? '', containerPort: lb.containerPort ?? 0 })),
    tags: tagsFromEcs(service.tags),
    rollout: rolloutReadOf(service),
  };
  if (service.healthCheckGracePeriodSeconds !== undefined) out.healthCheckGracePeriodSeconds = service.healthCheckGracePeriodSeconds;
  const aws = liveServiceFields(service);
  if (aws !== undefined) out.aws = aws;
  // a service on capacity providers has no launch type (moto still reports its default, EC2)
  if (aws?.capacityProviderStrategy !== undefined) out.launchType = '';
  const vpc = service.networkConfiguration?.awsvpcConfiguration;
  if (vpc !== undefined) {
    out.network = {
      subnets: sortedUnique(vpc.subnets),
      securityGroups: sortedUnique(vpc.securityGroups),
      assignPublicIp: vpc.assignPublicIp === 'ENABLED',
    };
  }
  return out;
}

/** The deployments, recent events and circuit breaker setting of one DescribeServices answer. */
export function rolloutReadOf(service: Service): LiveRolloutRead {
  const iso = (d: Date | undefined): string | undefined => (d === undefined ? undefined : new Date(d).toISOString());
  const out: LiveRolloutRead = {
    deployments: (service.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      ...(d.rolloutState === undefined ? {} : { rolloutState: d.rolloutState }),
      ...(d.rolloutStateReason === undefined ? {} : { rolloutStateReason: d.rolloutStateReason }),
      taskDefinition: d.taskDefinition ?? '',
      desiredCount: d.desiredCount ?? 0,
      runningCount: d.runningCount ?? 0,
      pendingCount: d.pendingCount ?? 0,
      failedTasks: d.failedTasks ?? 0,
      ...(d.createdAt === undefined ? {} : { createdAt: iso(d.createdAt) }),
    })),
    events: (service.events ?? []).slice(0, 10).map((e) => ({ message: e.message ?? '', ...(e.createdAt === undefined ? {} : { createdAt: iso(e.createdAt) }) })),
  };
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
  if (breaker !== undefined) out.circuitBreaker = { enable: breaker.enable === true, rollback: breaker.rollback === true };
  return out;
}
