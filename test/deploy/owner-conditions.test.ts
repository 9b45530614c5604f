// The owner-tag condition simulation used by the deploy integration tests: which actions the
// shipped policy conditions on our owner tag, and which recorded write sequences AWS would refuse.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ownerConditionedActions, ownerConditionViolations, type PolicyStatement, type RecordedWrite } from './owner-conditions.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shipped = (JSON.parse(readFileSync(`${root}deploy/iam-policy.json`, 'utf8')) as { Statement: PolicyStatement[] }).Statement;

const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/alb/1/2/3';
const SG = 'sg-0123';

const addTags = (arn: string, key: string, value: string): RecordedWrite => ({
  service: 'elbv2',
  operation: 'AddTags',
  params: { 'ResourceArns.member.1': arn, 'Tags.member.1.Key': key, 'Tags.member.1.Value': value },
  outcome: 'forwarded',
  status: 200,
});
const createTags = (id: string, key: string, value: string, status = 200): RecordedWrite => ({
  service: 'ec2',
  operation: 'CreateTags',
  params: { 'ResourceId.1': id, 'Tag.1.Key': 'ecs-reconciler/resource', 'Tag.1.Value': 'X/y', 'Tag.2.Key': key, 'Tag.2.Value': value },
  outcome: 'forwarded',
  status,
});
const deleteOwnerTag = (id: string): RecordedWrite => ({
  service: 'ec2',
  operation: 'DeleteTags',
  params: { 'ResourceId.1': id, 'Tag.1.Key': 'ecs-reconciler/owner' },
  outcome: 'forwarded',
  status: 200,
});
const modifyRule: RecordedWrite = { service: 'elbv2', operation: 'ModifyRule', params: { RuleArn: RULE }, outcome: 'forwarded', status: 200 };
const revoke: RecordedWrite = { service: 'ec2', operation: 'RevokeSecurityGroupIngress', params: { GroupId: SG }, outcome: 'forwarded', status: 200 };

describe('ownerConditionedActions (deploy/iam-policy.json)', () => {
  it('conditions exactly the deletes, the revoke and ModifyRule on our owner tag', () => {
    expect([...ownerConditionedActions(shipped).keys()].sort()).toEqual([
      'ec2:RevokeSecurityGroupIngress',
      'ecs:DeleteService',
      'elasticloadbalancing:DeleteListener',
      'elasticloadbalancing:DeleteRule',
      'elasticloadbalancing:DeleteTargetGroup',
      'elasticloadbalancing:ModifyRule',
    ]);
  });

  it('an action also granted without the condition is not conditioned', () => {
    const statements: PolicyStatement[] = [
      { Action: ['x:A', 'x:B'], Condition: { StringEquals: { 'aws:ResourceTag/ecs-reconciler/owner': 'me' } } },
      { Action: 'x:B' },
    ];
    expect([...ownerConditionedActions(statements)]).toEqual([['x:A', 'me']]);
  });
});

describe('ownerConditionViolations', () => {
  it.each<[string, RecordedWrite[], string[], string[]]>([
    ['ModifyRule after AddTags of the owner tag', [addTags(RULE, 'ecs-reconciler/owner', 'ecs-reconciler'), modifyRule], [], []],
    ['ModifyRule before any tag', [modifyRule, addTags(RULE, 'ecs-reconciler/owner', 'ecs-reconciler')], [], [`elasticloadbalancing:ModifyRule on ${RULE}`]],
    ['ModifyRule after tagging another owner', [addTags(RULE, 'ecs-reconciler/owner', 'someone'), modifyRule], [], [`elasticloadbalancing:ModifyRule on ${RULE}`]],
    ['ModifyRule of a rule tagged before the recording', [modifyRule], [RULE], []],
    ['revoke after CreateTags of the group', [createTags(SG, 'ecs-reconciler/owner', 'ecs-reconciler'), revoke], [], []],
    ['revoke before the group is tagged (the old order)', [revoke, createTags(SG, 'ecs-reconciler/owner', 'ecs-reconciler')], [], [`ec2:RevokeSecurityGroupIngress on ${SG}`]],
    ['revoke after a CreateTags that failed', [createTags(SG, 'ecs-reconciler/owner', 'ecs-reconciler', 400), revoke], [], [`ec2:RevokeSecurityGroupIngress on ${SG}`]],
    ['revoke after our owner tag was deleted', [deleteOwnerTag(SG), revoke], [SG], [`ec2:RevokeSecurityGroupIngress on ${SG}`]],
    ['a call the proxy faulted never reached AWS', [{ ...revoke, outcome: 'throttle' }], [], []],
  ])('%s', (_label, writes, ownedBefore, expected) => {
    const problems = ownerConditionViolations(shipped, writes, ownedBefore);
    expect(problems.map((p) => p.replace(/ before it carried .*$/, ''))).toEqual(expected);
  });

  it('flags a conditioned write whose resource it cannot tell', () => {
    expect(ownerConditionViolations(shipped, [{ service: 'ecs', operation: 'DeleteService', params: { service: 's' } }])).toEqual([
      'ecs:DeleteService: cannot tell which resource it writes (add it to RESOURCE_PARAM)',
    ]);
  });
});
