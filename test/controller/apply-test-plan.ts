// Small builders of plan changes and live state for the apply unit tests (no AWS).
import type { Change, ChangeAction, ChangeOf, LiveState } from '../../src/reconcilers/types.js';
import type { ApplyContext, ApplyLog, WriteRecord } from '../../src/controller/apply-context.js';
import { createApplyContext } from '../../src/controller/apply-context.js';
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
