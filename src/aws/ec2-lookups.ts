// The EC2 reads behind references by name or tag (issue 16): for all of a cycle's lookups
// together, at most one paginated DescribeVpcs, one DescribeSubnets and one
// DescribeSecurityGroups, each with the narrowest filter that still covers every lookup of its
// kind (EC2 ANDs filters, so lookups on different tag keys share a `tag-key` filter and are
// matched here). None of them when no file has a lookup.
import { paginateDescribeSecurityGroups, paginateDescribeSubnets, paginateDescribeVpcs, type Filter, type Tag } from '@aws-sdk/client-ec2';
import type { AwsClients } from './clients.js';
import { collectPages } from './collect-pages.js';

export type Ec2LookupKind = 'vpc' | 'subnet' | 'securityGroup';

export interface Ec2LookupQuery {
  kind: Ec2LookupKind;
  tags?: Readonly<Record<string, string>>;
  /** security groups: the GroupName */
  name?: string;
}

/** One VPC, subnet or security group a lookup may match. */
export interface Ec2Candidate {
  id: string;
  tags: Record<string, string>;
  /** security groups: GroupName */
  name?: string;
  /** subnets and security groups */
  vpcId?: string;
}

export type Ec2Candidates = Record<Ec2LookupKind, Ec2Candidate[]>;

/** most values EC2 accepts in one filter */
const FILTER_VALUES_MAX = 200;
const MAX_RESULTS = 1000;

function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));
}

/**
 * The filters that cover every query of one kind: one tag key shared by all (`tag:Name` =
 * every value asked), else `tag-key` = every key asked; names alone: `group-name`. Security
 * groups asked both by name and by tags: no filter (EC2 cannot OR two filters).
 */
export function coveringFilters(queries: readonly Ec2LookupQuery[]): Filter[] | undefined {
  const byName = queries.filter((q) => q.name !== undefined);
  const byTags = queries.filter((q) => q.tags !== undefined && q.name === undefined);
  if (byName.length > 0 && byTags.length > 0) return undefined;
  if (byName.length > 0) return capped({ Name: 'group-name', Values: [...new Set(byName.map((q) => q.name!))] });
  const keySets = byTags.map((q) => Object.keys(q.tags ?? {}));
  const first = keySets[0]?.[0];
  if (first !== undefined && keySets.every((keys) => keys.includes(first))) {
    return capped({ Name: `tag:${first}`, Values: [...new Set(byTags.map((q) => q.tags![first]!))] });
  }
  return capped({ Name: 'tag-key', Values: [...new Set(keySets.flat())] });
}

/** A filter with more values than EC2 takes is left out (the read is then unfiltered, still one call). */
function capped(filter: Filter): Filter[] | undefined {
  return (filter.Values?.length ?? 0) <= FILTER_VALUES_MAX ? [filter] : undefined;
}

/** The candidates for every query, one describe per kind asked (in parallel). */
export async function describeLookupCandidates(clients: AwsClients, queries: readonly Ec2LookupQuery[]): Promise<Ec2Candidates> {
  const of = (kind: Ec2LookupKind): Ec2LookupQuery[] => queries.filter((q) => q.kind === kind);
  const params = (kind: Ec2LookupKind): { Filters?: Filter[]; MaxResults: number } => {
    const filters = coveringFilters(of(kind));
    return filters === undefined ? { MaxResults: MAX_RESULTS } : { Filters: filters, MaxResults: MAX_RESULTS };
  };
  const resource = (kind: Ec2LookupKind): string => `${of(kind).length} lookup(s)`;
  const [vpcs, subnets, securityGroups] = await Promise.all([
    of('vpc').length === 0
      ? []
      : collectPages(paginateDescribeVpcs({ client: clients.ec2, stopOnSameToken: true }, params('vpc')), (p) => p.Vpcs, { service: 'ec2', operation: 'DescribeVpcs', resource: resource('vpc') }),
    of('subnet').length === 0
      ? []
      : collectPages(paginateDescribeSubnets({ client: clients.ec2, stopOnSameToken: true }, params('subnet')), (p) => p.Subnets, { service: 'ec2', operation: 'DescribeSubnets', resource: resource('subnet') }),
    of('securityGroup').length === 0
      ? []
      : collectPages(paginateDescribeSecurityGroups({ client: clients.ec2, stopOnSameToken: true }, params('securityGroup')), (p) => p.SecurityGroups, { service: 'ec2', operation: 'DescribeSecurityGroups', resource: resource('securityGroup') }),
  ]);
  return {
    vpc: vpcs.flatMap((v) => (v.VpcId === undefined ? [] : [{ id: v.VpcId, tags: tagMap(v.Tags) }])),
    subnet: subnets.flatMap((s) => (s.SubnetId === undefined ? [] : [{ id: s.SubnetId, tags: tagMap(s.Tags), ...(s.VpcId === undefined ? {} : { vpcId: s.VpcId }) }])),
    securityGroup: securityGroups.flatMap((g) =>
      g.GroupId === undefined ? [] : [{ id: g.GroupId, tags: tagMap(g.Tags), ...(g.GroupName === undefined ? {} : { name: g.GroupName }), ...(g.VpcId === undefined ? {} : { vpcId: g.VpcId }) }],
    ),
  };
}

/** The candidates one query matches: every tag it lists with the same value, and its name. */
export function matchCandidates(query: Ec2LookupQuery, candidates: readonly Ec2Candidate[]): Ec2Candidate[] {
  return candidates
    .filter((c) => (query.name === undefined || c.name === query.name) && Object.entries(query.tags ?? {}).every(([k, v]) => c.tags[k] === v))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
