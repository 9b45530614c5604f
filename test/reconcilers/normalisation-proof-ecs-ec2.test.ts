// The normalisation proof for security-group ingress, task definitions and services: the SDK
// shapes of resources built exactly as declared normalise to no diff. One row per rule.
import { describe, expect, it } from 'vitest';
import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { ContainerDefinition, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { normaliseSecurityGroup } from '../../src/reconcilers/security-group-ingress/normalise.js';
import { normaliseService } from '../../src/reconcilers/service/normalise.js';
import { normaliseTaskDefinition } from '../../src/reconcilers/service/task-definition-normalise.js';
import { normaliseContainerHealthCheck } from '../../src/spec/normalise-service.js';
import { planAll } from '../../src/reconcilers/plan.js';
import { planHasChanges } from '../../src/reconcilers/format-plan.js';
import { TAG_OWNER, TAG_RESOURCE } from '../../src/reconcilers/types.js';
import type { LiveState } from '../../src/reconcilers/types.js';
import type { DesiredState, IngressRule, TaskDefinitionSpec } from '../../src/spec/types.js';
import { ACCOUNT, OWNER, desiredState, ingress, liveState, ours, service, targetGroup, taskDefinitionSpec, liveTargetGroupOf, tgArn } from './fixtures.js';

function expectConverged(desired: DesiredState, live: LiveState): void {
  const plan = planAll(desired, live, { prune: true, ownerId: OWNER });
  expect(plan.conflicts).toEqual([]);
  expect(plan.changes.filter((c) => c.diffs.length > 0).map((c) => ({ id: c.id, diffs: c.diffs }))).toEqual([]);
  expect(plan.changes.map((c) => c.action)).toEqual(plan.changes.map(() => 'noop'));
  expect(planHasChanges(plan)).toBe(false);
}

const GROUP = 'sg-0f1a5c00000000a1';

function sdkGroup(tags: Record<string, string>): SecurityGroup {
  return { GroupId: GROUP, GroupName: 'rds', VpcId: 'vpc-1', OwnerId: ACCOUNT, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

function sgr(id: number, o: Partial<SecurityGroupRule>): SecurityGroupRule {
  return { SecurityGroupRuleId: `sgr-${String(id).padStart(17, '0')}`, GroupId: GROUP, GroupOwnerId: ACCOUNT, IsEgress: false, Tags: [], ...o };
}

const ruleTags = (id: string) => [
  { Key: TAG_OWNER, Value: OWNER },
  { Key: TAG_RESOURCE, Value: id },
];

describe('normalisation proof: security-group ingress', () => {
  const appSg = 'sg-0f1a5c00000000a2';
  it.each<[string, IngressRule, Partial<SecurityGroupRule>]>([
    ['source security group', { protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: appSg } }, { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: { GroupId: appSg, UserId: ACCOUNT } }],
    ['cidr', { protocol: 'tcp', fromPort: 80, toPort: 80, source: { type: 'cidr', value: '10.2.0.0/24' } }, { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '10.2.0.0/24' }],
    ['ipv6 cidr and a port range', { protocol: 'tcp', fromPort: 8000, toPort: 8100, source: { type: 'ipv6Cidr', value: '::/0' } }, { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8100, CidrIpv6: '::/0' }],
    ['prefix list', { protocol: 'udp', fromPort: 53, toPort: 53, source: { type: 'prefixList', value: 'pl-0123' } }, { IpProtocol: 'udp', FromPort: 53, ToPort: 53, PrefixListId: 'pl-0123' }],
    ['protocol -1 is all with ports -1', { protocol: 'all', fromPort: -1, toPort: -1, source: { type: 'cidr', value: '10.0.0.0/16' } }, { IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '10.0.0.0/16' }],
    ['numeric protocol 6 is tcp', { protocol: 'tcp', fromPort: 22, toPort: 22, source: { type: 'cidr', value: '10.0.0.0/16' } }, { IpProtocol: '6', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/16' }],
    ['numeric protocol 17 is udp', { protocol: 'udp', fromPort: 514, toPort: 514, source: { type: 'cidr', value: '10.0.0.0/16' } }, { IpProtocol: '17', FromPort: 514, ToPort: 514, CidrIpv4: '10.0.0.0/16' }],
    ['numeric protocol 1 is icmp', { protocol: 'icmp', fromPort: 8, toPort: -1, source: { type: 'cidr', value: '10.0.0.0/16' } }, { IpProtocol: '1', FromPort: 8, ToPort: -1, CidrIpv4: '10.0.0.0/16' }],
    [
      'a live description the spec does not declare is left alone',
      { protocol: 'tcp', fromPort: 22, toPort: 22, source: { type: 'cidr', value: '10.0.0.0/16' } },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/16', Description: 'ssh from the VPC' },
    ],
    [
      'a declared description equal to the live one',
      { protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: appSg }, description: 'app tasks to postgres' },
      { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: { GroupId: appSg }, Description: 'app tasks to postgres' },
    ],
  ])('%s', (_label, rule, sdk) => {
    const d = ingress('rds-in', { rules: [rule] });
    const egress = sgr(99, { IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' });
    const group = normaliseSecurityGroup(sdkGroup(ours(d.id, d.specHash)), [sgr(1, { ...sdk, Tags: ruleTags(d.id) }), egress]);
    expect(group.rules).toHaveLength(1);
    expectConverged(desiredState({ securityGroupIngress: [d] }), liveState({ securityGroups: [group] }));
  });
});

const container = (o: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'web',
  image: `${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/payments:1.0`,
  cpu: 256,
  memory: 512,
  portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
  essential: true,
  environment: [{ name: 'MODE', value: 'production' }],
  mountPoints: [],
  volumesFrom: [],
  systemControls: [],
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/payments-api', 'awslogs-region': 'us-east-2', 'awslogs-stream-prefix': 'web' } },
  ...o,
});

const TD_ARN = `arn:aws:ecs:us-east-2:${ACCOUNT}:task-definition/payments-api:7`;

/** DescribeTaskDefinition's reply, read-only fields included. */
function sdkTaskDefinition(o: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    taskDefinitionArn: TD_ARN,
    family: 'payments-api',
    revision: 7,
    status: 'ACTIVE',
    networkMode: 'bridge',
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    requiresCompatibilities: ['EC2'],
    compatibilities: ['EC2'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    registeredAt: new Date('2024-01-01T00:00:00Z'),
    registeredBy: `arn:aws:iam::${ACCOUNT}:user/someone`,
    volumes: [],
    placementConstraints: [],
    containerDefinitions: [container()],
    ...o,
  };
}

function sdkService(o: Partial<Service> = {}): Service {
  return {
    serviceArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:service/payments/payments-api`,
    serviceName: 'payments-api',
    clusterArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:cluster/payments`,
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: 1,
    pendingCount: 0,
    launchType: 'EC2',
    taskDefinition: TD_ARN,
    deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0, deploymentCircuitBreaker: { enable: false, rollback: false } },
    loadBalancers: [],
    schedulingStrategy: 'REPLICA',
    ...o,
  };
}

interface ServiceCase {
  spec?: Parameters<typeof service>[1];
  td?: Partial<TaskDefinition>;
  svc?: Partial<Service>;
}

function serviceWorld(c: ServiceCase): { desired: DesiredState; live: LiveState } {
  const tg = targetGroup('payments-tg');
  const d = service('payments-api', c.spec ?? {});
  const td = normaliseTaskDefinition(sdkTaskDefinition(c.td), []);
  const tags = Object.entries(ours(d.id, d.specHash)).map(([key, value]) => ({ key, value }));
  const svc = normaliseService(sdkService({ tags, ...c.svc }), td);
  return {
    desired: desiredState({ services: [d], targetGroups: [tg] }),
    live: liveState({ services: [svc], targetGroups: [liveTargetGroupOf(tg, ours(tg.id, tg.specHash))] }),
  };
}

const td = (o: Partial<TaskDefinitionSpec>) => taskDefinitionSpec(o);
const web = taskDefinitionSpec().containers[0]!;

/** A container health check declared in YAML (normalised by the loader's code) against what ECS / moto report. */
function healthCheckRows(): [string, ServiceCase][] {
  const declared = (raw: Parameters<typeof normaliseContainerHealthCheck>[0], stopTimeout?: number): ServiceCase['spec'] => ({
    taskDefinition: td({ containers: [{ ...web, healthCheck: normaliseContainerHealthCheck(raw), ...(stopTimeout === undefined ? {} : { stopTimeout }) }] }),
  });
  const command = ['CMD', 'node', '/app/healthcheck.mjs'];
  return [
    ['health check: ECS reports the defaults it filled (30 / 5 / 3)', { spec: declared({ command }), td: { containerDefinitions: [container({ healthCheck: { command, interval: 30, timeout: 5, retries: 3 } })] } }],
    ['health check: an emulator leaves the defaults out', { spec: declared({ command }), td: { containerDefinitions: [container({ healthCheck: { command } })] } }],
    [
      'health check: every field given, start period 0, and a stop timeout',
      {
        spec: declared({ command, intervalSeconds: 10, timeoutSeconds: 2, retries: 1, startPeriodSeconds: 0 }, 120),
        td: { containerDefinitions: [container({ healthCheck: { command, interval: 10, timeout: 2, retries: 1, startPeriod: 0 }, stopTimeout: 120 })] },
      },
    ],
  ];
}

describe('normalisation proof: services and task definitions', () => {
  it.each<[string, ServiceCase]>([
    ['read-only fields (revision, status, registeredAt, requiresAttributes, compatibilities) dropped', {}],
    ['essential left out means true', { td: { containerDefinitions: [container({ essential: undefined })] } }],
    ['port-mapping protocol left out means tcp', { td: { containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 0 }] })] } }],
    ['bridge: hostPort left out means 0 (dynamic)', { td: { containerDefinitions: [container({ portMappings: [{ containerPort: 80 }] })] } }],
    [
      'awsvpc: hostPort left out means the container port',
      {
        spec: {
          taskDefinition: td({ networkMode: 'awsvpc', containers: [{ ...web, portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }] }] }),
          network: { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0app'], assignPublicIp: false },
        },
        td: { networkMode: 'awsvpc', containerDefinitions: [container({ portMappings: [{ containerPort: 80, protocol: 'tcp' }] })] },
        svc: { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0b', 'subnet-0a'], securityGroups: ['sg-0app'], assignPublicIp: 'DISABLED' } } },
      },
    ],
    [
      'awsvpc containerPortRange: no single container or host port on either side',
      {
        spec: {
          taskDefinition: td({ networkMode: 'awsvpc', containers: [{ ...web, portMappings: [{ containerPort: 0, containerPortRange: '8000-8010', hostPort: 0, protocol: 'tcp' }] }] }),
          network: { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0app'], assignPublicIp: false },
        },
        td: { networkMode: 'awsvpc', containerDefinitions: [container({ portMappings: [{ containerPortRange: '8000-8010', protocol: 'tcp' }] })] },
        svc: { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0b', 'subnet-0a'], securityGroups: ['sg-0app'], assignPublicIp: 'DISABLED' } } },
      },
    ],
    [
      'environment in any order; the secret flag is not compared',
      {
        spec: {
          taskDefinition: td({
            containers: [{ ...web, environment: [{ name: 'A', value: '1', secret: false }, { name: 'DB_PASSWORD', value: 'hunter2', secret: true }, { name: 'MODE', value: 'production', secret: false }] }],
          }),
        },
        td: { containerDefinitions: [container({ environment: [{ name: 'MODE', value: 'production' }, { name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'A', value: '1' }] })] },
      },
    ],
    ['container cpu left out: ECS reports 0', { spec: { taskDefinition: td({ containers: [{ ...web, cpu: undefined }] }) }, td: { containerDefinitions: [container({ cpu: 0 })] } }],
    ['requiresCompatibilities left out means EC2', { td: { requiresCompatibilities: undefined } }],
    ['deploymentConfiguration missing (moto) means 200/100', { spec: { deployment: { maximumPercent: 200, minimumHealthyPercent: 100 } }, svc: { deploymentConfiguration: undefined } }],
    [
      'load balancer target group ARN equals the declared target group name',
      {
        spec: { loadBalancers: [{ targetGroup: { name: 'payments-tg' }, containerName: 'web', containerPort: 80 }] },
        svc: { loadBalancers: [{ targetGroupArn: tgArn('payments-tg'), containerName: 'web', containerPort: 80 }] },
      },
    ],
    [
      'a different revision ARN with the same content',
      { td: { taskDefinitionArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:task-definition/payments-api:42`, revision: 42 } },
    ],
    ...healthCheckRows(),
    ['secrets sorted by name', {
      spec: { taskDefinition: td({ containers: [{ ...web, secrets: [{ name: 'A', valueFrom: 'arn:a' }, { name: 'B', valueFrom: 'arn:b' }] }] }) },
      td: { containerDefinitions: [container({ secrets: [{ name: 'B', valueFrom: 'arn:b' }, { name: 'A', valueFrom: 'arn:a' }] })] },
    }],
  ])('%s', (_label, c) => {
    const { desired, live } = serviceWorld(c);
    expectConverged(desired, live);
    const plan = planAll(desired, live, { prune: false, ownerId: OWNER });
    const svc = plan.changes.find((ch) => ch.kind === 'Service');
    expect(svc?.kind === 'Service' && svc.registerTaskDefinition).toBe(false);
  });
});
