// SecurityGroupIngress for `import`: the selected groups (by id or name, or carrying a tag),
// named after the group's name, with every ingress rule they hold (`port` for a one-port range,
// `exclusive` left at its default, false). Round 0 looks the groups up once
// (DescribeSecurityGroups, 200 ids or names a call) for their names.
import { paginateDescribeSecurityGroups, type Filter, type SecurityGroup } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';
import { collectPages } from '../../aws/collect-pages.js';
import { chunk } from '../../aws/paginate.js';
import type { IngressRule } from '../../spec/types.js';
import { documentName, pickedDocument, type DesiredDocument, type KindExport } from '../shared/export-hook.js';
import { EC2_FILTER_VALUES_MAX, EC2_MAX_RESULTS } from './read.js';
import type { LiveSecurityGroup } from './types.js';

async function describeGroups(clients: AwsClients, filters: Filter[], resource: string): Promise<SecurityGroup[]> {
  return collectPages(
    paginateDescribeSecurityGroups({ client: clients.ec2, stopOnSameToken: true }, { Filters: filters, MaxResults: EC2_MAX_RESULTS }),
    (page) => page.SecurityGroups,
    { service: 'ec2', operation: 'DescribeSecurityGroups', resource },
  );
}

export function ingressRuleToDesired(rule: IngressRule): Record<string, unknown> {
  const out: Record<string, unknown> = { protocol: rule.protocol };
  if (rule.protocol === 'icmp') Object.assign(out, { fromPort: rule.fromPort, toPort: rule.toPort });
  else if (rule.protocol !== 'all') {
    if (rule.fromPort === rule.toPort) out.port = rule.fromPort;
    else Object.assign(out, { fromPort: rule.fromPort, toPort: rule.toPort });
  }
  out.source = { [rule.source.type]: rule.source.value };
  if (rule.description !== undefined) out.description = rule.description;
  return out;
}

export function securityGroupToDesired(name: string, group: LiveSecurityGroup): DesiredDocument {
  const warnings = group.rules
    .filter((r) => !['tcp', 'udp', 'icmp', 'all'].includes(r.protocol))
    .map((r) => `rule ${r.ruleId} has protocol ${r.protocol}, which the YAML cannot declare: left out`);
  const rules = group.rules.filter((r) => ['tcp', 'udp', 'icmp', 'all'].includes(r.protocol));
  return {
    kind: 'SecurityGroupIngress',
    name,
    liveId: group.groupId,
    links: [group.groupId],
    systemHint: name,
    warnings,
    spec: { groupId: group.groupId, rules: rules.map(ingressRuleToDesired) },
  };
}

export const securityGroupIngressExport: KindExport<'SecurityGroupIngress'> = {
  async selectByTag(tag, clients) {
    const groups = await describeGroups(clients, [{ Name: `tag:${tag.key}`, Values: [tag.value] }], `security groups tagged ${tag.key}=${tag.value}`);
    return { securityGroups: groups.flatMap((g) => (g.GroupId ? [g.GroupId] : [])) };
  },

  async select(selection, io) {
    if (io.round > 0) return io.picked.securityGroupIngress; // looked up once
    const ids = selection.securityGroups.filter((s) => /^sg-[0-9a-f]+$/.test(s));
    const names = selection.securityGroups.filter((s) => !ids.includes(s));
    const resource = `security groups ${selection.securityGroups.join(', ')}`;
    const found = (
      await Promise.all([
        ...chunk(ids, EC2_FILTER_VALUES_MAX).map((batch) => describeGroups(io.clients, [{ Name: 'group-id', Values: batch }], resource)),
        ...chunk(names, EC2_FILTER_VALUES_MAX).map((batch) => describeGroups(io.clients, [{ Name: 'group-name', Values: batch }], resource)),
      ])
    ).flat();
    const missing = selection.securityGroups.filter((s) => !found.some((g) => g.GroupId === s || g.GroupName === s));
    if (missing.length > 0) throw new Error(`no security group ${missing.join(', ')}: give an existing group id (sg-...) or name`);
    const byId = new Map(found.map((g) => [g.GroupId ?? '', g]));
    return [...byId.values()].map((g) =>
      pickedDocument('SecurityGroupIngress', documentName(g.GroupName ?? g.GroupId ?? ''), { groupId: g.GroupId ?? '', exclusive: false, rules: [] }),
    );
  },

  toDesired(picked, live) {
    const groups = new Map(live.securityGroups.map((g) => [g.groupId, g]));
    return picked.flatMap((d) => {
      const group = groups.get(d.spec.groupId);
      return group === undefined ? [] : [securityGroupToDesired(d.name, group)];
    });
  },
};
