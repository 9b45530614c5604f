// The normalisation proof for ELBv2 kinds: a live resource in the shape the SDK returns it, built
// exactly as declared, normalises to no diff against the desired resource. One row per rule.
import { describe, expect, it } from 'vitest';
import type { Listener, Rule, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { normaliseListener } from '../../src/reconcilers/listener/normalise.js';
import { normaliseRule } from '../../src/reconcilers/listener-rule/normalise.js';
import { normaliseTargetGroup } from '../../src/reconcilers/target-group/normalise.js';
import { planAll } from '../../src/reconcilers/plan.js';
import { planHasChanges, planHasFieldChanges } from '../../src/reconcilers/format-plan.js';
import type { LiveState } from '../../src/reconcilers/types.js';
import type { DesiredState, DesiredState as Desired } from '../../src/spec/types.js';
import {
  ALB_ARN,
  LISTENER_ARN,
  OWNER,
  VPC,
  desiredState,
  listener,
  listenerRule,
  liveState,
  ours,
  ruleArn,
  targetGroup,
  tgArn,
} from './fixtures.js';

function awsTags(tags: Record<string, string>) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** What DescribeTargetGroups returns for a target group created with only the given fields. */
function sdkTargetGroup(name: string, o: Partial<TargetGroup> = {}): TargetGroup {
  return {
    TargetGroupArn: tgArn(name),
    TargetGroupName: name,
    Protocol: 'HTTP',
    Port: 80,
    VpcId: VPC,
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: '/',
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: [ALB_ARN],
    TargetType: 'instance',
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
    ...o,
  };
}

const usersTg = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } });

function sdkListener(o: Partial<Listener> = {}): Listener {
  return {
    ListenerArn: LISTENER_ARN,
    LoadBalancerArn: ALB_ARN,
    Port: 80,
    Protocol: 'HTTP',
    DefaultActions: [
      { Type: 'fixed-response', Order: 1, FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Resource not found' } },
    ],
    ...o,
  };
}

/** Live state: the users target group and the listener as AWS has them, plus `rules`. */
function worldWith(desired: Desired, rules: Rule[], o: { tagged?: boolean } = {}): LiveState {
  const tagged = o.tagged ?? true;
  const tagsFor = (id: string, hash: string) => awsTags(tagged ? ours(id, hash) : {});
  const tgs = desired.targetGroups.map((d) => normaliseTargetGroup(sdkTargetGroup(d.name, { Port: d.spec.port, HealthCheckPath: d.spec.healthCheck.path ?? '/' }), [], tagsFor(d.id, d.specHash)));
  const listeners = desired.listeners.map((d) => normaliseListener(sdkListener(), 'web-alb', tagsFor(d.id, d.specHash)));
  const liveListeners = listeners.length > 0 ? listeners : [normaliseListener(sdkListener(), 'web-alb', [])];
  const liveRules = rules.flatMap((r, i) => {
    const d = desired.listenerRules[i];
    const normalised = normaliseRule(r, LISTENER_ARN, d === undefined ? [] : tagsFor(d.id, d.specHash));
    return normalised === undefined ? [] : [normalised];
  });
  return liveState({ targetGroups: tgs, listeners: liveListeners, rules: liveRules });
}

function expectConverged(desired: DesiredState, live: LiveState): void {
  const plan = planAll(desired, live, { prune: true, ownerId: OWNER });
  expect(plan.conflicts).toEqual([]);
  expect(plan.changes.filter((c) => c.diffs.length > 0).map((c) => ({ id: c.id, diffs: c.diffs }))).toEqual([]);
  expect(plan.changes.every((c) => c.action === 'noop')).toBe(true);
  expect(planHasChanges(plan)).toBe(false);
}

const forwardUsers = { type: 'forward' as const, targetGroup: { name: 'users-tg' } };

describe('normalisation proof: target groups', () => {
  it.each([
    ['declared health-check path only; AWS fills the other fields', targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } }), { Port: 5000, HealthCheckPath: '/ping' }],
    [
      'every health-check field declared with the values AWS reports',
      targetGroup('docto-tg', {
        healthCheck: { path: '/', protocol: 'HTTP', port: 'traffic-port', intervalSeconds: 60, timeoutSeconds: 2, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200' },
      }),
      { HealthCheckIntervalSeconds: 60, HealthCheckTimeoutSeconds: 2 },
    ],
    ['target type ip', targetGroup('ip-tg', { targetType: 'ip' }), { TargetType: 'ip' as const }],
  ])('%s', (_label, d, sdk) => {
    const live = normaliseTargetGroup(sdkTargetGroup(d.name, sdk), undefined, awsTags(ours(d.id, d.specHash)));
    expectConverged(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [live] }));
  });

  it('compares only declared attribute keys and declared tags', () => {
    const d = targetGroup('users-tg', { attributes: { 'deregistration_delay.timeout_seconds': '30' }, tags: { team: 'users' } });
    const attributes = [
      { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
      { Key: 'stickiness.enabled', Value: 'false' },
      { Key: 'slow_start.duration_seconds', Value: '0' },
    ];
    const live = normaliseTargetGroup(sdkTargetGroup('users-tg'), attributes, awsTags({ ...ours(d.id, d.specHash), team: 'users', other: 'x' }));
    expectConverged(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [live] }));
  });
});

describe('normalisation proof: listeners', () => {
  it.each<[string, Parameters<typeof listener>[1], Partial<Listener>]>([
    ['fixed-response default action', {}, {}],
    ['forward given as TargetGroupArn', { defaultAction: forwardUsers }, { DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn('users-tg') }] }],
    [
      'forward given as ForwardConfig with one weighted target group (and TargetGroupArn)',
      { defaultAction: forwardUsers },
      {
        DefaultActions: [
          { Type: 'forward', Order: 1, TargetGroupArn: tgArn('users-tg'), ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn('users-tg'), Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } },
        ],
      },
    ],
    [
      'redirect: AWS placeholders for the fields left out',
      { defaultAction: { type: 'redirect', statusCode: 'HTTP_301', protocol: 'HTTPS', port: '443' } },
      { DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } }] },
    ],
    [
      'fixed-response without content type or body',
      { defaultAction: { type: 'fixed-response', statusCode: '503' } },
      { DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }] },
    ],
  ])('%s', (_label, spec, sdk) => {
    const d = listener('web-http', spec);
    const live = normaliseListener(sdkListener(sdk), 'web-alb', awsTags(ours(d.id, d.specHash)));
    const tg = normaliseTargetGroup(sdkTargetGroup('users-tg', { Port: 5000, HealthCheckPath: '/ping' }), [], awsTags(ours(usersTg.id, usersTg.specHash)));
    expectConverged(desiredState({ listeners: [d], targetGroups: [usersTg] }), liveState({ listeners: [live], targetGroups: [tg] }));
  });
});

const fivePaths = ['/users*', '/ping', '/auth*', '/doc', '/swagger*'];

describe('normalisation proof: listener rules', () => {
  it.each<[string, Parameters<typeof listenerRule>[1], Rule]>([
    [
      'conditions in the legacy Values form, priority as a string',
      { conditions: { pathPatterns: [...fivePaths].sort(), hostHeaders: [], httpRequestMethods: [], sourceIps: [] } },
      { RuleArn: ruleArn(1), Priority: '100', IsDefault: false, Conditions: [{ Field: 'path-pattern', Values: fivePaths }], Actions: [{ Type: 'forward', TargetGroupArn: tgArn('users-tg') }] },
    ],
    [
      'conditions in the PathPatternConfig form, forward as ForwardConfig only',
      { conditions: { pathPatterns: [...fivePaths].sort(), hostHeaders: [], httpRequestMethods: [], sourceIps: [] } },
      {
        RuleArn: ruleArn(1),
        Priority: '100',
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [...fivePaths].reverse() } }],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn('users-tg'), Weight: 1 }] } }],
      },
    ],
    [
      'both forms at once, duplicates and several condition fields',
      { conditions: { pathPatterns: ['/a*', '/b*'], hostHeaders: ['api.example.com'], httpRequestMethods: ['GET', 'POST'], sourceIps: ['10.0.0.0/8'] } },
      {
        RuleArn: ruleArn(1),
        Priority: '100',
        Conditions: [
          { Field: 'path-pattern', Values: ['/b*', '/a*'], PathPatternConfig: { Values: ['/b*', '/a*'] } },
          { Field: 'host-header', HostHeaderConfig: { Values: ['API.Example.com'] } },
          { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST', 'GET'] } },
          { Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } },
        ],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArn('users-tg') }],
      },
    ],
    [
      'fixed-response action',
      { priority: 7, action: { type: 'fixed-response', statusCode: '403', contentType: 'text/plain', messageBody: 'no' } },
      {
        RuleArn: ruleArn(1),
        Priority: '7',
        Conditions: [{ Field: 'path-pattern', Values: ['/users*'] }],
        Actions: [{ Type: 'fixed-response', Order: 1, FixedResponseConfig: { StatusCode: '403', ContentType: 'text/plain', MessageBody: 'no' } }],
      },
    ],
  ])('%s', (_label, spec, sdkRule) => {
    const d = listenerRule('users-api', spec);
    const desired = desiredState({ targetGroups: [usersTg], listenerRules: [d] });
    expectConverged(desired, worldWith(desired, [sdkRule]));
  });

  it('skips the default rule', () => {
    const defaultRule: Rule = { RuleArn: ruleArn(9), Priority: 'default', IsDefault: true, Conditions: [], Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] };
    expect(normaliseRule(defaultRule, LISTENER_ARN, [])).toBeUndefined();
    const d = listenerRule('users-api');
    const desired = desiredState({ targetGroups: [usersTg], listenerRules: [d] });
    const rule: Rule = { RuleArn: ruleArn(1), Priority: '100', Conditions: [{ Field: 'path-pattern', Values: ['/users*'] }], Actions: [{ Type: 'forward', TargetGroupArn: tgArn('users-tg') }] };
    const live = worldWith(desired, [rule]);
    expectConverged(desired, live);
  });

  it('a hand-built rule without our tags is adopted by a tag-only update, not a field change', () => {
    const d = listenerRule('users-api', { conditions: { pathPatterns: [...fivePaths].sort(), hostHeaders: [], httpRequestMethods: [], sourceIps: [] } });
    const desired = desiredState({ targetGroups: [usersTg], listenerRules: [d] });
    const rule: Rule = { RuleArn: ruleArn(1), Priority: '100', Conditions: [{ Field: 'path-pattern', Values: fivePaths }], Actions: [{ Type: 'forward', TargetGroupArn: tgArn('users-tg') }] };
    const plan = planAll(desired, worldWith(desired, [rule], { tagged: false }), { prune: false, ownerId: OWNER });
    expect(plan.changes.map((c) => [c.id, c.action, c.cause, c.diffs.length])).toEqual([
      ['TargetGroup/users-tg', 'update', 'adopt', 0],
      ['ListenerRule/users-api', 'update', 'adopt', 0],
    ]);
    expect(planHasFieldChanges(plan)).toBe(false);
    // the tags are still written by the next apply: plan --detailed-exitcode exits 2
    expect(planHasChanges(plan)).toBe(true);
  });
});
