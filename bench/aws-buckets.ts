// AWS's side of the benchmark: the published request token buckets as fault-proxy rate-limit
// rules (a call finding its bucket empty gets the service's own throttling error), and the
// arithmetic of how long a bucket needs to serve a number of calls.
// Sources (the same pages src/aws/rate-limits.ts cites):
//   ECS   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
//   ELBv2 https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
//   EC2   https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
// Written out here rather than derived from src/aws/rate-limits.ts, so the benchmark checks
// the controller against AWS's numbers, not against its own copy of them.
import { matches, type CallMatcher, type RateLimitRule } from '../test/support/fault-proxy-rules.js';

export interface AwsBucket extends RateLimitRule {
  /** e.g. `elbv2:describe` */
  name: string;
}

export interface BucketSize {
  capacity: number;
  refillPerSecond: number;
}

export interface AwsBucketOptions {
  /** ELBv2 non-mutating bucket AND the account-level ELB bucket (default 40 / 10; a raised quota: 200 / 50) */
  elbv2Describe?: BucketSize;
}

const ops = (...names: string[]): string[] => names;
/** write operations of ELBv2 that are not in the registration or resource-intensive buckets */
const ELBV2_PLAIN_WRITE = /^(?!(RegisterTargets|DeregisterTargets|CreateLoadBalancer|SetSubnets)$)(?!(Describe|List|Get))/;
const ECS_OTHER_READ = /^(?!(DescribeServices|ListServices|DescribeClusters|ListClusters|DescribeTaskDefinition|ListTaskDefinitions|ListTaskDefinitionFamilies)$)(Describe|List|Get)/;
const ECS_OTHER_WRITE =
  /^(?!(CreateService|UpdateService|DeleteService|RegisterTaskDefinition|DeregisterTaskDefinition|TagResource|UntagResource)$)(?!(Describe|List|Get))/;
const EC2_PLAIN_WRITE = /^(?!(CreateTags|DeleteTags)$)(?!(Describe|List|Get))/;

export const ELBV2_DEFAULT: BucketSize = { capacity: 40, refillPerSecond: 10 };
export const ELBV2_RAISED: BucketSize = { capacity: 200, refillPerSecond: 50 };

export function awsBuckets(options: AwsBucketOptions = {}): AwsBucket[] {
  const elb = options.elbv2Describe ?? ELBV2_DEFAULT;
  const b = (name: string, matcher: CallMatcher, capacity: number, refillPerSecond: number, scope: 'rule' | 'operation' = 'rule'): AwsBucket => ({
    name,
    ...matcher,
    capacity,
    refillPerSecond,
    scope,
  });
  return [
    b('ecs:service-read', { service: 'ecs', operation: ops('DescribeServices', 'ListServices') }, 100, 20),
    b('ecs:cluster-read', { service: 'ecs', operation: ops('DescribeClusters', 'ListClusters') }, 50, 20),
    b('ecs:task-definition-read', { service: 'ecs', operation: ops('DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies') }, 50, 20),
    b('ecs:other-read', { service: 'ecs', operation: ECS_OTHER_READ }, 50, 20),
    b('ecs:service-mutate', { service: 'ecs', operation: ops('CreateService', 'UpdateService', 'DeleteService') }, 50, 5),
    b('ecs:task-definition-mutate', { service: 'ecs', operation: ops('RegisterTaskDefinition', 'DeregisterTaskDefinition') }, 20, 1),
    b('ecs:tag-mutate', { service: 'ecs', operation: ops('TagResource', 'UntagResource') }, 20, 10),
    b('ecs:other-mutate', { service: 'ecs', operation: ECS_OTHER_WRITE }, 20, 1),
    b('elbv2:describe', { service: 'elbv2', kind: 'read' }, elb.capacity, elb.refillPerSecond),
    b('elbv2:mutate', { service: 'elbv2', operation: ELBV2_PLAIN_WRITE }, 20, 3),
    b('elbv2:registration', { service: 'elbv2', operation: ops('RegisterTargets', 'DeregisterTargets') }, 20, 4),
    b('elbv2:resource-intensive', { service: 'elbv2', operation: ops('CreateLoadBalancer', 'SetSubnets') }, 10, 0.2),
    b('elbv2:account', { service: 'elbv2' }, elb.capacity, elb.refillPerSecond),
    b('ec2:describe', { service: 'ec2', kind: 'read' }, 100, 20, 'operation'),
    b('ec2:mutate', { service: 'ec2', operation: EC2_PLAIN_WRITE }, 50, 5, 'operation'),
    b('ec2:tags', { service: 'ec2', operation: ops('CreateTags', 'DeleteTags') }, 100, 10, 'operation'),
  ];
}

/** The controller's limiter setting matching `options` (ECS_RECONCILER_RATE_LIMITS), or undefined for the defaults. */
export function controllerRateLimitsEnv(options: AwsBucketOptions = {}): string | undefined {
  const elb = options.elbv2Describe;
  if (elb === undefined || (elb.capacity === ELBV2_DEFAULT.capacity && elb.refillPerSecond === ELBV2_DEFAULT.refillPerSecond)) return undefined;
  return `elbv2:describe=${elb.capacity}/${elb.refillPerSecond},elbv2:account=${elb.capacity}/${elb.refillPerSecond}`;
}

export interface BucketDemand {
  bucket: string;
  /** the operation, for per-operation buckets (EC2) */
  operation?: string;
  calls: number;
  capacity: number;
  refillPerSecond: number;
  /** seconds the bucket needs to serve `calls` when it starts full: max(0, (calls - capacity) / rate) */
  seconds: number;
}

/**
 * How long AWS's buckets need to serve `counts` (`{ 'elbv2:DescribeTags': 41, ... }`) when every
 * bucket starts full; the slowest bucket decides. `utilization` scales burst and rate (the
 * controller's limiter uses 0.9 of each bucket).
 */
export function bucketDemand(counts: Record<string, number>, buckets: readonly AwsBucket[], utilization = 1): { byBucket: BucketDemand[]; seconds: number } {
  const byBucket: BucketDemand[] = [];
  for (const bucket of buckets) {
    const groups = new Map<string, number>();
    for (const [key, n] of Object.entries(counts)) {
      const [service = '', operation = ''] = key.split(':');
      if (!matches(bucket, { service, operation })) continue;
      const group = bucket.scope === 'operation' ? operation : '';
      groups.set(group, (groups.get(group) ?? 0) + n);
    }
    for (const [group, calls] of groups) {
      const capacity = bucket.capacity * utilization;
      const refillPerSecond = bucket.refillPerSecond * utilization;
      byBucket.push({
        bucket: bucket.name,
        ...(group ? { operation: group } : {}),
        calls,
        capacity,
        refillPerSecond,
        seconds: Math.max(0, (calls - capacity) / refillPerSecond),
      });
    }
  }
  return { byBucket, seconds: byBucket.reduce((max, d) => Math.max(max, d.seconds), 0) };
}

/** Seconds until every bucket that `counts` drew from is full again (how long to pause between cycles). */
export function refillSeconds(counts: Record<string, number>, buckets: readonly AwsBucket[]): number {
  return bucketDemand(counts, buckets).byBucket.reduce((max, d) => Math.max(max, Math.min(d.calls, d.capacity) / d.refillPerSecond), 0);
}
