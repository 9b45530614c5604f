// Builders for normalised desired resources and live state used by the plan tests.
// Every builder takes overrides so a test states only what it is about.
import { specHash } from '../../src/spec/spec-hash.js';
import type {
  DesiredOf,
  DesiredState,
  Kind,
  ListenerRuleSpec,
  ListenerSpec,
  Policy,
  SecurityGroupIngressSpec,
  ServiceSpec,
  TargetGroupSpec,
  TaskDefinitionSpec,
} from '../../src/spec/types.js';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from '../../src/reconcilers/types.js';
import type { LiveState, LiveTargetGroup, Tags } from '../../src/reconcilers/types.js';

export const OWNER = 'test-owner';
export const ACCOUNT = '123456789012';
export const VPC = 'vpc-0f1a5c0000000001';
export const ALB_ARN = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/web-alb/50dc6c495c0c9188`;
export const LISTENER_ARN = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;

export function tgArn(name: string): string {
  return `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/${name}/6d0ecf831eec9f09`;
}

export function ruleArn(n: number): string {
  return `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener-rule/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/${String(n).padStart(16, '0')}`;
}

export interface MetaOverrides {
  policy?: Policy;
  ignore?: string[];
}

function meta<K extends Kind>(kind: K, name: string, spec: unknown, o: MetaOverrides = {}) {
  return {
    kind,
    name,
    id: `${kind}/${name}`,
    policy: o.policy ?? 'enforce',
    ignore: o.ignore ?? [],
    source: { file: 'desired/test.yaml', line: 3, col: 1 },
    specHash: specHash(spec),
  };
}

/** Tags that mark a live resource as ours for `id`, with the spec hash last applied. */
export function ours(id: string, hash: string, extra: Tags = {}): Tags {
  return { [TAG_OWNER]: OWNER, [TAG_RESOURCE]: id, [TAG_SPEC_HASH]: hash, ...extra };
}

export function targetGroup(name: string, spec: Partial<TargetGroupSpec> = {}, o: MetaOverrides = {}): DesiredOf<'TargetGroup'> {
  const full: TargetGroupSpec = { vpcId: VPC, protocol: 'HTTP', port: 80, targetType: 'instance', healthCheck: {}, attributes: {}, tags: {}, ...spec };
  return { ...meta('TargetGroup', name, full, o), spec: full };
}

export function listener(name: string, spec: Partial<ListenerSpec> = {}, o: MetaOverrides = {}): DesiredOf<'Listener'> {
  const full: ListenerSpec = {
    loadBalancer: 'web-alb',
    port: 80,
    protocol: 'HTTP',
    defaultAction: { type: 'fixed-response', statusCode: '404', contentType: 'text/plain', messageBody: 'Resource not found' },
    ...spec,
  };
  return { ...meta('Listener', name, full, o), spec: full };
}

export function listenerRule(name: string, spec: Partial<ListenerRuleSpec> = {}, o: MetaOverrides = {}): DesiredOf<'ListenerRule'> {
  const full: ListenerRuleSpec = {
    listener: { loadBalancer: 'web-alb', port: 80 },
    priority: 100,
    conditions: { pathPatterns: ['/users*'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
    action: { type: 'forward', targetGroup: { name: 'users-tg' } },
    ...spec,
  };
  return { ...meta('ListenerRule', name, full, o), spec: full };
}

export function ingress(name: string, spec: Partial<SecurityGroupIngressSpec> = {}, o: MetaOverrides = {}): DesiredOf<'SecurityGroupIngress'> {
  const full: SecurityGroupIngressSpec = {
    groupId: 'sg-0f1a5c00000000a1',
    exclusive: false,
    rules: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: 'sg-0f1a5c00000000a2' } }],
    ...spec,
  };
  return { ...meta('SecurityGroupIngress', name, full, o), spec: full };
}

export function taskDefinitionSpec(o: Partial<TaskDefinitionSpec> = {}): TaskDefinitionSpec {
  return {
    family: 'payments-api',
    networkMode: 'bridge',
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    requiresCompatibilities: ['EC2'],
    containers: [
      {
        name: 'web',
        image: `${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/payments:1.0`,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        cpu: 256,
        memory: 512,
        environment: [{ name: 'MODE', value: 'production', secret: false }],
        secrets: [],
        logs: { group: '/ecs/payments-api', region: 'us-east-2', streamPrefix: 'web' },
      },
    ],
    ...o,
  };
}

export function service(name: string, spec: Partial<ServiceSpec> = {}, o: MetaOverrides = {}): DesiredOf<'Service'> {
  const full: ServiceSpec = {
    cluster: 'payments',
    launchType: 'EC2',
    desiredCount: 1,
    deployment: { maximumPercent: 100, minimumHealthyPercent: 0 },
    taskDefinition: taskDefinitionSpec(),
    loadBalancers: [],
    tags: {},
    ...spec,
  };
  return { ...meta('Service', name, full, o), spec: full };
}

export function desiredState(parts: Partial<DesiredState> = {}): DesiredState {
  return { targetGroups: [], listeners: [], listenerRules: [], securityGroupIngress: [], services: [], files: ['test.yaml'], ...parts };
}

/** The pre-existing world: one ALB `web-alb` and the cluster `payments`, nothing managed yet. */
export function liveState(parts: Partial<LiveState> = {}): LiveState {
  return {
    loadBalancers: [{ arn: ALB_ARN, name: 'web-alb', vpcId: VPC }],
    targetGroups: [],
    listeners: [],
    rules: [],
    securityGroups: [],
    services: [],
    clusters: ['payments'],
    ...parts,
  };
}

/** A live target group exactly as `d` declares it, AWS defaults in the other health-check fields. */
export function liveTargetGroupOf(d: DesiredOf<'TargetGroup'>, tags: Tags = {}): LiveTargetGroup {
  const s = d.spec;
  return {
    arn: tgArn(d.name),
    name: d.name,
    vpcId: s.vpcId,
    protocol: s.protocol,
    port: s.port,
    targetType: s.targetType,
    healthCheck: {
      path: '/',
      protocol: s.protocol,
      port: 'traffic-port',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: '200',
      ...s.healthCheck,
    },
    attributes: { ...s.attributes },
    tags: { ...s.tags, ...tags },
    loadBalancerArns: [],
  };
}
