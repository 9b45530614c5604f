// EC2: the security groups whose ingress the desired state manages. Two calls for up to
// 200 groups (EC2's limit of values per filter), concurrently, each filtered by every
// managed group id at once and paginated (MaxResults 1000):
// - DescribeSecurityGroups (group tags, VPC); a filter, unlike GroupIds, does not fail the
//   whole call when one group is missing, and filtered+paginated calls draw from EC2's
//   larger token bucket;
// - DescribeSecurityGroupRules (every rule of those groups, with its tags).
// With --prune (`owned`): one more DescribeSecurityGroupRules over the whole account, filtered
// by our owner tag (`tag:ecs-reconciler/owner` = the owner id, paginated), for the rules of
// ours in groups no file names any more, and one DescribeSecurityGroups (group-id filter, 200 a
// call) for those groups. Only the rules carrying our owner tag are kept for such a group.
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
import { TAG_OWNER } from '../shared/resource-types.js';
import type { SecurityGroupsRead } from './types.js';

/** most values EC2 accepts in one filter */
export const EC2_FILTER_VALUES_MAX = 200;
/** largest MaxResults of the two describes */
export const EC2_MAX_RESULTS = 1000;

export async function readSecurityGroups(
  desired: DesiredState,
  clients: AwsClients,
  io: { owned: boolean; ownerId: string } = { owned: false, ownerId: '' },
): Promise<SecurityGroupsRead> {
  const usersOf = new Map<string, string[]>();
  for (const sgi of desired.securityGroupIngress) {
    usersOf.set(sgi.spec.groupId, [...(usersOf.get(sgi.spec.groupId) ?? []), sgi.id]);
  }
  const groupIds = [...usersOf.keys()];
  const owned = io.owned ? ownedRules(clients, io.ownerId, new Set(groupIds)) : undefined;
  if (groupIds.length === 0) return withOwned({ groupIds, groups: new Map(), rulesByGroup: new Map() }, await owned);

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
  return withOwned({ groupIds, groups: byId, rulesByGroup }, await owned);
}

interface OwnedGroups {
  groups: SecurityGroup[];
  rulesByGroup: Map<string, SecurityGroupRule[]>;
}

function withOwned(read: SecurityGroupsRead, owned: OwnedGroups | undefined): SecurityGroupsRead {
  if (owned === undefined) return read;
  for (const g of owned.groups) {
    if (g.GroupId === undefined || read.groupIds.includes(g.GroupId)) continue;
    read.groupIds.push(g.GroupId);
    read.groups.set(g.GroupId, g);
    read.rulesByGroup.set(g.GroupId, owned.rulesByGroup.get(g.GroupId) ?? []);
  }
  return read;
}

/** With --prune: the rules tagged as ours in groups no file names, and those groups. */
async function ownedRules(clients: AwsClients, ownerId: string, declared: ReadonlySet<string>): Promise<OwnedGroups> {
  const resource = `security group rules tagged ${TAG_OWNER}=${ownerId} (looking for rules of ours to prune)`;
  const rules = await collectPages(
    paginateDescribeSecurityGroupRules(
      { client: clients.ec2, stopOnSameToken: true },
      { Filters: [{ Name: `tag:${TAG_OWNER}`, Values: [ownerId] }], MaxResults: EC2_MAX_RESULTS },
    ),
    (page) => page.SecurityGroupRules,
    { service: 'ec2', operation: 'DescribeSecurityGroupRules', resource },
  );
  const rulesByGroup = new Map<string, SecurityGroupRule[]>();
  for (const rule of rules) {
    // the filter is the server's: keep only what really carries our owner tag
    if (!rule.GroupId || declared.has(rule.GroupId) || !(rule.Tags ?? []).some((t) => t.Key === TAG_OWNER && t.Value === ownerId)) continue;
    rulesByGroup.set(rule.GroupId, [...(rulesByGroup.get(rule.GroupId) ?? []), rule]);
  }
  const ids = [...rulesByGroup.keys()].sort();
  const groups = (
    await Promise.all(
      chunk(ids, EC2_FILTER_VALUES_MAX).map((batch) =>
        collectPages(
          paginateDescribeSecurityGroups(
            { client: clients.ec2, stopOnSameToken: true },
            { Filters: [{ Name: 'group-id', Values: batch }], MaxResults: EC2_MAX_RESULTS },
          ),
          (page) => page.SecurityGroups,
          { service: 'ec2', operation: 'DescribeSecurityGroups', resource },
        ),
      ),
    )
  ).flat();
  return { groups, rulesByGroup };
}
