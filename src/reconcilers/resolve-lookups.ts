// References by name or tag (issue 16), resolved every cycle before any kind reads: every
// lookup of every declared resource together, through at most one DescribeVpcs, one
// DescribeSubnets and one DescribeSecurityGroups (src/aws/ec2-lookups.ts); none without lookups.
// Each kind puts the ids in its own spec (Reconciler.withLookups). A lookup that matches no
// resource, or several where one is needed, blocks its resource alone: the resource leaves this
// cycle's desired state, and the conflict names the lookup, where it is written and what matched.
import type { AwsClients } from '../aws/clients.js';
import { describeLookupCandidates, matchCandidates, type Ec2Candidate, type Ec2LookupQuery } from '../aws/ec2-lookups.js';
import { describeLookup } from '../spec/lookup-sites.js';
import type { DesiredResource, DesiredState, LookupSite } from '../spec/types.js';
import { DESIRED_KEYS } from '../spec/types.js';
import { RECONCILERS } from './registry.js';
import type { Conflict } from './shared/plan-context.js';
import type { Plan } from './types.js';

/** ECS takes at most 16 subnets in a service's network configuration. */
export const MAX_SUBNETS = 16;

/** One lookup and the ids it found (plan output and the log show them). */
export interface ResolvedLookup {
  /** `Kind/name` */
  id: string;
  /** `spec.vpc` */
  site: string;
  /** `{ tags: { Name: prod } }` */
  lookup: string;
  ids: string[];
}

export interface LookupResolution {
  /** the desired state with every lookup's ids in place; blocked resources left out */
  desired: DesiredState;
  /** one per blocked resource: why (these resources are neither written nor deleted this cycle) */
  blocked: Conflict[];
  resolved: ResolvedLookup[];
}

const NOUN: Record<LookupSite['kind'], [string, string]> = {
  vpc: ['VPC', 'VPCs'],
  subnet: ['subnet', 'subnets'],
  securityGroup: ['security group', 'security groups'],
};

function queryOf(site: LookupSite): Ec2LookupQuery {
  return { kind: site.kind, ...(site.filter.tags === undefined ? {} : { tags: site.filter.tags }), ...(site.filter.name === undefined ? {} : { name: site.filter.name }) };
}

function candidateText(c: Ec2Candidate): string {
  const name = c.name ?? c.tags.Name;
  const detail = [name === undefined ? undefined : `"${name}"`, c.vpcId].filter((p) => p !== undefined);
  return detail.length === 0 ? c.id : `${c.id} (${detail.join(' in ')})`;
}

/** Why a site's matches cannot stand for it, or undefined when they can. */
function problem(site: LookupSite, matches: readonly Ec2Candidate[]): string | undefined {
  const [one, many] = NOUN[site.kind];
  const where = `spec.${site.site} ${describeLookup(site)} (${site.source.file}:${site.source.line})`;
  if (matches.length === 0) {
    return `${where} matched no ${one}: check the ${site.filter.name === undefined ? 'tags' : 'name'} in this region, or give the id`;
  }
  const shown = matches.slice(0, 5).map(candidateText).join(', ') + (matches.length > 5 ? ` and ${matches.length - 5} more` : '');
  if (!site.many && matches.length > 1) {
    return `${where} matched ${matches.length} ${many}: ${shown}; it must match exactly one (add a tag that tells them apart, or give the id)`;
  }
  if (site.many && matches.length > MAX_SUBNETS) {
    return `${where} matched ${matches.length} ${many}, more than the ${MAX_SUBNETS} ECS takes: ${shown}; narrow the tags`;
  }
  return undefined;
}

export async function resolveLookups(desired: DesiredState, clients: AwsClients): Promise<LookupResolution> {
  const withLookups = RECONCILERS.flatMap((r) => (r.desired(desired) as readonly DesiredResource[]).filter((d) => (d.lookups?.length ?? 0) > 0));
  if (withLookups.length === 0) return { desired, blocked: [], resolved: [] };
  const candidates = await describeLookupCandidates(clients, withLookups.flatMap((d) => (d.lookups ?? []).map(queryOf)));

  const blocked: Conflict[] = [];
  const resolved: ResolvedLookup[] = [];
  const replaced = new Map<string, DesiredResource>();
  for (const resource of withLookups) {
    const ids = new Map<string, string[]>();
    const problems: string[] = [];
    for (const site of resource.lookups ?? []) {
      const matches = matchCandidates(queryOf(site), candidates[site.kind]);
      const why = problem(site, matches);
      if (why !== undefined) problems.push(why);
      else ids.set(site.site, matches.map((m) => m.id));
    }
    if (problems.length > 0) {
      blocked.push({ id: resource.id, message: `${resource.id}: ${problems.join('; ')}; it is skipped this cycle, the others go on` });
      continue;
    }
    for (const site of resource.lookups ?? []) resolved.push({ id: resource.id, site: `spec.${site.site}`, lookup: describeLookup(site), ids: ids.get(site.site) ?? [] });
    const hook = RECONCILERS.find((r) => r.kind === resource.kind)?.withLookups;
    if (hook !== undefined) replaced.set(resource.id, hook(resource as never, (site) => ids.get(site) ?? []) as DesiredResource);
  }

  const blockedIds = new Set(blocked.map((b) => b.id));
  const next: DesiredState = { ...desired };
  for (const r of RECONCILERS) {
    const list = (r.desired(desired) as readonly DesiredResource[]).flatMap((d) => (blockedIds.has(d.id) ? [] : [replaced.get(d.id) ?? d]));
    (next as unknown as Record<string, DesiredResource[]>)[DESIRED_KEYS[r.kind]] = list;
  }
  return { desired: next, blocked, resolved };
}

/**
 * The plan without the changes of blocked resources, and without the changes that lean on a
 * blocked target group: a blocked target group is left out of the cycle's desired state, so a
 * rule, listener or service forwarding to it by name (`targetGroup: { name }`) would plan toward
 * a group "still to create" (`new:<name>`, TargetGroupIndex.arnOf). Those wait with a conflict
 * that says why.
 */
export function withoutBlocked(plan: Plan, blocked: readonly Conflict[]): Plan {
  if (blocked.length === 0) return plan;
  const ids = new Set(blocked.map((b) => b.id));
  const groups = blocked.filter((b) => b.id.startsWith('TargetGroup/')).map((b) => b.id.slice('TargetGroup/'.length));
  const conflicts: Conflict[] = [...blocked];
  const changes = plan.changes.filter((c) => {
    if (ids.has(c.id)) return false;
    const text = JSON.stringify(c);
    // a reference by name (`targetGroup: { name }`, TargetGroupRef) or the group still to create
    const leans = groups.find((name) => text.includes(`"new:${name}"`) || text.includes(`"targetGroup":${JSON.stringify({ name })}`));
    if (leans === undefined) return true;
    conflicts.push({ id: c.id, message: `${c.id}: waits for TargetGroup/${leans}, whose lookup failed this cycle (see its conflict)` });
    return false;
  });
  return { changes, conflicts: [...conflicts, ...plan.conflicts] };
}

/** `lookup TargetGroup/web spec.vpc { tags: { Name: prod } } -> vpc-0abc` lines for plan output and the log. */
export function formatResolvedLookups(list: readonly ResolvedLookup[]): string[] {
  return list.map((l) => `lookup ${l.id} ${l.site} ${l.lookup} -> ${l.ids.join(', ')}`);
}
