// Builds the benchmark's world in moto with plain SDK calls sent straight to moto (not
// through the fault proxy), many at once: the unmanaged infrastructure (VPC, subnets, ALBs,
// clusters, security groups) and every managed resource exactly as the desired files will
// declare it, so that the controller's cold apply only adopts (tags) what it finds.
import { AuthorizeSecurityGroupIngressCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mapConcurrent } from '../src/aws/paginate.js';
import type { TestClients } from '../src/demo/aws-demo-clients.js';
import { createAlb, createCluster, createSecurityGroup, createSubnets, createVpc } from '../src/demo/worlds/world-building-blocks.js';
import type { InvSecurityGroup, InvService, ScaleInventory } from './scale-inventory.js';

/** What the desired files need from the world: ids moto generated. */
export interface ScaleWorldIds {
  vpcId: string;
  /** security group index -> id */
  securityGroupIds: string[];
  /** ARNs moto gave the managed ELBv2 resources (for drift injection): by target group name, `lb:port`, rule name */
  targetGroupArns: Map<string, string>;
  listenerArns: Map<string, string>;
  ruleArns: Map<string, string>;
}

export interface SetupTiming {
  /** seconds per step, in order */
  steps: { step: string; calls: number; seconds: number }[];
  totalSeconds: number;
}

/** Calls in flight at once against moto while building (moto serves requests on threads). */
export const SETUP_CONCURRENCY = 16;

export const CONTAINER_PORT = 8080;

export function ingressPermission(rule: InvSecurityGroup['rules'][number], ids: readonly string[]): IpPermission {
  const base = { IpProtocol: 'tcp', FromPort: rule.port, ToPort: rule.port };
  if (rule.cidr !== undefined) return { ...base, IpRanges: [{ CidrIp: rule.cidr, Description: rule.description }] };
  const groupId = ids[rule.sourceGroupIndex ?? -1];
  if (!groupId) throw new Error(`no security group ${rule.sourceGroupIndex}`);
  return { ...base, UserIdGroupPairs: [{ GroupId: groupId, Description: rule.description }] };
}

async function registerAndCreate(clients: TestClients, svc: InvService, tgArns: Map<string, string>): Promise<void> {
  const registered = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: svc.family,
      networkMode: 'bridge',
      requiresCompatibilities: ['EC2'],
      containerDefinitions: [
        {
          name: 'web',
          image: svc.image,
          essential: true,
          cpu: 128,
          memory: 256,
          portMappings: [{ containerPort: CONTAINER_PORT, hostPort: 0, protocol: 'tcp' }],
          environment: [{ name: 'SERVICE', value: svc.name }],
        },
      ],
    }),
  );
  const tgArn = svc.targetGroup === undefined ? undefined : tgArns.get(svc.targetGroup);
  await clients.ecs.send(
    new CreateServiceCommand({
      cluster: svc.cluster,
      serviceName: svc.name,
      taskDefinition: registered.taskDefinition?.taskDefinitionArn,
      launchType: 'EC2',
      desiredCount: 1,
      loadBalancers: tgArn ? [{ targetGroupArn: tgArn, containerName: 'web', containerPort: CONTAINER_PORT }] : [],
    }),
  );
}

export async function buildScaleWorld(clients: TestClients, inv: ScaleInventory, concurrency = SETUP_CONCURRENCY): Promise<{ ids: ScaleWorldIds; timing: SetupTiming }> {
  const steps: SetupTiming['steps'] = [];
  const started = performance.now();
  const step = async <T>(name: string, calls: number, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await run();
    steps.push({ step: name, calls, seconds: (performance.now() - t0) / 1000 });
    return out;
  };
  const all = <T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<unknown[]> => mapConcurrent(items, concurrency, fn);

  const { vpcId, subnets, albGroup } = await step('vpc, subnets, ALB security group', 4, async () => {
    const vpc = await createVpc(clients, 'bench-vpc', '10.0.0.0/16');
    const subnetIds = await createSubnets(clients, vpc, [
      { name: 'bench-a', cidr: '10.0.0.0/20', az: 'us-east-1a' },
      { name: 'bench-b', cidr: '10.0.16.0/20', az: 'us-east-1b' },
    ]);
    return { vpcId: vpc, subnets: subnetIds, albGroup: await createSecurityGroup(clients, vpc, 'bench-alb-sg', 'benchmark load balancers') };
  });
  const infra = await step('clusters, load balancers, security groups', inv.clusters.length + inv.loadBalancers.length + inv.securityGroups.length, async () => {
    await all(inv.clusters, (c) => createCluster(clients, c));
    const lbArns = new Map<string, string>();
    await all(inv.loadBalancers, async (lb) => lbArns.set(lb, await createAlb(clients, lb, subnets, [albGroup])));
    const ids = (await all(inv.securityGroups, (g) => createSecurityGroup(clients, vpcId, g.name, `benchmark group ${g.index}`))) as string[];
    return { ids, lbArns };
  });
  const tgArns = new Map<string, string>();
  await step('target groups (+ attributes)', inv.targetGroups.length + inv.targetGroups.filter((t) => Object.keys(t.attributes).length > 0).length, () =>
    all(inv.targetGroups, async (tg) => {
      const out = await clients.elbv2.send(
        new CreateTargetGroupCommand({ Name: tg.name, VpcId: vpcId, Protocol: 'HTTP', Port: tg.port, TargetType: 'instance', HealthCheckPath: tg.healthCheckPath }),
      );
      const arn = out.TargetGroups?.[0]?.TargetGroupArn;
      if (!arn) throw new Error(`CreateTargetGroup ${tg.name} returned no ARN`);
      tgArns.set(tg.name, arn);
      const attrs = Object.entries(tg.attributes);
      if (attrs.length > 0) {
        await clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: attrs.map(([Key, Value]) => ({ Key, Value })) }));
      }
    }),
  );
  const listenerArns = new Map<string, string>();
  await step('listeners', inv.listeners.length, () =>
    all(inv.listeners, async (l) => {
      const out = await clients.elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: infra.lbArns.get(l.loadBalancer),
          Port: l.port,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArns.get(l.defaultTargetGroup) }],
        }),
      );
      listenerArns.set(`${l.loadBalancer}:${l.port}`, out.Listeners?.[0]?.ListenerArn ?? '');
    }),
  );
  const ruleArns = new Map<string, string>();
  await step('listener rules', inv.rules.length, () =>
    all(inv.rules, async (r) => {
      const out = await clients.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: listenerArns.get(`${r.loadBalancer}:${r.port}`),
          Priority: r.priority,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [r.pathPattern] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: tgArns.get(r.targetGroup) }],
        }),
      );
      ruleArns.set(r.name, out.Rules?.[0]?.RuleArn ?? '');
    }),
  );
  const sgIds = infra.ids;
  await step('security group ingress', inv.securityGroups.length, () =>
    all(inv.securityGroups, (g) =>
      clients.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: sgIds[g.index], IpPermissions: g.rules.map((r) => ingressPermission(r, sgIds)) }),
      ),
    ),
  );
  await step('task definitions + services', inv.services.length * 2, () => all(inv.services, (svc) => registerAndCreate(clients, svc, tgArns)));

  return { ids: { vpcId, securityGroupIds: sgIds, targetGroupArns: tgArns, listenerArns, ruleArns }, timing: { steps, totalSeconds: (performance.now() - started) / 1000 } };
}
