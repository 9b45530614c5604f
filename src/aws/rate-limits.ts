// AWS's published request token buckets, per service and operation class, and which
// bucket(s) each API operation draws from. Sources (checked 2026):
// - ECS: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
//   (per category, per account and Region)
// - ELBv2: https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html
//   (per category, plus one account-level bucket of 40 / 10 shared by every ELB API action)
// - EC2: https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
//   (each API has its own bucket of its category's size)
// - Application Auto Scaling: AWS publishes no bucket sizes, only that its API calls share one
//   bucket per account and Region, apart from EC2 Auto Scaling's
//   (https://repost.aws/knowledge-center/autoscaling-api-calls-throttled). The controller assumes
//   a conservative 20 burst / 5 per second for the whole service (override with
//   ECS_RECONCILER_RATE_LIMITS=autoscaling:account=<burst>/<rate>).
// - SSM: https://docs.aws.amazon.com/general/latest/gr/ssm.html (GetParameter, GetParameters,
//   GetParametersByPath: 40 transactions per second by default, shared; burst unpublished)
import type { AwsService } from './aws-service.js';

export interface BucketConfig {
  /** burst: the most calls allowed at once */
  capacity: number;
  /** sustained calls per second */
  refillPerSecond: number;
}

export const BUCKET_CLASSES = [
  'ecs:describe',
  'ecs:cluster-read',
  'ecs:task-definition-read',
  'ecs:other-read',
  'ecs:mutate',
  'ecs:task-definition-mutate',
  'ecs:tag-mutate',
  'ecs:other-mutate',
  'elbv2:describe',
  'elbv2:mutate',
  'elbv2:registration',
  'elbv2:resource-intensive',
  'elbv2:account',
  'ec2:describe',
  'ec2:mutate',
  'ec2:tags',
  'sqs:messages',
  'autoscaling:account',
  'ssm:get-parameters',
] as const;
export type BucketClass = (typeof BUCKET_CLASSES)[number];

/** Per-class overrides; `null` switches a bucket off. */
export type RateLimitOverrides = Partial<Record<BucketClass, BucketConfig | null>>;

export const DEFAULT_RATE_LIMITS: Readonly<Record<BucketClass, BucketConfig>> = {
  // ECS "Service read actions": DescribeServices, ListServices
  'ecs:describe': { capacity: 100, refillPerSecond: 20 },
  // ECS "Cluster read actions": DescribeClusters, ListClusters
  'ecs:cluster-read': { capacity: 50, refillPerSecond: 20 },
  // ECS "Task definition read actions": DescribeTaskDefinition, ListTaskDefinitions(+Families)
  'ecs:task-definition-read': { capacity: 50, refillPerSecond: 20 },
  // other ECS reads (tag read, capacity providers, settings, deployments): 50 / 20
  'ecs:other-read': { capacity: 50, refillPerSecond: 20 },
  // ECS "Service modify actions": CreateService, UpdateService, DeleteService
  'ecs:mutate': { capacity: 50, refillPerSecond: 5 },
  // ECS "Task definition modify actions": RegisterTaskDefinition, DeregisterTaskDefinition
  'ecs:task-definition-mutate': { capacity: 20, refillPerSecond: 1 },
  // ECS "Tag modify actions": TagResource, UntagResource
  'ecs:tag-mutate': { capacity: 20, refillPerSecond: 10 },
  // other ECS writes (cluster modify 20 / 1 is the lowest published mutate bucket)
  'ecs:other-mutate': { capacity: 20, refillPerSecond: 1 },
  // ELBv2 "Non-mutating": every Describe*
  'elbv2:describe': { capacity: 40, refillPerSecond: 10 },
  // ELBv2 "Mutating": Create/Modify/Delete listener, rule, target group; AddTags, RemoveTags, SetRulePriorities
  'elbv2:mutate': { capacity: 20, refillPerSecond: 3 },
  // ELBv2 "Registration": RegisterTargets, DeregisterTargets
  'elbv2:registration': { capacity: 20, refillPerSecond: 4 },
  // ELBv2 "Resource-intensive": CreateLoadBalancer, SetSubnets
  'elbv2:resource-intensive': { capacity: 10, refillPerSecond: 0.2 },
  // ELBv2 account-level bucket shared by all ELB API actions
  'elbv2:account': { capacity: 40, refillPerSecond: 10 },
  // EC2 "Non-mutating actions" (Describe*, List*, Get*, Search*), one bucket per API
  'ec2:describe': { capacity: 100, refillPerSecond: 20 },
  // EC2 "Mutating" and "Resource-intensive" (Authorize/RevokeSecurityGroupIngress): 50 / 5, per API
  'ec2:mutate': { capacity: 50, refillPerSecond: 5 },
  // EC2 uncategorized CreateTags / DeleteTags: 100 / 10, per API
  'ec2:tags': { capacity: 100, refillPerSecond: 10 },
  // SQS publishes no per-API request bucket for standard queues (nearly unlimited); the event
  // source's receives and deletes (--events-queue) are still bounded, so a bug cannot spin
  'sqs:messages': { capacity: 50, refillPerSecond: 20 },
  // Application Auto Scaling: one shared bucket per account and Region, size unpublished (see above)
  'autoscaling:account': { capacity: 20, refillPerSecond: 5 },
  // SSM GetParameter(s): 40 per second (the default throughput), burst taken as one second's worth
  'ssm:get-parameters': { capacity: 40, refillPerSecond: 40 },
};

/** EC2 evaluates each API on its own: its buckets are instantiated per operation. */
export function isPerOperationClass(cls: BucketClass): boolean {
  return cls.startsWith('ec2:');
}

const READ_PREFIX = /^(Describe|List|Get|Search)/;

/** A write is every operation that is not a Describe/List/Get/Search (what /status counts as writes). */
export function isWriteOperation(operation: string): boolean {
  return !READ_PREFIX.test(operation);
}

const ECS_CLASSES: Record<string, BucketClass> = {
  DescribeServices: 'ecs:describe',
  ListServices: 'ecs:describe',
  DescribeClusters: 'ecs:cluster-read',
  ListClusters: 'ecs:cluster-read',
  DescribeTaskDefinition: 'ecs:task-definition-read',
  ListTaskDefinitions: 'ecs:task-definition-read',
  ListTaskDefinitionFamilies: 'ecs:task-definition-read',
  CreateService: 'ecs:mutate',
  UpdateService: 'ecs:mutate',
  DeleteService: 'ecs:mutate',
  RegisterTaskDefinition: 'ecs:task-definition-mutate',
  DeregisterTaskDefinition: 'ecs:task-definition-mutate',
  TagResource: 'ecs:tag-mutate',
  UntagResource: 'ecs:tag-mutate',
};

/** The bucket classes a call draws one token from (all of them must have a token). */
export function bucketClassesFor(service: AwsService, operation: string): BucketClass[] {
  const read = READ_PREFIX.test(operation);
  switch (service) {
    case 'ecs':
      return [ECS_CLASSES[operation] ?? (read ? 'ecs:other-read' : 'ecs:other-mutate')];
    case 'elbv2': {
      let cls: BucketClass = 'elbv2:mutate';
      if (read) cls = 'elbv2:describe';
      else if (operation === 'RegisterTargets' || operation === 'DeregisterTargets') cls = 'elbv2:registration';
      else if (operation === 'CreateLoadBalancer' || operation === 'SetSubnets') cls = 'elbv2:resource-intensive';
      return [cls, 'elbv2:account'];
    }
    case 'ec2':
      if (read) return ['ec2:describe'];
      if (operation === 'CreateTags' || operation === 'DeleteTags') return ['ec2:tags'];
      return ['ec2:mutate'];
    case 'sqs':
      return ['sqs:messages'];
    case 'autoscaling':
      return ['autoscaling:account'];
    case 'ssm':
      return ['ssm:get-parameters'];
  }
}

/**
 * Share of each bucket the controller uses by default. AWS refills its bucket by its own
 * clock and the account's bucket is shared (console, Terraform, other controllers);
 * requests that leave on schedule can still arrive bunched (a first request slowed by the
 * TCP handshake, then faster ones on a warm socket). Staying at 90 % of burst and rate
 * absorbs that jitter instead of drawing a throttling error.
 */
export const DEFAULT_UTILIZATION = 0.9;

/**
 * Defaults merged with overrides, scaled by `utilization` (0 < u <= 1); classes set to
 * null are left out (unlimited).
 */
export function resolveRateLimits(
  overrides: RateLimitOverrides = {},
  utilization = DEFAULT_UTILIZATION,
): Partial<Record<BucketClass, BucketConfig>> {
  if (!(utilization > 0 && utilization <= 1)) throw new Error(`rate limit utilization must be in (0, 1] (got ${utilization})`);
  const out: Partial<Record<BucketClass, BucketConfig>> = {};
  for (const cls of BUCKET_CLASSES) {
    const o = overrides[cls];
    if (o === null) continue;
    const cfg = o ?? DEFAULT_RATE_LIMITS[cls];
    if (!(cfg.capacity >= 1) || !(cfg.refillPerSecond > 0)) {
      throw new Error(`rate limit ${cls}: capacity must be >= 1 and refillPerSecond > 0 (got ${JSON.stringify(cfg)})`);
    }
    out[cls] = { capacity: Math.max(1, cfg.capacity * utilization), refillPerSecond: cfg.refillPerSecond * utilization };
  }
  return out;
}

/** The environment variable that overrides buckets for every command (plan, apply, run). */
export const RATE_LIMITS_ENV = 'ECS_RECONCILER_RATE_LIMITS';

/**
 * `elbv2:describe=200/50,elbv2:account=200/50` (class=burst/per-second; `class=off` switches
 * one bucket off) -> overrides; `off` -> false (no client-side limiting); empty -> {}.
 * For an account whose quotas AWS raised. Throws one line naming the variable and the entry.
 */
export function parseRateLimits(text: string, origin = RATE_LIMITS_ENV): RateLimitOverrides | false {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed === 'off') return false;
  const out: RateLimitOverrides = {};
  for (const entry of trimmed.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const m = /^([a-z0-9:-]+)\s*=\s*(?:(off)|(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?))$/.exec(entry);
    const cls = m?.[1] as BucketClass | undefined;
    if (!m || cls === undefined || !(BUCKET_CLASSES as readonly string[]).includes(cls)) {
      throw new Error(
        `${origin}: "${entry}" is not <class>=<burst>/<per-second> or <class>=off; classes: ${BUCKET_CLASSES.join(', ')} (e.g. elbv2:describe=200/50)`,
      );
    }
    out[cls] = m[2] === 'off' ? null : { capacity: Number(m[3]), refillPerSecond: Number(m[4]) };
  }
  return out;
}
