// DescribeSecurityGroups + DescribeSecurityGroupRules -> LiveSecurityGroup (ingress only).
// Each sgr- rule already has exactly one source. Protocol `-1` is `all` with ports -1/-1; the
// numeric protocols 6/17/1 are tcp/udp/icmp. The description is kept but is not part of the key.
import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { ingressRuleKey } from '../../spec/ingress-rule-key.js';
import type { IngressProtocol, IngressSource } from '../../spec/types.js';
import { tagsFromAws } from '../shared/tags-normalise.js';
import type { LiveIngressRule, LiveSecurityGroup } from '../types.js';

const PROTOCOL_NAMES: Record<string, IngressProtocol> = {
  '-1': 'all',
  all: 'all',
  '6': 'tcp',
  tcp: 'tcp',
  '17': 'udp',
  udp: 'udp',
  '1': 'icmp',
  icmp: 'icmp',
};

/**
 * The spec's protocol name for an EC2 IpProtocol. Protocols the spec cannot declare (icmpv6,
 * esp, numbers) pass through unchanged, so they never equal a declared rule.
 */
export function protocolName(ipProtocol: string | undefined): IngressProtocol {
  const raw = (ipProtocol ?? '-1').toLowerCase();
  return PROTOCOL_NAMES[raw] ?? (raw as IngressProtocol);
}

function sourceOf(rule: SecurityGroupRule): IngressSource | undefined {
  if (rule.ReferencedGroupInfo?.GroupId !== undefined) return { type: 'securityGroup', value: rule.ReferencedGroupInfo.GroupId };
  if (rule.CidrIpv4 !== undefined) return { type: 'cidr', value: rule.CidrIpv4 };
  if (rule.CidrIpv6 !== undefined) return { type: 'ipv6Cidr', value: rule.CidrIpv6 };
  if (rule.PrefixListId !== undefined) return { type: 'prefixList', value: rule.PrefixListId };
  return undefined;
}

/** One sgr- ingress rule in the spec's shape, or undefined for egress / a rule without a source. */
export function normaliseIngressRule(rule: SecurityGroupRule): LiveIngressRule | undefined {
  if (rule.IsEgress === true) return undefined;
  const source = sourceOf(rule);
  if (source === undefined) return undefined;
  const protocol = protocolName(rule.IpProtocol);
  const all = protocol === 'all';
  const out: LiveIngressRule = {
    ruleId: rule.SecurityGroupRuleId ?? '',
    groupId: rule.GroupId ?? '',
    protocol,
    fromPort: all ? -1 : (rule.FromPort ?? -1),
    toPort: all ? -1 : (rule.ToPort ?? -1),
    source,
    tags: tagsFromAws(rule.Tags),
  };
  if (rule.Description !== undefined && rule.Description !== '') out.description = rule.Description;
  return out;
}

/**
 * Descriptions by rule key from the group's IpPermissions (DescribeSecurityGroups). AWS reports
 * the same description there and on the sgr- rule; some endpoints (moto) leave it off the rule
 * for source-group rules, so the group's copy fills a rule that has none.
 */
function permissionDescriptions(group: SecurityGroup): Map<string, string> {
  const out = new Map<string, string>();
  for (const perm of group.IpPermissions ?? []) {
    const protocol = protocolName(perm.IpProtocol);
    const all = protocol === 'all';
    const ports = { protocol, fromPort: all ? -1 : (perm.FromPort ?? -1), toPort: all ? -1 : (perm.ToPort ?? -1) };
    const sources: [IngressSource, string | undefined][] = [
      ...(perm.UserIdGroupPairs ?? []).map((p): [IngressSource, string | undefined] => [{ type: 'securityGroup', value: p.GroupId ?? '' }, p.Description]),
      ...(perm.IpRanges ?? []).map((r): [IngressSource, string | undefined] => [{ type: 'cidr', value: r.CidrIp ?? '' }, r.Description]),
      ...(perm.Ipv6Ranges ?? []).map((r): [IngressSource, string | undefined] => [{ type: 'ipv6Cidr', value: r.CidrIpv6 ?? '' }, r.Description]),
      ...(perm.PrefixListIds ?? []).map((r): [IngressSource, string | undefined] => [{ type: 'prefixList', value: r.PrefixListId ?? '' }, r.Description]),
    ];
    for (const [source, description] of sources) {
      if (description !== undefined && description !== '') out.set(ingressRuleKey({ ...ports, source }), description);
    }
  }
  return out;
}

export function normaliseSecurityGroup(group: SecurityGroup, rules: SecurityGroupRule[]): LiveSecurityGroup {
  const groupId = group.GroupId ?? '';
  const descriptions = permissionDescriptions(group);
  const live: LiveIngressRule[] = [];
  for (const rule of rules) {
    if (rule.GroupId !== undefined && rule.GroupId !== groupId) continue;
    const normalised = normaliseIngressRule(rule);
    if (normalised === undefined) continue;
    if (normalised.description === undefined) {
      const fromGroup = descriptions.get(ingressRuleKey(normalised));
      if (fromGroup !== undefined) normalised.description = fromGroup;
    }
    live.push(normalised);
  }
  live.sort((a, b) => {
    const ka = ingressRuleKey(a);
    const kb = ingressRuleKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
  });
  return { groupId, vpcId: group.VpcId ?? '', tags: tagsFromAws(group.Tags), rules: live };
}
