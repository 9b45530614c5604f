// The plan formatter (people) and planToJson (machines): inline, readable expected output.
import { describe, expect, it } from 'vitest';
import { formatPlan, planHasChanges, planHasFieldChanges, planToJson, summarisePlan } from '../../src/reconcilers/format-plan.js';
import { planAll } from '../../src/reconcilers/plan.js';
import type { LiveIngressRule, Plan } from '../../src/reconcilers/types.js';
import type { EnvVar } from '../../src/spec/types.js';
import {
  ALB_ARN,
  LISTENER_ARN,
  OWNER,
  desiredState,
  ingress,
  listenerRule,
  liveState,
  liveTargetGroupOf,
  ours,
  ruleArn,
  service,
  targetGroup,
  taskDefinitionSpec,
  tgArn,
} from './fixtures.js';

const usersTg = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } });
const clientTg = targetGroup('client-tg');
const apiTg = targetGroup('api-tg', { protocol: 'HTTPS', port: 443 });
const usersApi = listenerRule('users-api', { priority: 100 });
const blocked = listenerRule('blocked', { priority: 300, conditions: { pathPatterns: ['/b'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } });
const env = (value: string): EnvVar[] => [{ name: 'DB_PASSWORD', value, secret: true }];
const api = service('payments-api', { desiredCount: 2, taskDefinition: taskDefinitionSpec({ containers: [{ ...taskDefinitionSpec().containers[0]!, environment: env('hunter2') }] }) }, { policy: 'observe' });

/** A world with one of each: create, drift update, replace, prune delete, observe-only, tag-only, conflict. */
function mixedPlan(): Plan {
  const liveUsersTg = liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash));
  const liveApiTg = liveTargetGroupOf(targetGroup('api-tg', { protocol: 'HTTP', port: 80 }), ours(apiTg.id, 'old-hash'));
  const liveService = {
    arn: 'arn:svc/payments-api',
    name: 'payments-api',
    clusterArn: 'arn:cluster/payments',
    clusterName: 'payments',
    status: 'ACTIVE',
    launchType: 'EC2',
    desiredCount: 1,
    deployment: { maximumPercent: 100, minimumHealthyPercent: 0 },
    taskDefinition: { arn: 'arn:td:1', family: 'payments-api', revision: 1, spec: { ...api.spec.taskDefinition, containers: [{ ...api.spec.taskDefinition.containers[0]!, environment: env('old') }] }, tags: {} },
    loadBalancers: [],
    tags: {},
  };
  const sgRule: LiveIngressRule = { protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: 'sg-0f1a5c00000000a2' }, ruleId: 'sgr-1', groupId: 'sg-0f1a5c00000000a1', tags: {} };
  const desired = desiredState({ targetGroups: [usersTg, clientTg, apiTg], listenerRules: [usersApi, blocked], services: [api], securityGroupIngress: [ingress('rds-in')] });
  const live = liveState({
    targetGroups: [liveUsersTg, liveApiTg],
    listeners: [{ arn: LISTENER_ARN, loadBalancerArn: ALB_ARN, loadBalancerName: 'web-alb', port: 80, protocol: 'HTTP', defaultAction: { type: 'fixed-response', statusCode: '404' }, tags: {} }],
    rules: [
      { arn: ruleArn(1), listenerArn: LISTENER_ARN, priority: 100, conditions: { pathPatterns: ['/users*', '/extra'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] }, action: { type: 'forward', targetGroupArn: tgArn('users-tg') }, tags: ours(usersApi.id, usersApi.specHash) },
      { arn: ruleArn(2), listenerArn: LISTENER_ARN, priority: 900, conditions: { pathPatterns: ['/old'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] }, action: { type: 'forward', targetGroupArn: tgArn('users-tg') }, tags: ours('ListenerRule/old', 'h') },
      { arn: ruleArn(3), listenerArn: LISTENER_ARN, priority: 300, conditions: { pathPatterns: ['/hand'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] }, action: { type: 'forward', targetGroupArn: tgArn('users-tg') }, tags: { [`${'ecs-reconciler'}/owner`]: 'someone-else' } },
    ],
    securityGroups: [{ groupId: 'sg-0f1a5c00000000a1', vpcId: 'vpc-1', tags: {}, rules: [sgRule] }],
    services: [liveService],
  });
  return planAll(desired, live, { prune: true, ownerId: OWNER });
}

describe('formatPlan', () => {
  it('prints every kind of change, conflicts and the summary', () => {
    expect(formatPlan(mixedPlan())).toBe(
      [
        '+ create TargetGroup/client-tg',
        '-/+ replace TargetGroup/api-tg (rollout): protocol, port cannot change in place: create a new target group, move rules and services to it, delete the old one',
        '    protocol: "HTTP" -> "HTTPS"',
        '    port: 80 -> 443',
        '~ update ListenerRule/users-api DRIFT',
        '    conditions.pathPatterns: ["/extra", "/users*"] -> ["/users*"]',
        '~ tag SecurityGroupIngress/rds-in (adopt): tag as managed by test-owner (no field changes)',
        '    adopt sgr-1: tcp 5432 from securityGroup sg-0f1a5c00000000a2',
        '~ update Service/payments-api DRIFT (observe only)',
        '    desiredCount: 1 -> 2',
        '    taskDefinition.containers[web].environment.DB_PASSWORD: "(secret)" -> "(secret)"',
        '    changes in place (UpdateService): desiredCount',
        '    (registers a new task definition revision and rolls the service onto it)',
        '- delete ListenerRule/old (prune): tagged ecs-reconciler/owner=test-owner and no longer in the desired files',
        '',
        'Conflicts (nothing is written for these resources):',
        `  ! ListenerRule/blocked: priority 300 on listener web-alb:80 is held by rule ${ruleArn(3)} (owner someone-else; path /hand -> forward users-tg); declared: path /b -> forward users-tg; that rule is not ours and is never rewritten: choose another priority, or delete or move that rule`,
        '',
        'Plan: 1 to create, 2 to update, 1 to replace, 1 to delete, 1 to tag; 2 drifted.',
        '1 change under policy observe: reported, never applied.',
        '1 resource to tag as managed by ecs-reconciler (no field changes; the next apply writes the tags).',
        '1 conflict blocks its resource (see above); the other changes are independent.',
      ].join('\n'),
    );
  });

  it('never prints a secret value', () => {
    const text = formatPlan(mixedPlan());
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/\bold\b"/);
  });

  it('says so when nothing would change', () => {
    const d = desiredState({ targetGroups: [usersTg] });
    const plan = planAll(d, liveState({ targetGroups: [liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash))] }), { prune: false, ownerId: OWNER });
    expect(formatPlan(plan)).toBe('No changes. AWS matches the desired state.');
    expect(planHasChanges(plan)).toBe(false);
  });

  it('tag-only adoption is a pending change (the next apply writes the tags), without field changes', () => {
    const plan = planAll(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [liveTargetGroupOf(usersTg)] }), { prune: false, ownerId: OWNER });
    expect(formatPlan(plan)).toBe(
      [
        '~ tag TargetGroup/users-tg (adopt): tag as managed by test-owner (no field changes)',
        '',
        'Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 to tag; 0 drifted.',
        '1 resource to tag as managed by ecs-reconciler (no field changes; the next apply writes the tags).',
      ].join('\n'),
    );
    expect(planHasChanges(plan)).toBe(true);
    expect(planHasFieldChanges(plan)).toBe(false);
  });

  it('with only conflicts, does not claim AWS matches', () => {
    const plan = planAll(desiredState({ services: [service('api', { cluster: 'nope' })] }), liveState(), { prune: false, ownerId: OWNER });
    expect(formatPlan(plan)).toBe(
      [
        'Conflicts (nothing is written for these resources):',
        '  ! Service/api: ECS cluster "nope" not found (desired/test.yaml:3); ecs-reconciler does not create clusters: create it or fix spec.cluster',
        '',
        'No changes can be applied until the conflicts above are resolved.',
      ].join('\n'),
    );
  });

  it('colours markers only when asked', () => {
    const plan = planAll(desiredState({ targetGroups: [clientTg] }), liveState(), { prune: false, ownerId: OWNER });
    expect(formatPlan(plan, { color: true }).split('\n')[0]).toBe('\u001b[32m+ create\u001b[0m TargetGroup/client-tg');
    expect(formatPlan(plan)).not.toContain('\u001b[');
  });
});

describe('planToJson', () => {
  it('has a stable shape without live SDK objects or desired specs', () => {
    const json = planToJson(mixedPlan());
    expect(json.summary).toEqual({ create: 1, update: 2, replace: 1, delete: 1, noop: 1, drifted: 2, tagOnly: 1, observeOnly: 1, conflicts: 1, hasChanges: true, hasFieldChanges: true });
    expect(json.changes.find((c) => c.id === 'ListenerRule/users-api')).toEqual({
      kind: 'ListenerRule',
      name: 'users-api',
      id: 'ListenerRule/users-api',
      action: 'update',
      cause: 'drift',
      policy: 'enforce',
      tagOnly: false,
      liveId: ruleArn(1),
      reason: null,
      diffs: [{ path: 'conditions.pathPatterns', live: ['/extra', '/users*'], desired: ['/users*'] }],
    });
    expect(json.changes.find((c) => c.id === 'TargetGroup/client-tg')).toMatchObject({ action: 'create', liveId: null, diffs: [] });
    const text = JSON.stringify(json);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"spec"');
    expect(JSON.parse(text)).toEqual(json);
  });

  it('summarisePlan counts tag-only updates apart from updates', () => {
    const plan = planAll(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [liveTargetGroupOf(usersTg)] }), { prune: false, ownerId: OWNER });
    expect(summarisePlan(plan)).toMatchObject({ update: 0, tagOnly: 1 });
  });
});
