// The benchmark's world, as data: how many of each resource, their names and how they refer
// to each other. Pure: the moto builder (scale-world.ts), the desired-file writer
// (scale-desired.ts), the minimum-call calculator (minimum-calls.ts) and the drift picker
// (scale-drifts.ts) all read the same inventory, so they can never disagree.
//
// Shape at the default size (issue 7): 5 clusters x 100 services, each with its own task
// definition family; 5 ALBs x 100 target groups; 3 listeners per ALB (15) with 20 rules each
// (300); 100 security groups with 4 ingress rules each. Target group k belongs to ALB
// floor(k / 100); the listeners' default actions and the rules forward to the first 63
// target groups of their ALB; the service of a forwarded target group declares it under
// loadBalancers (AWS refuses a service on a target group no load balancer forwards to).

export interface ScaleSize {
  clusters: number;
  servicesPerCluster: number;
  loadBalancers: number;
  targetGroupsPerLoadBalancer: number;
  listenersPerLoadBalancer: number;
  rulesPerListener: number;
  securityGroups: number;
  rulesPerSecurityGroup: number;
  /** every n-th target group declares attributes (deregistration delay); 0 = none */
  attributesEvery: number;
  /** every n-th service is scaled by a ScalableTarget (issue 15: 100 of 500); 0 = none */
  autoscaledEvery: number;
}

export const ISSUE_SIZE: ScaleSize = {
  clusters: 5,
  servicesPerCluster: 100,
  loadBalancers: 5,
  targetGroupsPerLoadBalancer: 100,
  listenersPerLoadBalancer: 3,
  rulesPerListener: 20,
  securityGroups: 100,
  rulesPerSecurityGroup: 4,
  attributesEvery: 10,
  autoscaledEvery: 5,
};

/**
 * One fifth of the issue size (100 services, 100 target groups, 60 rules): big enough that the
 * cold apply's writes outlast AWS's bursts (bucket-bound, ~1 min), small enough to compare the
 * cold apply against the buckets' time before and after a change without the 6-minute run.
 */
export const FIFTH_SIZE: ScaleSize = {
  clusters: 1,
  servicesPerCluster: 100,
  loadBalancers: 1,
  targetGroupsPerLoadBalancer: 100,
  listenersPerLoadBalancer: 3,
  rulesPerListener: 20,
  securityGroups: 20,
  rulesPerSecurityGroup: 4,
  attributesEvery: 10,
  autoscaledEvery: 5,
};

/** A few of everything: for the smoke test. */
export const SMOKE_SIZE: ScaleSize = {
  clusters: 2,
  servicesPerCluster: 6,
  loadBalancers: 2,
  targetGroupsPerLoadBalancer: 8,
  listenersPerLoadBalancer: 2,
  rulesPerListener: 2,
  securityGroups: 3,
  rulesPerSecurityGroup: 4,
  attributesEvery: 4,
  autoscaledEvery: 3,
};

export const LISTENER_PORTS = [80, 8080, 8081, 8082, 8083, 8084, 8085, 8086, 8087, 8088] as const;

export interface InvTargetGroup {
  name: string;
  index: number;
  loadBalancer: string;
  port: number;
  healthCheckPath: string;
  /** declared attributes (empty: none declared) */
  attributes: Record<string, string>;
  /** a listener default action or a rule forwards to it */
  forwarded: boolean;
}

export interface InvListener {
  name: string;
  loadBalancer: string;
  port: number;
  defaultTargetGroup: string;
}

export interface InvRule {
  name: string;
  loadBalancer: string;
  port: number;
  priority: number;
  pathPattern: string;
  targetGroup: string;
}

export interface InvService {
  name: string;
  cluster: string;
  family: string;
  image: string;
  /** declared only when its target group is forwarded to */
  targetGroup: string | undefined;
  /** a ScalableTarget (min 1, max 4, one CPU target-tracking policy) scales it */
  autoscaled: boolean;
}

export interface InvIngressRule {
  port: number;
  /** exactly one of these */
  cidr?: string;
  sourceGroupIndex?: number;
  description: string;
}

export interface InvSecurityGroup {
  /** the SecurityGroupIngress document's name and the group's Name tag */
  name: string;
  index: number;
  rules: InvIngressRule[];
  /** every 10th group declares `exclusive: true`: an ingress rule opened by hand in it is drift (the events bench opens one) */
  exclusive: boolean;
}

export interface ScaleInventory {
  size: ScaleSize;
  clusters: string[];
  loadBalancers: string[];
  targetGroups: InvTargetGroup[];
  listeners: InvListener[];
  rules: InvRule[];
  services: InvService[];
  securityGroups: InvSecurityGroup[];
}

const pad = (n: number, width = 3): string => String(n).padStart(width, '0');

function checkSize(size: ScaleSize): void {
  if (size.listenersPerLoadBalancer > LISTENER_PORTS.length) throw new Error(`at most ${LISTENER_PORTS.length} listeners per load balancer`);
  const forwardsPerLb = size.listenersPerLoadBalancer * (size.rulesPerListener + 1);
  if (forwardsPerLb > size.targetGroupsPerLoadBalancer) {
    throw new Error(`${forwardsPerLb} forwards per load balancer need as many target groups (have ${size.targetGroupsPerLoadBalancer})`);
  }
  if (size.targetGroupsPerLoadBalancer > 100) throw new Error('AWS allows at most 100 target groups per application load balancer');
  if (size.rulesPerSecurityGroup > 6) throw new Error('at most 6 ingress rules per security group in this inventory');
  if (size.clusters * size.servicesPerCluster > size.loadBalancers * size.targetGroupsPerLoadBalancer) {
    throw new Error('every service needs a target group of its own: more services than target groups');
  }
}

const INGRESS_PORTS = [80, 443, 8080, 22, 5432, 6379];

export function buildInventory(size: ScaleSize = ISSUE_SIZE): ScaleInventory {
  checkSize(size);
  const clusters = Array.from({ length: size.clusters }, (_, i) => `bench-cluster-${i}`);
  const loadBalancers = Array.from({ length: size.loadBalancers }, (_, i) => `bench-alb-${i}`);
  const targetGroups: InvTargetGroup[] = [];
  const listeners: InvListener[] = [];
  const rules: InvRule[] = [];
  for (const [a, lb] of loadBalancers.entries()) {
    const base = a * size.targetGroupsPerLoadBalancer;
    for (let t = 0; t < size.targetGroupsPerLoadBalancer; t++) {
      const index = base + t;
      targetGroups.push({
        name: `bench-tg-${pad(index)}`,
        index,
        loadBalancer: lb,
        port: 8000 + (index % 1000),
        healthCheckPath: `/health/${pad(index)}`,
        attributes: size.attributesEvery > 0 && index % size.attributesEvery === 0 ? { 'deregistration_delay.timeout_seconds': '30' } : {},
        forwarded: false,
      });
    }
    let next = base;
    const take = (): string => {
      const tg = targetGroups[next] as InvTargetGroup;
      tg.forwarded = true;
      next += 1;
      return tg.name;
    };
    for (let l = 0; l < size.listenersPerLoadBalancer; l++) {
      const port = LISTENER_PORTS[l] as number;
      listeners.push({ name: `${lb}-${port}`, loadBalancer: lb, port, defaultTargetGroup: take() });
      for (let r = 0; r < size.rulesPerListener; r++) {
        const targetGroup = take();
        rules.push({
          name: `${lb}-${port}-r${pad(r, 2)}`,
          loadBalancer: lb,
          port,
          priority: (r + 1) * 10,
          pathPattern: `/${targetGroup.slice('bench-'.length)}/*`,
          targetGroup,
        });
      }
    }
  }
  const services: InvService[] = [];
  for (const [c, cluster] of clusters.entries()) {
    for (let s = 0; s < size.servicesPerCluster; s++) {
      const index = c * size.servicesPerCluster + s;
      const name = `bench-svc-${pad(index)}`;
      const tg = targetGroups[index] as InvTargetGroup;
      services.push({
        name,
        cluster,
        family: name,
        image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}:1.0`,
        targetGroup: tg.forwarded ? tg.name : undefined,
        autoscaled: size.autoscaledEvery > 0 && index % size.autoscaledEvery === 0,
      });
    }
  }
  const securityGroups: InvSecurityGroup[] = Array.from({ length: size.securityGroups }, (_, g) => ({
    name: `bench-sg-${pad(g)}`,
    index: g,
    exclusive: g % 10 === 0,
    rules: INGRESS_PORTS.slice(0, size.rulesPerSecurityGroup).map((port, r) =>
      r % 2 === 1 && size.securityGroups > 1
        ? { port, sourceGroupIndex: (g + 1) % size.securityGroups, description: `bench-sg-${pad((g + 1) % size.securityGroups)} to port ${port}` }
        : { port, cidr: `10.${(g >> 8) % 256}.${g % 256}.${r * 16}/28`, description: `subnet ${r} to port ${port}` },
    ),
  }));
  return { size, clusters, loadBalancers, targetGroups, listeners, rules, services, securityGroups };
}

/** Resources per kind, as the report prints them. */
export function inventoryCounts(inv: ScaleInventory): Record<string, number> {
  return {
    clusters: inv.clusters.length,
    services: inv.services.length,
    autoscaledServices: inv.services.filter((s) => s.autoscaled).length,
    taskDefinitionFamilies: new Set(inv.services.map((s) => s.family)).size,
    loadBalancers: inv.loadBalancers.length,
    targetGroups: inv.targetGroups.length,
    targetGroupsWithAttributes: inv.targetGroups.filter((t) => Object.keys(t.attributes).length > 0).length,
    listeners: inv.listeners.length,
    rules: inv.rules.length,
    securityGroups: inv.securityGroups.length,
    ingressRules: inv.securityGroups.reduce((n, g) => n + g.rules.length, 0),
  };
}
