// observe(desired, clients): read the live state of everything the desired state names,
// with the fewest calls AWS allows, ECS / ELBv2 / EC2 concurrently. Only reads; never
// branches on what changed (level-based). Every failure becomes one line naming the call
// and the resource; all of a cycle's failures are reported together.
//
// Calls per cycle (n = declared count, "found" = exists in AWS):
//   ecs:DescribeClusters            ceil(clusters / 100)
//   ecs:DescribeServices            sum over existing clusters of ceil(services / 10)
//   ecs:DescribeTaskDefinition      distinct running revisions not yet in the process cache
//   elbv2:DescribeTargetGroups      ceil(target groups in the account / 400): a listing (declared name or replacement name)
//   elbv2:DescribeTargetGroupAttributes  found TGs whose spec declares attributes
//   elbv2:DescribeLoadBalancers     min(ceil(LBs / 20), pages of a PageSize-400 listing) (+ a listing page when names are missing)
//   elbv2:DescribeListeners         one per load balancer found (+ ARN-named listeners)
//   elbv2:DescribeRules             one per listener used by a ListenerRule or declared as a Listener
//   elbv2:DescribeTags              ceil((TGs found + listeners read + rules read) / 20)
//   ec2:DescribeSecurityGroups      ceil(groups / 200)
//   ec2:DescribeSecurityGroupRules  ceil(groups / 200) (x pages of 1000 rules)
//
// Not observed: target groups and services dropped from the files (finding them needs a
// listing of every target group / service plus their tags each cycle); listeners and rules
// of ours on listeners nothing declared uses any more.
import type { AwsClients } from '../aws/clients.js';
import { AwsCallError, toAwsCallError } from '../aws/errors.js';
import type { LiveState } from '../reconcilers/types.js';
import type { DesiredState } from '../spec/types.js';
import { type ObserveCache, processObserveCache } from './observe-cache.js';
import { observeEcs } from './observe-ecs.js';
import { observeElbv2 } from './observe-elbv2.js';
import { observeSecurityGroups } from './observe-security-groups.js';

export { createObserveCache, type ObserveCache, processObserveCache } from './observe-cache.js';

export interface ObserveOptions {
  /** immutable data kept between cycles (default: one cache per process) */
  cache?: ObserveCache;
}

/**
 * Observation failed: one or more AWS calls failed. `message` holds one line per distinct
 * failure; conditions that fail every call alike (unreachable endpoint, bad credentials,
 * no region) are reported once, not once per call.
 */
export class ObserveError extends Error {
  override readonly name = 'ObserveError';
  readonly code = 'observe.failed';

  constructor(readonly errors: AwsCallError[]) {
    super(distinctLines(errors).join('\n'));
  }

  /** Distinct one-line explanations, in the order they happened. */
  lines(): string[] {
    return distinctLines(this.errors);
  }
}

function distinctLines(errors: readonly AwsCallError[]): string[] {
  const seen = new Map<string, string>();
  for (const e of errors) {
    let key = e.message;
    if (e.kind === 'credentials' || e.kind === 'region') key = e.kind;
    else if (e.kind === 'unreachable') key = e.message.replace(/ \(.*$/, ''); // same endpoint and reason
    if (!seen.has(key)) seen.set(key, e.message);
  }
  return [...seen.values()];
}

function asCallError(err: unknown, service: 'ecs' | 'elbv2' | 'ec2'): AwsCallError[] {
  if (err instanceof ObserveError) return err.errors;
  if (err instanceof AwsCallError) return [err];
  if (err instanceof AggregateError) return err.errors.flatMap((e) => asCallError(e, service));
  return [toAwsCallError(err, { service, operation: 'observe' })];
}

export async function observe(desired: DesiredState, clients: AwsClients, options: ObserveOptions = {}): Promise<LiveState> {
  const cache = options.cache ?? processObserveCache;
  const [ecs, elbv2, ec2] = await Promise.allSettled([
    observeEcs(desired, clients, cache),
    observeElbv2(desired, clients),
    observeSecurityGroups(desired, clients),
  ]);
  const errors: AwsCallError[] = [];
  if (ecs.status === 'rejected') errors.push(...asCallError(ecs.reason, 'ecs'));
  if (elbv2.status === 'rejected') errors.push(...asCallError(elbv2.reason, 'elbv2'));
  if (ec2.status === 'rejected') errors.push(...asCallError(ec2.reason, 'ec2'));
  if (ecs.status === 'rejected' || elbv2.status === 'rejected' || ec2.status === 'rejected') throw new ObserveError(errors);
  return {
    loadBalancers: elbv2.value.loadBalancers,
    targetGroups: elbv2.value.targetGroups,
    listeners: elbv2.value.listeners,
    rules: elbv2.value.rules,
    securityGroups: ec2.value,
    services: ecs.value.services,
    clusters: ecs.value.clusters,
  };
}
