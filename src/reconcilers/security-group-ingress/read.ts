// EC2: the security groups whose ingress the desired state manages. Two calls for up to
// 200 groups (EC2's limit of values per filter), concurrently, each filtered by every
// managed group id at once and paginated (MaxResults 1000):
// - DescribeSecurityGroups (group tags, VPC); a filter, unlike GroupIds, does not fail the
//   whole call when one group is missing, and filtered+paginated calls draw from EC2's
//   larger token bucket;
// - DescribeSecurityGroupRules (every rule of those groups, with its tags).
import {
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';
import { collectPages } from '../../aws/collect-pages.js';
import { resourceList } from '../../aws/errors.js';
import { chunk } from '../../aws/paginate.js';
import type { DesiredState } from '../../spec/types.js';
import type { SecurityGroupsRead } from './types.js';

/** most values EC2 accepts in one filter */
export const EC2_FILTER_VALUES_MAX = 200;
/** largest MaxResults of the two describes */
export const EC2_MAX_RESULTS = 1000;

export async function readSecurityGroups(desired: DesiredState, clients: AwsClients): Promise<SecurityGroupsRead> {
  const usersOf = new Map<string, string[]>();
  for (const sgi of desired.securityGroupIngress) {
    usersOf.set(sgi.spec.groupId, [...(usersOf.get(sgi.spec.groupId) ?? []), sgi.id]);
  }
  const groupIds = [...usersOf.keys()];
  if (groupIds.length === 0) return { groupIds, groups: new Map(), rulesByGroup: new Map() };

  const perBatch = await Promise.all(
    chunk(groupIds, EC2_FILTER_VALUES_MAX).map(async (ids) => {
      const resource = resourceList(ids.flatMap((id) => usersOf.get(id) ?? []));
      const filters = [{ Name: 'group-id', Values: ids }];
      const [groups, rules] = await Promise.all([
        collectPages(
          paginateDescribeSecurityGroups({ client: clients.ec2, stopOnSameToken: true }, { Filters: filters, MaxResults: EC2_MAX_RESULTS }),
          (page) => page.SecurityGroups,
          { service: 'ec2', operation: 'DescribeSecurityGroups', resource },
        ),
        collectPages(
          paginateDescribeSecurityGroupRules({ client: clients.ec2, stopOnSameToken: true }, { Filters: filters, MaxResults: EC2_MAX_RESULTS }),
          (page) => page.SecurityGroupRules,
          { service: 'ec2', operation: 'DescribeSecurityGroupRules', resource },
        ),
      ]);
      return { groups, rules };
    }),
  );

  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const { rules } of perBatch) {
    for (const rule of rules) {
      if (!rule.GroupId) continue;
      rulesByGroup.set(rule.GroupId, [...(rulesByGroup.get(rule.GroupId) ?? []), rule]);
    }
  }
  const byId = new Map<string, SecurityGroup>();
  for (const { groups } of perBatch) for (const g of groups) if (g.GroupId) byId.set(g.GroupId, g);
  return { groupIds, groups: byId, rulesByGroup };
}
