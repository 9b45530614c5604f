// The fewest read calls one reconcile of the inventory can make, from AWS's batching limits.
// The controller reads everything it manages every cycle (level-based, never "what changed"),
// so the floor is: every declared resource read once, in the largest batches AWS accepts.
//
//   ecs:DescribeClusters          ceil(clusters / 100)                 100 names a call
//   ecs:DescribeServices          sum over clusters ceil(services / 10) 10 names a call, one cluster
//   ecs:DescribeTaskDefinition    distinct revisions (no batch API); 0 once cached: revisions are immutable
//   elbv2:DescribeTargetGroups    min(ceil(TGs / 20) by names, ceil(TGs in the account / 400) listing)
//   elbv2:DescribeTargetGroupAttributes  one per TG that declares attributes (no batch API)
//   elbv2:DescribeLoadBalancers   min(ceil(LBs / 20), ceil(LBs in the account / 400))
//   elbv2:DescribeListeners       per LB: ceil(listeners / 400)       (by LB ARN, PageSize 400)
//   elbv2:DescribeRules           per listener: ceil((rules + default) / 400)
//   elbv2:DescribeTags            ceil((TGs + listeners + rules) / 20)  20 ARNs a call
//   ec2:DescribeSecurityGroups    ceil(groups / 200) (filter values) x pages of 1000
//   ec2:DescribeSecurityGroupRules ceil(groups / 200) x ceil(rules incl. each group's egress rule / 1000)
//   autoscaling:DescribeScalableTargets   ceil(autoscaled services / 50)     50 ResourceIds a call
//   autoscaling:DescribeScalingPolicies   max(1, ceil(policies / 50))        the ecs namespace, 50 a page
//   autoscaling:DescribeScheduledActions  max(1, ceil(actions / 50))         (one ResourceId a call otherwise)
import type { ScaleInventory } from './scale-inventory.js';

export const LIMITS = {
  describeClusters: 100,
  describeServices: 10,
  elbv2Names: 20,
  elbv2PageSize: 400,
  elbv2TagArns: 20,
  ec2FilterValues: 200,
  ec2MaxResults: 1000,
  autoscalingPage: 50,
} as const;

const ceil = (n: number, d: number): number => (n <= 0 ? 0 : Math.ceil(n / d));

export interface MinimumCalls {
  /** `service:Operation` -> calls */
  calls: Record<string, number>;
  total: number;
}

export interface MinimumOptions {
  /** task definition revisions not yet in the controller's cache (0 in steady state) */
  uncachedRevisions: number;
  /** target groups / load balancers in the account (the listing reads them all); default: the inventory's */
  accountTargetGroups?: number;
  accountLoadBalancers?: number;
}

function byCluster(inv: ScaleInventory): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of inv.services) out.set(s.cluster, (out.get(s.cluster) ?? 0) + 1);
  return out;
}

export function minimumReadCalls(inv: ScaleInventory, options: MinimumOptions): MinimumCalls {
  const tgs = inv.targetGroups.length;
  const lbs = new Set([...inv.listeners.map((l) => l.loadBalancer), ...inv.rules.map((r) => r.loadBalancer)]).size;
  const listenersPerLb = new Map<string, number>();
  for (const l of inv.listeners) listenersPerLb.set(l.loadBalancer, (listenersPerLb.get(l.loadBalancer) ?? 0) + 1);
  const rulesPerListener = new Map<string, number>();
  for (const l of inv.listeners) rulesPerListener.set(`${l.loadBalancer}:${l.port}`, 0);
  for (const r of inv.rules) rulesPerListener.set(`${r.loadBalancer}:${r.port}`, (rulesPerListener.get(`${r.loadBalancer}:${r.port}`) ?? 0) + 1);
  const groups = inv.securityGroups.length;
  const autoscaled = inv.services.filter((s) => s.autoscaled).length;
  const sgRules = inv.securityGroups.reduce((n, g) => n + g.rules.length + 1, 0); // + the default egress rule

  const calls: Record<string, number> = {
    'ecs:DescribeClusters': ceil(byCluster(inv).size, LIMITS.describeClusters),
    'ecs:DescribeServices': [...byCluster(inv).values()].reduce((n, c) => n + ceil(c, LIMITS.describeServices), 0),
    'ecs:DescribeTaskDefinition': options.uncachedRevisions,
    'elbv2:DescribeTargetGroups': Math.min(ceil(tgs, LIMITS.elbv2Names), Math.max(1, ceil(options.accountTargetGroups ?? tgs, LIMITS.elbv2PageSize))),
    'elbv2:DescribeTargetGroupAttributes': inv.targetGroups.filter((t) => Object.keys(t.attributes).length > 0).length,
    'elbv2:DescribeLoadBalancers': Math.min(ceil(lbs, LIMITS.elbv2Names), Math.max(1, ceil(options.accountLoadBalancers ?? lbs, LIMITS.elbv2PageSize))),
    'elbv2:DescribeListeners': [...listenersPerLb.values()].reduce((n, c) => n + Math.max(1, ceil(c, LIMITS.elbv2PageSize)), 0),
    'elbv2:DescribeRules': [...rulesPerListener.values()].reduce((n, c) => n + ceil(c + 1, LIMITS.elbv2PageSize), 0),
    'elbv2:DescribeTags': ceil(tgs + inv.listeners.length + inv.rules.length, LIMITS.elbv2TagArns),
    'ec2:DescribeSecurityGroups': ceil(groups, LIMITS.ec2FilterValues),
    'ec2:DescribeSecurityGroupRules': ceil(groups, LIMITS.ec2FilterValues) * Math.max(1, ceil(sgRules, LIMITS.ec2MaxResults)),
    // one target-tracking policy and no scheduled action per autoscaled service (scale-desired.ts)
    'application-autoscaling:DescribeScalableTargets': ceil(autoscaled, LIMITS.autoscalingPage),
    'application-autoscaling:DescribeScalingPolicies': autoscaled === 0 ? 0 : Math.max(1, ceil(autoscaled, LIMITS.autoscalingPage)),
    'application-autoscaling:DescribeScheduledActions': autoscaled === 0 ? 0 : 1,
  };
  for (const key of Object.keys(calls)) if (calls[key] === 0) delete calls[key];
  return { calls, total: Object.values(calls).reduce((a, b) => a + b, 0) };
}

/**
 * Writes a drift cycle must make: one per (object written, write API) among the drifted fields.
 * The object written is the resource, or its `writeTarget` where one call covers several
 * resources (SetRulePriorities: one per listener for all its drifted rules).
 */
export function minimumDriftWrites(drifts: readonly { resource: string; writeOperation: string; writeTarget?: string }[]): Record<string, number> {
  const seen = new Set<string>();
  const out: Record<string, number> = {};
  for (const d of drifts) {
    const key = `${d.writeTarget ?? d.resource}\u0000${d.writeOperation}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out[d.writeOperation] = (out[d.writeOperation] ?? 0) + 1;
  }
  return out;
}
