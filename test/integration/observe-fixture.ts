// The observation-cost fixture, built in moto with the SDK, and the desired state naming it:
// one cluster with 25 services (each its own task definition family), 25 target groups
// (5 declaring attributes), one ALB with 2 listeners carrying 30 rules, 10 security groups
// with 2 ingress rules each. Also the batched minimum of calls for any such inventory.
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { TAG_OWNER, TAG_RESOURCE } from '../../src/reconcilers/types.js';
import type { DesiredOf, DesiredState, Kind } from '../../src/spec/types.js';
import type { TestClients } from '../../src/demo/aws-demo-clients.js';
import { createAlb, createCluster, createSecurityGroup, defaultVpc, tcpFrom } from '../../src/demo/worlds/world-building-blocks.js';

export const FIXTURE = { services: 25, targetGroups: 25, withAttributes: 5, listeners: 2, rules: 30, securityGroups: 10 } as const;
export const CLUSTER = 'observe-fixture';
export const ALB = 'observe-alb';
export const LISTENER_PORTS = [80, 8080] as const;

const pad = (i: number) => String(i).padStart(2, '0');
export const tgName = (i: number) => `obs-tg-${pad(i)}`;
export const serviceName = (i: number) => `obs-svc-${pad(i)}`;

function meta<K extends Kind>(kind: K, name: string) {
  return { kind, name, id: `${kind}/${name}`, policy: 'enforce' as const, ignore: [], source: { file: 'fixture.yaml', line: 1, col: 1 }, specHash: '0'.repeat(16) };
}

export interface Fixture {
  desired: DesiredState;
  vpcId: string;
  groupIds: string[];
}

/** Builds the world in moto and returns the desired state that names all of it. */
export async function buildObserveFixture(clients: TestClients): Promise<Fixture> {
  const { vpcId, subnets, defaultSecurityGroup } = await defaultVpc(clients);
  await createCluster(clients, CLUSTER);
  const albArn = await createAlb(clients, ALB, subnets, [defaultSecurityGroup]);

  const tgArns: string[] = [];
  for (let i = 0; i < FIXTURE.targetGroups; i++) {
    const { TargetGroups } = await clients.elbv2.send(
      new CreateTargetGroupCommand({ Name: tgName(i), Protocol: 'HTTP', Port: 8000 + i, VpcId: vpcId, TargetType: 'instance' }),
    );
    tgArns.push(TargetGroups![0]!.TargetGroupArn!);
    if (i < FIXTURE.withAttributes) {
      await clients.elbv2.send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: tgArns[i],
          Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
        }),
      );
    }
  }

  const listenerArns: string[] = [];
  for (const port of LISTENER_PORTS) {
    const { Listeners } = await clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: albArn,
        Port: port,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'nope' } }],
      }),
    );
    listenerArns.push(Listeners![0]!.ListenerArn!);
  }
  for (let i = 0; i < FIXTURE.rules; i++) {
    const { Rules } = await clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArns[i % 2],
        Priority: 100 + i,
        Conditions: [{ Field: 'path-pattern', Values: [`/r${pad(i)}*`] }],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArns[i % FIXTURE.targetGroups] }],
      }),
    );
    await clients.elbv2.send(
      new AddTagsCommand({
        ResourceArns: [Rules![0]!.RuleArn!],
        Tags: [
          { Key: TAG_OWNER, Value: 'fixture' },
          { Key: TAG_RESOURCE, Value: `ListenerRule/rule-${pad(i)}` },
        ],
      }),
    );
  }

  for (let i = 0; i < FIXTURE.services; i++) {
    const { taskDefinition } = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: serviceName(i),
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [{ name: 'web', image: `nginx:1.${i}`, essential: true, memory: 128 }],
        tags: [{ key: TAG_OWNER, value: 'fixture' }],
      }),
    );
    await clients.ecs.send(
      new CreateServiceCommand({ cluster: CLUSTER, serviceName: serviceName(i), taskDefinition: taskDefinition!.taskDefinitionArn, desiredCount: 1, launchType: 'EC2' }),
    );
  }

  const groupIds: string[] = [];
  for (let i = 0; i < FIXTURE.securityGroups; i++) {
    groupIds.push(
      await createSecurityGroup(clients, vpcId, `obs-sg-${pad(i)}`, 'observe fixture', [
        tcpFrom(80, { cidr: `10.${i}.0.0/24` }),
        tcpFrom(443, { cidr: `10.${i}.1.0/24` }),
      ]),
    );
  }

  return { desired: observeFixtureDesired(vpcId, groupIds), vpcId, groupIds };
}

/** The desired state naming every fixture resource (one Listener declared, both used by rules). */
export function observeFixtureDesired(vpcId: string, groupIds: string[]): DesiredState {
  const noConditions = { hostHeaders: [], httpRequestMethods: [], sourceIps: [] };
  const targetGroups: DesiredOf<'TargetGroup'>[] = Array.from({ length: FIXTURE.targetGroups }, (_, i) => ({
    ...meta('TargetGroup', tgName(i)),
    spec: {
      vpcId,
      protocol: 'HTTP',
      port: 8000 + i,
      targetType: 'instance',
      healthCheck: {},
      attributes: (i < FIXTURE.withAttributes ? { 'deregistration_delay.timeout_seconds': '30' } : {}) as Record<string, string>,
      tags: {},
    },
  }));
  const listeners: DesiredOf<'Listener'>[] = [
    {
      ...meta('Listener', 'observe-http'),
      spec: { loadBalancer: ALB, port: 80, protocol: 'HTTP', defaultAction: { type: 'fixed-response', statusCode: '404' } },
    },
  ];
  const listenerRules: DesiredOf<'ListenerRule'>[] = Array.from({ length: FIXTURE.rules }, (_, i) => ({
    ...meta('ListenerRule', `rule-${pad(i)}`),
    spec: {
      listener: { loadBalancer: ALB, port: LISTENER_PORTS[i % 2] as number },
      priority: 100 + i,
      conditions: { pathPatterns: [`/r${pad(i)}*`], ...noConditions },
      action: { type: 'forward', targetGroup: { name: tgName(i % FIXTURE.targetGroups) } },
    },
  }));
  const securityGroupIngress: DesiredOf<'SecurityGroupIngress'>[] = groupIds.map((groupId, i) => ({
    ...meta('SecurityGroupIngress', `sg-${pad(i)}`),
    spec: {
      groupId,
      exclusive: false,
      rules: [{ protocol: 'tcp', fromPort: 80, toPort: 80, source: { type: 'cidr', value: `10.${i}.0.0/24` } }],
    },
  }));
  const services: DesiredOf<'Service'>[] = Array.from({ length: FIXTURE.services }, (_, i) => ({
    ...meta('Service', serviceName(i)),
    spec: {
      cluster: CLUSTER,
      launchType: 'EC2',
      desiredCount: 1,
      deployment: { maximumPercent: 200, minimumHealthyPercent: 100 },
      taskDefinition: {
        family: serviceName(i),
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containers: [{ name: 'web', image: `nginx:1.${i}`, essential: true, portMappings: [], memory: 128, environment: [], secrets: [] }],
      },
      loadBalancers: [],
      tags: {},
    },
  }));
  return { targetGroups, listeners, listenerRules, securityGroupIngress, services, scalableTargets: [], files: ['fixture.yaml'] };
}

export interface Inventory {
  clusters: number;
  /** existing services per existing cluster */
  servicesPerCluster: number[];
  /** distinct task definition revisions not in the cache */
  uncachedTaskDefinitions: number;
  targetGroups: number;
  targetGroupsInAccount: number;
  targetGroupsWithAttributes: number;
  loadBalancers: number;
  loadBalancersInAccount: number;
  listenersRead: number;
  listenersInUse: number;
  rulesRead: number;
  securityGroups: number;
}

/** The fewest calls AWS's batching limits allow for reading an inventory (all declared resources exist). */
export function minimumCalls(inv: Inventory): Record<string, number> {
  const byNamesOrList = (n: number, inAccount: number) => (n === 0 ? 0 : Math.min(Math.ceil(n / 20), Math.ceil(inAccount / 400)));
  return {
    'ecs:DescribeClusters': Math.ceil(inv.clusters / 100),
    'ecs:DescribeServices': inv.servicesPerCluster.reduce((sum, n) => sum + Math.ceil(n / 10), 0),
    'ecs:DescribeTaskDefinition': inv.uncachedTaskDefinitions,
    // a listing: a declared group may also live under its alternate name (after a replace), usually absent
    'elbv2:DescribeTargetGroups': inv.targetGroups === 0 ? 0 : Math.max(1, Math.ceil(inv.targetGroupsInAccount / 400)),
    'elbv2:DescribeTargetGroupAttributes': inv.targetGroupsWithAttributes,
    'elbv2:DescribeLoadBalancers': byNamesOrList(inv.loadBalancers, inv.loadBalancersInAccount),
    'elbv2:DescribeListeners': inv.loadBalancers,
    'elbv2:DescribeRules': inv.listenersInUse,
    'elbv2:DescribeTags': Math.ceil((inv.targetGroups + inv.listenersRead + inv.rulesRead) / 20),
    'ec2:DescribeSecurityGroups': Math.ceil(inv.securityGroups / 200),
    'ec2:DescribeSecurityGroupRules': Math.ceil(inv.securityGroups / 200),
  };
}

/** The fixture as minimumCalls() sees it on a process's first observe (no task definition cached). */
export const FIXTURE_INVENTORY: Inventory = {
  clusters: 1,
  servicesPerCluster: [FIXTURE.services],
  uncachedTaskDefinitions: FIXTURE.services,
  targetGroups: FIXTURE.targetGroups,
  targetGroupsInAccount: FIXTURE.targetGroups,
  targetGroupsWithAttributes: FIXTURE.withAttributes,
  loadBalancers: 1,
  loadBalancersInAccount: 1,
  listenersRead: FIXTURE.listeners,
  listenersInUse: FIXTURE.listeners,
  rulesRead: FIXTURE.rules,
  securityGroups: FIXTURE.securityGroups,
};
