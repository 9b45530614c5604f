// Small builders of plan changes and live state for the apply unit tests (no AWS).
import type { Change, ChangeAction, ChangeOf, LiveState, LiveTargetGroup, Tags } from '../../src/reconcilers/types.js';
import { TAG_OWNER, TAG_RESOURCE } from '../../src/reconcilers/types.js';
import type { ApplyContext, ApplyLog, WriteRecord } from '../../src/reconcilers/shared/apply-context.js';
import { createApplyContext } from '../../src/reconcilers/shared/apply-context.js';
import { changeKey } from '../../src/reconcilers/shared/steps.js';
import type { Appliers } from '../../src/controller/apply.js';
import type { AwsClients } from '../../src/aws/clients.js';

export const OWNER = 'ecs-reconciler';

export function emptyLive(): LiveState {
  return { loadBalancers: [], targetGroups: [], listeners: [], rules: [], securityGroups: [], services: [], clusters: [] };
}

const meta = (kind: string, name: string) => ({
  kind,
  name,
  id: `${kind}/${name}`,
  policy: 'enforce' as const,
  ignore: [],
  source: { file: 'x.yaml', line: 1, col: 1 },
  specHash: 'abcd0123abcd0123',
});

const base = (kind: string, name: string, action: ChangeAction) => ({
  name,
  id: `${kind}/${name}`,
  action,
  cause: action === 'delete' ? ('prune' as const) : action === 'create' ? ('create' as const) : ('rollout' as const),
  policy: 'enforce' as const,
  diffs: [],
});

export function tgChange(name: string, action: ChangeAction, liveArn?: string): ChangeOf<'TargetGroup'> {
  return {
    ...base('TargetGroup', name, action),
    kind: 'TargetGroup',
    ...(action === 'delete'
      ? {}
      : {
          desired: {
            ...meta('TargetGroup', name),
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
    ...base('ListenerRule', name, action),
    kind: 'ListenerRule',
    ...(action === 'delete'
      ? {}
      : {
          desired: {
            ...meta('ListenerRule', name),
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
    ...base('Listener', name, action),
    kind: 'Listener',
    desired: {
      ...meta('Listener', name),
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
    ...base('SecurityGroupIngress', name, action),
    kind: 'SecurityGroupIngress',
    authorize: [],
    revoke: [],
    describe: [],
    adopt: [],
  };
}

export function serviceChange(name: string, action: ChangeAction, tgs: string[] = []): ChangeOf<'Service'> {
  return {
    ...base('Service', name, action),
    kind: 'Service',
    registerTaskDefinition: action === 'create',
    desired: {
      ...meta('Service', name),
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
  };
  return { appliers, calls, maxInFlight: () => max };
}
