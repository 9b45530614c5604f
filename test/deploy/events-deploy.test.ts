// deploy/events-rule-pattern.json and deploy/events-queue.yaml: the EventBridge rule sends
// exactly the CloudTrail calls some kind handles (a call a kind adds and the rule leaves out
// would never arrive), the queue dead-letters after 5 receives, and only the rule may send to it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { handledCalls } from '../../src/reconcilers/event-routing.js';

const root = new URL('../../', import.meta.url);
type Branch = { eventName: string[]; requestParameters?: unknown };
const pattern = JSON.parse(readFileSync(new URL('deploy/events-rule-pattern.json', root), 'utf8')) as {
  source: string[];
  'detail-type': string[];
  detail: { eventSource: string[]; $or: Branch[] };
};
const branches = pattern.detail.$or;
const EC2_TAGS = ['CreateTags', 'DeleteTags'];
const template = parse(readFileSync(new URL('deploy/events-queue.yaml', root), 'utf8'), {
  customTags: [
    { tag: '!GetAtt', resolve: (v: string) => ({ 'Fn::GetAtt': v }) },
    { tag: '!Ref', resolve: (v: string) => ({ Ref: v }) },
  ],
}) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

const calls = [...handledCalls()];

describe('the events rule', () => {
  it('matches exactly the calls the kinds handle', () => {
    expect(branches.flatMap((b) => b.eventName).sort()).toEqual([...new Set(calls.map((c) => c.split(':')[1]))].sort());
    expect([...pattern.detail.eventSource].sort()).toEqual([...new Set(calls.map((c) => c.split(':')[0]))].sort());
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect([...pattern.source].sort()).toEqual(['aws.ec2', 'aws.ecs', 'aws.elasticloadbalancing']);
  });

  it("sends EC2's tag calls only for security groups (they would match every EC2 resource), every other call whatever it names", () => {
    // CreateTags / DeleteTags list their resources as resourcesSet.items[].resourceId; EventBridge matches a field inside an array of objects
    expect(branches.find((b) => b.eventName.includes('CreateTags'))).toEqual({ eventName: EC2_TAGS, requestParameters: { resourcesSet: { items: { resourceId: [{ prefix: 'sg-' }] } } } });
    const rest = branches.filter((b) => !b.eventName.includes('CreateTags'));
    expect(rest).toHaveLength(1);
    expect(rest[0]?.requestParameters).toBeUndefined();
    expect(rest[0]?.eventName.some((n) => EC2_TAGS.includes(n))).toBe(false);
    // the security group kind maps only sg- ids from them (an sgr- rule id is no group)
    expect(calls.filter((c) => c.startsWith('ec2.amazonaws.com:') && EC2_TAGS.includes(c.split(':')[1] ?? ''))).toHaveLength(2);
  });

  it('the CloudFormation rule carries the same pattern', () => {
    expect(template.Resources.EventsRule?.Properties.EventPattern).toEqual(pattern);
  });

  it('the queue dead-letters a message after 5 receives; only the rule may send to it', () => {
    const queue = template.Resources.EventsQueue?.Properties;
    expect(queue?.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': 'DeadLetterQueue.Arn' }, maxReceiveCount: 5 });
    const statements = template.Resources.EventsQueuePolicy?.Properties.PolicyDocument.Statement as Record<string, any>[];
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': 'EventsRule.Arn' } } } });
  });
});
