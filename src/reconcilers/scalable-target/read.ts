// Application Auto Scaling: the scalable targets of the declared ScalableTargets' services, with
// their policies and scheduled actions. Calls, only when a file declares a ScalableTarget:
// DescribeScalableTargets (ServiceNamespace ecs, ResourceIds 50 a call), then, when any target
// exists, DescribeScalingPolicies and DescribeScheduledActions over the ecs namespace (50 a page),
// keeping those of the targets read. Both take a single ResourceId, so per target they would cost
// one call each per service; the namespace listing costs one call per 50 policies (or actions) of
// the account's ECS services, which at scale is far fewer (100 autoscaled services: 2 + 2 + 2).
import {
  DescribeScalableTargetsCommand,
  paginateDescribeScalingPolicies,
  paginateDescribeScheduledActions,
  type ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import type { AwsClients } from '../../aws/clients.js';
import { awsCall, resourceList } from '../../aws/errors.js';
import { collectPages } from '../../aws/collect-pages.js';
import { chunk } from '../../aws/paginate.js';
import type { DesiredState } from '../../spec/types.js';
import type { ScalableTargetsRead } from './types.js';

/** AWS limit of ResourceIds per DescribeScalableTargets, and the page size of the namespace listings. */
export const AUTOSCALING_PAGE_SIZE = 50;
export const ECS_NAMESPACE = 'ecs';
export const ECS_DESIRED_COUNT = 'ecs:service:DesiredCount';

/** `service/<cluster>/<service>`: Application Auto Scaling's id of an ECS service. */
export function ecsResourceId(cluster: string, service: string): string {
  return `service/${cluster}/${service}`;
}

/** The resource id of each declared ScalableTarget (by its id), from the Service it names. */
export function declaredResourceIds(desired: DesiredState): Map<string, string> {
  const clusterOf = new Map(desired.services.map((s) => [s.name, s.spec.cluster]));
  const out = new Map<string, string>();
  for (const t of desired.scalableTargets) {
    const cluster = clusterOf.get(t.spec.service);
    if (cluster !== undefined) out.set(t.id, ecsResourceId(cluster, t.spec.service));
  }
  return out;
}

export async function readScalableTargets(desired: DesiredState, clients: AwsClients): Promise<ScalableTargetsRead> {
  const ids = [...new Set(declaredResourceIds(desired).values())];
  if (ids.length === 0) return { targets: [], policies: [], scheduledActions: [] };
  const pages = await Promise.all(
    chunk(ids, AUTOSCALING_PAGE_SIZE).map((batch) =>
      awsCall({ service: 'autoscaling', operation: 'DescribeScalableTargets', resource: resourceList(batch) }, () =>
        clients.autoscaling.send(
          new DescribeScalableTargetsCommand({ ServiceNamespace: ECS_NAMESPACE, ScalableDimension: ECS_DESIRED_COUNT, ResourceIds: batch, MaxResults: AUTOSCALING_PAGE_SIZE }),
        ),
      ),
    ),
  );
  const wanted = new Set(ids);
  const targets: ScalableTarget[] = pages.flatMap((p) => p.ScalableTargets ?? []).filter((t) => wanted.has(t.ResourceId ?? ''));
  if (targets.length === 0) return { targets, policies: [], scheduledActions: [] };
  const found = new Set(targets.map((t) => t.ResourceId ?? ''));
  const resource = `the scaling policies and scheduled actions of ${resourceList([...found])}`;
  const [policies, scheduledActions] = await Promise.all([
    collectPages(
      paginateDescribeScalingPolicies({ client: clients.autoscaling, pageSize: AUTOSCALING_PAGE_SIZE, stopOnSameToken: true }, { ServiceNamespace: ECS_NAMESPACE }),
      (page) => page.ScalingPolicies,
      { service: 'autoscaling', operation: 'DescribeScalingPolicies', resource },
    ),
    collectPages(
      paginateDescribeScheduledActions({ client: clients.autoscaling, pageSize: AUTOSCALING_PAGE_SIZE, stopOnSameToken: true }, { ServiceNamespace: ECS_NAMESPACE }),
      (page) => page.ScheduledActions,
      { service: 'autoscaling', operation: 'DescribeScheduledActions', resource },
    ),
  ]);
  return {
    targets,
    policies: policies.filter((p) => found.has(p.ResourceId ?? '') && p.ScalableDimension === ECS_DESIRED_COUNT),
    scheduledActions: scheduledActions.filter((a) => found.has(a.ResourceId ?? '') && a.ScalableDimension === ECS_DESIRED_COUNT),
  };
}
