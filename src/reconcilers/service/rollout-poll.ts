// apply's wait: the rollouts of the services an apply changed, read again. DescribeServices
// (include TAGS, 10 a call per cluster) for those services only; the outcome comes from the same
// pure rollout logic as the plan's (rollout.ts).
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../aws/clients.js';
import { awsCall, resourceList } from '../../aws/errors.js';
import { chunk } from '../../aws/paginate.js';
import type { RolloutStatus } from '../shared/rollout-status.js';
import { tagsFromEcs } from '../shared/tags-normalise.js';
import type { ChangeOf } from '../types.js';
import { rolloutReadOf } from './normalise.js';
import { DESCRIBE_SERVICES_MAX } from './read.js';
import { serviceRollout } from './rollout.js';

/** id -> the rollout now (undefined: nothing of ours to follow, e.g. the endpoint reports no deployment of that write). */
export async function pollServiceRollouts(changes: readonly ChangeOf<'Service'>[], clients: AwsClients): Promise<Map<string, RolloutStatus | undefined>> {
  const byCluster = new Map<string, ChangeOf<'Service'>[]>();
  for (const c of changes) {
    const cluster = c.desired?.spec.cluster;
    if (cluster === undefined) continue;
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), c]);
  }
  const out = new Map<string, RolloutStatus | undefined>();
  const batches = [...byCluster].flatMap(([cluster, cs]) => chunk(cs, DESCRIBE_SERVICES_MAX).map((batch) => ({ cluster, batch })));
  await Promise.all(
    batches.map(async ({ cluster, batch }) => {
      const answer = await awsCall(
        { service: 'ecs', operation: 'DescribeServices', resource: resourceList(batch.map((c) => c.id)) },
        () => clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch.map((c) => c.name), include: ['TAGS'] })),
      );
      for (const c of batch) {
        const svc = answer.services?.find((s) => s.serviceName === c.name && s.status !== 'INACTIVE');
        out.set(c.id, svc === undefined ? undefined : serviceRollout({ tags: tagsFromEcs(svc.tags), rollout: rolloutReadOf(svc) }, c.desiredHash ?? c.desired?.specHash ?? ''));
      }
    }),
  );
  return out;
}
