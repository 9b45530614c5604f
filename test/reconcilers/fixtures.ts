// The one set of fixture builders of the reconciler and apply tests: normalised desired
// resources, live state, plan changes, an apply context and fake appliers (no AWS).
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

import type { Change, ChangeAction, ChangeOf } from '../../src/reconcilers/types.js';
import type { ApplyContext, ApplyLog, WriteRecord } from '../../src/reconcilers/shared/apply-context.js';
import { createApplyContext } from '../../src/reconcilers/shared/apply-context.js';
import { changeKey } from '../../src/reconcilers/shared/steps.js';
import type { Appliers } from '../../src/controller/apply.js';
import type { AwsClients } from '../../src/aws/clients.js';

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
  return { targetGroups: [], listeners: [], listenerRules: [], securityGroupIngress: [], services: [], scalableTargets: [], files: ['test.yaml'], ...parts };
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
    scalableTargets: [],
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
      protocol: s.protocol as 'HTTP' | 'HTTPS',
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

// ---------- plan changes, an apply context and fake appliers (the apply tests) ----------

export function emptyLive(): LiveState {
  return { loadBalancers: [], targetGroups: [], listeners: [], rules: [], securityGroups: [], services: [], clusters: [], scalableTargets: [] };
}

const changeMeta = (kind: string, name: string) => ({
  kind,
  name,
  id: `${kind}/${name}`,
  policy: 'enforce' as const,
  ignore: [],
  source: { file: 'x.yaml', line: 1, col: 1 },
  specHash: 'abcd0123abcd0123',
});

const changeBase = (kind: string, name: string, action: ChangeAction) => ({
  name,
  id: `${kind}/${name}`,
  action,
  cause: action === 'delete' ? ('prune' as const) : action === 'create' ? ('create' as const) : ('rollout' as const),
  policy: 'enforce' as const,
  diffs: [],
});

export function tgChange(name: string, action: ChangeAction, liveArn?: string): ChangeOf<'TargetGroup'> {
  return {
    ...changeBase('TargetGroup', name, action),
    kind: 'TargetGroup',
    ...(action === 'delete'
      ? {}
      : {
          desired: {
            ...changeMeta('TargetGroup', name),
            kind: 'TargetGroup',
            spec: { vpcId: 'vpc-1', protocol: 'HTTP', port: 80, targetType: 'instance', healthCheck: {}, attributes: {}, tags: {} },
          },
        }),
    ...(liveArn === undefined ? {} : { liveId: liveArn }),
  };
}

/** A live target group (HTTP:80, instance); tags default to ours as `TargetGroup/name`. */
export function liveTargetGroup(name: string, arn: string, tags: Tags = { [TAG_OWNER]: OWNER, [TAG_RESOURCE]: `TargetGroup/${name}` }): LiveTargetGroup {
  return {
    arn,
    name,
    vpcId: 'vpc-1',
    protocol: 'HTTP',
    port: 80,
    targetType: 'instance',
    healthCheck: {
      path: '/',
      protocol: 'HTTP',
      port: 'traffic-port',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      matcher: '200',
    },
    attributes: {},
    tags,
    loadBalancerArns: [],
  };
}

export function ruleChange(
  name: string,
  action: ChangeAction,
  opts: { tg?: string; priority?: number; lb?: string; port?: number; liveArn?: string } = {},
): ChangeOf<'ListenerRule'> {
  return {
    ...changeBase('ListenerRule', name, action),
    kind: 'ListenerRule',
    ...(action === 'delete'
      ? {}
      : {
          desired: {
            ...changeMeta('ListenerRule', name),
            kind: 'ListenerRule',
            spec: {
              listener: { loadBalancer: opts.lb ?? 'alb', port: opts.port ?? 80 },
              priority: opts.priority ?? 100,
              conditions: { pathPatterns: ['/x*'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
              action: { type: 'forward', targetGroup: { name: opts.tg ?? 'tg' } },
            },
          },
        }),
    ...(opts.liveArn === undefined ? {} : { liveId: opts.liveArn }),
  };
}

export function listenerChange(name: string, action: ChangeAction, opts: { tg?: string; lb?: string; port?: number } = {}): ChangeOf<'Listener'> {
  return {
    ...changeBase('Listener', name, action),
    kind: 'Listener',
    desired: {
      ...changeMeta('Listener', name),
      kind: 'Listener',
      spec: {
        loadBalancer: opts.lb ?? 'alb',
        port: opts.port ?? 80,
        protocol: 'HTTP',
        defaultAction:
          opts.tg === undefined ? { type: 'fixed-response', statusCode: '404' } : { type: 'forward', targetGroup: { name: opts.tg } },
      },
    },
  };
}

export function sgChange(name: string, action: ChangeAction): ChangeOf<'SecurityGroupIngress'> {
  return {
    ...changeBase('SecurityGroupIngress', name, action),
    kind: 'SecurityGroupIngress',
    authorize: [],
    revoke: [],
    describe: [],
    adopt: [],
  };
}

export function serviceChange(name: string, action: ChangeAction, tgs: string[] = []): ChangeOf<'Service'> {
  return {
    ...changeBase('Service', name, action),
    kind: 'Service',
    registerTaskDefinition: action === 'create',
    desired: {
      ...changeMeta('Service', name),
      kind: 'Service',
      spec: {
        cluster: 'c',
        launchType: 'EC2',
        desiredCount: 1,
        deployment: { maximumPercent: 200, minimumHealthyPercent: 100 },
        taskDefinition: { family: name, networkMode: 'bridge', requiresCompatibilities: ['EC2'], containers: [] },
        loadBalancers: tgs.map((tg) => ({ targetGroup: { name: tg }, containerName: 'web', containerPort: 80 })),
        tags: {},
      },
    },
  };
}

export const silentLog: ApplyLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function fakeContext(live: LiveState = emptyLive(), records: WriteRecord[] = []): ApplyContext {
  return createApplyContext({
    clients: {} as AwsClients,
    ownerId: OWNER,
    log: silentLog,
    live,
    record: (w) => records.push(w),
  });
}

export type AnyChange = Change;

export interface FakeAppliers {
  appliers: Appliers;
  calls: string[];
  maxInFlight: () => number;
}

/** Appliers that record `kind:id`, fail for ids in `fail`, and create ARNs for created target groups. */
export function fakeAppliers(fail: string[] = []): FakeAppliers {
  const calls: string[] = [];
  let inFlight = 0;
  let max = 0;
  const run = async (label: string, id: string, ctx: ApplyContext, after?: () => void, changeId = id, key = changeId): Promise<void> => {
    inFlight += 1;
    max = Math.max(max, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight -= 1;
    calls.push(`${label}:${id}`);
    if (fail.includes(id)) throw new Error(`injected failure for ${id}`);
    ctx.record({ changeId, changeKey: key, kind: 'TargetGroup', name: id, operation: label, attempts: 1 });
    after?.();
  };
  const appliers: Appliers = {
    TargetGroup: {
      apply: (c, ctx) =>
        run(c.action === 'delete' ? 'deleteTG' : 'tg', c.id, ctx, () => {
          if (c.action === 'create' || c.action === 'replace') ctx.resolved.set(c.name, `arn:tg/${c.name}/new`);
        }),
      delete: (c, ctx, arn) => run('deleteTG', c.id, ctx, () => ctx.forwards.remove(arn), c.id, changeKey(c)),
    },
    Listener: {
      apply: (c, ctx) => run(c.action === 'delete' ? 'deleteListener' : 'listener', c.id, ctx),
      move: (o, ctx, arn) => run('moveListener', arn, ctx, undefined, o.id),
    },
    ListenerRule: {
      apply: (c, ctx) =>
        run(c.action === 'delete' ? 'deleteRule' : 'rule', c.id, ctx, () => {
          if (c.action === 'delete' && c.liveId) ctx.forwards.remove(c.liveId);
        }),
      priorities: (w, ctx) => run('priorities', w.listenerArn, ctx),
      move: (o, ctx, arn, action) =>
        run('moveRule', arn, ctx, () => ctx.forwards.update(arn, o.id, action.TargetGroupArn ? [action.TargetGroupArn] : []), o.id),
    },
    SecurityGroupIngress: { apply: (c, ctx) => run(c.action === 'delete' ? 'deleteSG' : 'sg', c.id, ctx) },
    Service: {
      apply: (c, ctx) => run(c.action === 'delete' ? 'deleteService' : 'service', c.id, ctx),
      move: (o, ctx, s) => run('moveService', s.arn, ctx, undefined, o.id),
    },
    ScalableTarget: { apply: (c, ctx) => run('scalableTarget', c.id, ctx) },
  };
  return { appliers, calls, maxInFlight: () => max };
}
