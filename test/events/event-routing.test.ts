// CloudTrail events -> the declared resources they touch (each kind's `events` hook), who made
// them, and which ones are the controller's own. Malformed and foreign events are dropped with a reason.
import { describe, expect, it } from 'vitest';
import { parseEventMessage } from '../../src/events/cloudtrail-event.js';
import { describeAuthor, OwnIdentity, UNKNOWN_AUTHOR } from '../../src/events/event-author.js';
import { AuthorMemory } from '../../src/events/author-memory.js';
import { EventIndex, subsetOf, withReferences } from '../../src/reconcilers/event-routing.js';
import type { ApiCallEvent } from '../../src/reconcilers/shared/event-hook.js';
import { desiredState, ingress, listener, listenerRule, LISTENER_ARN, ruleArn, service, targetGroup, tgArn } from '../reconcilers/fixtures.js';
import { ALICE, cloudTrailMessage, type EventInput } from './cloudtrail-fixtures.js';

const event = (e: EventInput): ApiCallEvent => {
  const parsed = parseEventMessage(cloudTrailMessage(e));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
};

const desired = desiredState({
  targetGroups: [targetGroup('users-tg'), targetGroup('orders-tg')],
  listeners: [listener('http')],
  listenerRules: [listenerRule('users'), listenerRule('orders', { priority: 200, action: { type: 'forward', targetGroup: { name: 'orders-tg' } } })],
  securityGroupIngress: [ingress('db')],
  services: [service('payments-api', { loadBalancers: [{ targetGroup: { name: 'users-tg' }, containerName: 'web', containerPort: 80 }] })],
});
const arns = new Map([
  ['TargetGroup/users-tg', tgArn('users-tg')],
  ['TargetGroup/orders-tg', tgArn('orders-tg')],
  ['Listener/http', LISTENER_ARN],
  ['ListenerRule/users', ruleArn(1)],
  ['ListenerRule/orders', ruleArn(2)],
  ['Service/payments-api', 'arn:aws:ecs:us-east-1:123456789012:service/payments/payments-api'],
]);
const index = new EventIndex(desired, arns);

describe('parsing the SQS message', () => {
  it('reads the documented EventBridge shape', () => {
    const e = event({ source: 'aws.elasticloadbalancing', eventName: 'ModifyRule', requestParameters: { ruleArn: ruleArn(1) } });
    expect(e).toMatchObject({ eventSource: 'elasticloadbalancing.amazonaws.com', eventName: 'ModifyRule', eventTime: '2026-12-02T12:03:11Z', userIdentity: { arn: ALICE, type: 'AssumedRole' }, userAgent: 'signin.amazonaws.com' });
  });

  it.each([
    ['an empty body', '', /empty/],
    ['not JSON', '{"detail-type":', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['another detail-type', JSON.stringify({ 'detail-type': 'EC2 Instance State-change Notification', detail: {} }), /detail-type is "EC2 Instance/],
    ['no detail', JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail' }), /no detail/],
    ['no eventName', JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: 'ecs.amazonaws.com' } }), /eventName missing/],
    ['a huge body', 'x'.repeat(300_000), /larger than SQS allows/],
  ])('refuses %s with a reason', (_name, body, reason) => {
    const parsed = parseEventMessage(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('tolerates members of the wrong type (values are never trusted)', () => {
    const body = JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: 'ecs.amazonaws.com', eventName: 'UpdateService', requestParameters: 'x', userIdentity: 7 } });
    const parsed = parseEventMessage(body);
    expect(parsed.ok && index.touched(parsed.event)).toEqual([]);
  });
});

describe('mapping an event to the declared resources it touches', () => {
  it.each<[string, EventInput, string[]]>([
    ['ModifyRule by rule ARN', { source: 'aws.elasticloadbalancing', eventName: 'ModifyRule', requestParameters: { ruleArn: ruleArn(1), conditions: [] } }, ['ListenerRule/users']],
    ['SetRulePriorities', { source: 'aws.elasticloadbalancing', eventName: 'SetRulePriorities', requestParameters: { rulePriorities: [{ ruleArn: ruleArn(1), priority: 5 }, { ruleArn: ruleArn(2), priority: 6 }] } }, ['ListenerRule/orders', 'ListenerRule/users']],
    ['ModifyListener', { source: 'aws.elasticloadbalancing', eventName: 'ModifyListener', requestParameters: { listenerArn: LISTENER_ARN, port: 81 } }, ['Listener/http']],
    [
      'CreateRule by hand on a managed listener: its declared rules',
      { source: 'aws.elasticloadbalancing', eventName: 'CreateRule', requestParameters: { listenerArn: LISTENER_ARN, priority: 300, conditions: [], actions: [] }, responseElements: { rules: [{ ruleArn: ruleArn(77) }] } },
      ['ListenerRule/orders', 'ListenerRule/users'],
    ],
    ['ModifyTargetGroup', { source: 'aws.elasticloadbalancing', eventName: 'ModifyTargetGroup', requestParameters: { targetGroupArn: tgArn('users-tg'), healthCheckPath: '/x' } }, ['TargetGroup/users-tg']],
    ['ModifyTargetGroupAttributes', { source: 'aws.elasticloadbalancing', eventName: 'ModifyTargetGroupAttributes', requestParameters: { targetGroupArn: tgArn('orders-tg') } }, ['TargetGroup/orders-tg']],
    ['RemoveTags on two resources', { source: 'aws.elasticloadbalancing', eventName: 'RemoveTags', requestParameters: { resourceArns: [tgArn('users-tg'), ruleArn(2)], tagKeys: ['x'] } }, ['ListenerRule/orders', 'TargetGroup/users-tg']],
    ['AuthorizeSecurityGroupIngress', { source: 'aws.ec2', eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: 'sg-0f1a5c00000000a1', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }] } } }, ['SecurityGroupIngress/db']],
    ['RevokeSecurityGroupIngress by rule ids', { source: 'aws.ec2', eventName: 'RevokeSecurityGroupIngress', requestParameters: { groupId: 'sg-0f1a5c00000000a1', securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-1' }] } } }, ['SecurityGroupIngress/db']],
    ['ModifySecurityGroupRules (its request wrapped)', { source: 'aws.ec2', eventName: 'ModifySecurityGroupRules', requestParameters: { ModifySecurityGroupRulesRequest: { GroupId: 'sg-0f1a5c00000000a1', SecurityGroupRule: { SecurityGroupRuleId: 'sgr-1' } } } }, ['SecurityGroupIngress/db']],
    ['UpdateService by names', { source: 'aws.ecs', eventName: 'UpdateService', requestParameters: { cluster: 'payments', service: 'payments-api', desiredCount: 3 } }, ['Service/payments-api']],
    ['UpdateService by ARNs', { source: 'aws.ecs', eventName: 'UpdateService', requestParameters: { cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/payments', service: 'arn:aws:ecs:us-east-1:123456789012:service/payments/payments-api' } }, ['Service/payments-api']],
    ['RegisterTaskDefinition of its family', { source: 'aws.ecs', eventName: 'RegisterTaskDefinition', requestParameters: { family: 'payments-api', containerDefinitions: [] } }, ['Service/payments-api']],
    ['DeregisterTaskDefinition family:revision', { source: 'aws.ecs', eventName: 'DeregisterTaskDefinition', requestParameters: { taskDefinition: 'payments-api:7' } }, ['Service/payments-api']],
  ])('%s', (_name, input, ids) => {
    expect(index.touched(event(input))).toEqual(ids);
  });

  it.each<[string, EventInput]>([
    ['a rule nobody declared', { source: 'aws.elasticloadbalancing', eventName: 'ModifyRule', requestParameters: { ruleArn: ruleArn(99) } }],
    ['another security group', { source: 'aws.ec2', eventName: 'AuthorizeSecurityGroupIngress', requestParameters: { groupId: 'sg-0000000000000dead' } }],
    ['a service of another cluster', { source: 'aws.ecs', eventName: 'UpdateService', requestParameters: { cluster: 'other', service: 'payments-api' } }],
    ['a call no kind handles', { source: 'aws.elasticloadbalancing', eventName: 'RegisterTargets', requestParameters: { targetGroupArn: tgArn('users-tg') } }],
    ['a call of another kind on our ARN', { source: 'aws.elasticloadbalancing', eventName: 'ModifyListener', requestParameters: { listenerArn: ruleArn(1) } }],
    ['CreateRule on another listener', { source: 'aws.elasticloadbalancing', eventName: 'CreateRule', requestParameters: { listenerArn: LISTENER_ARN.replace(/[0-9a-f]{16}$/, '0000000000000bad'), priority: 1 } }],
  ])('touches nothing for %s', (_name, input) => {
    expect(index.touched(event(input))).toEqual([]);
  });
});

describe('CreateRule on a listener named by ARN in the spec', () => {
  it('maps to the rules declared on it before any of them exists', () => {
    const byArn = desiredState({ listenerRules: [listenerRule('first', { listener: { arn: LISTENER_ARN } })] });
    const created = event({ source: 'aws.elasticloadbalancing', eventName: 'CreateRule', requestParameters: { listenerArn: LISTENER_ARN, priority: 5 } });
    expect(new EventIndex(byArn, new Map()).touched(created)).toEqual(['ListenerRule/first']);
  });
});

describe('what a targeted reconcile observes', () => {
  it('a rule brings its target group and declared listener, not the other rules or services', () => {
    const scope = withReferences(desired, ['ListenerRule/orders']);
    expect([...scope].sort()).toEqual(['Listener/http', 'ListenerRule/orders', 'TargetGroup/orders-tg']);
    const sub = subsetOf(desired, scope);
    expect(sub.listenerRules.map((r) => r.id)).toEqual(['ListenerRule/orders']);
    expect(sub.services).toEqual([]);
    expect(sub.files).toEqual(desired.files);
  });

  it('a service brings the target groups it registers with', () => {
    expect([...withReferences(desired, ['Service/payments-api'])].sort()).toEqual(['Service/payments-api', 'TargetGroup/users-tg']);
  });

  it('ignores ids that are not declared', () => {
    expect([...withReferences(desired, ['ListenerRule/gone'])]).toEqual([]);
  });
});

describe('who made a change', () => {
  it('names the principal, the channel, the time and the call', () => {
    const e = event({ source: 'aws.elasticloadbalancing', eventName: 'ModifyRule', requestParameters: { ruleArn: ruleArn(1) } });
    expect(describeAuthor(e)).toBe(`changed by ${ALICE} via console (signin) at 12:03:11Z, ModifyRule`);
  });

  it.each([
    ['aws-cli/2.15.0 Python/3.11 Linux/6.1', 'aws-cli (203.0.113.7)'],
    ['APN/1.0 HashiCorp/1.0 Terraform/1.7.0 (+https://www.terraform.io)', 'terraform (203.0.113.7)'],
    ['aws-sdk-js/3.500.0 ua/2.0 os/linux', 'aws-sdk-js (203.0.113.7)'],
  ])('tells the channel from the user agent %s', (userAgent, channel) => {
    const e = event({ source: 'aws.ecs', eventName: 'UpdateService', userAgent });
    expect(describeAuthor(e)).toContain(`via ${channel} at`);
  });

  it('recognises the controller by its role, whatever the session', () => {
    const own = new OwnIdentity('arn:aws:sts::123456789012:assumed-role/ecs-reconciler-task/4f2c9e');
    expect(own.isOwn(event({ source: 'aws.ecs', eventName: 'UpdateService', userArn: 'arn:aws:sts::123456789012:assumed-role/ecs-reconciler-task/other-task' }))).toBe(true);
    expect(own.isOwn(event({ source: 'aws.ecs', eventName: 'UpdateService' }))).toBe(false);
    expect(new OwnIdentity('arn:aws:iam::123456789012:user/moto').isOwn(event({ source: 'aws.ecs', eventName: 'UpdateService', userArn: 'arn:aws:iam::123456789012:user/moto' }))).toBe(true);
    expect(new OwnIdentity(undefined).isOwn(event({ source: 'aws.ecs', eventName: 'UpdateService' }))).toBe(false);
  });

  it('remembers the last author within the resync, then says it is unknown', () => {
    let now = 0;
    const memory = new AuthorMemory(60_000, 2, () => now);
    memory.remember('ListenerRule/users', 'changed by alice');
    expect(memory.of('ListenerRule/users')).toBe('changed by alice');
    expect(memory.of('ListenerRule/orders')).toBe(UNKNOWN_AUTHOR);
    memory.remember('a', 'x');
    memory.remember('b', 'y');
    expect(memory.size).toBe(2);
    now = 61_000;
    expect(memory.of('b')).toBe(UNKNOWN_AUTHOR);
  });
});
