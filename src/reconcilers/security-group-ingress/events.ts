// SecurityGroupIngress: the EC2 calls that change a group's ingress rules, named by group id
// (`groupId`; ModifySecurityGroupRules records its request as `ModifySecurityGroupRulesRequest.GroupId`;
// tag calls list `resourcesSet.items[].resourceId`).
import { listAt, stringAt, type KindEvents } from '../shared/event-hook.js';

const EC2 = 'ec2.amazonaws.com';

export const securityGroupIngressEvents: KindEvents<'SecurityGroupIngress'> = {
  calls: [
    'AuthorizeSecurityGroupIngress',
    'RevokeSecurityGroupIngress',
    'ModifySecurityGroupRules',
    'UpdateSecurityGroupRuleDescriptionsIngress',
    'CreateTags',
    'DeleteTags',
  ].map((n) => `${EC2}:${n}`),
  touched: (e) => {
    const p = e.requestParameters;
    const keys = [
      stringAt(p, 'groupId'),
      stringAt(p, 'GroupId'),
      stringAt(p, 'ModifySecurityGroupRulesRequest', 'GroupId'),
      ...listAt(p, 'resourcesSet').map((r) => stringAt(r, 'resourceId')),
    ];
    return [...new Set(keys.filter((k): k is string => k !== undefined && k.startsWith('sg-')))];
  },
  keysOf: (doc) => [doc.spec.groupId],
};
