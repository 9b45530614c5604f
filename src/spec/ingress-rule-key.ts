// The identity of one security-group ingress permission, shared by spec normalisation and plan.
import type { IngressRule } from './types.js';

/** `tcp/5432-5432/securityGroup:sg-0app`: protocol, port range and source; not the description. */
export function ingressRuleKey(rule: Pick<IngressRule, 'protocol' | 'fromPort' | 'toPort' | 'source'>): string {
  return `${rule.protocol}/${rule.fromPort}-${rule.toPort}/${rule.source.type}:${rule.source.value}`;
}

/** Sorts rules by ingressRuleKey (a new array). */
export function sortIngressRules<T extends IngressRule>(rules: readonly T[]): T[] {
  return rules
    .map((rule) => ({ rule, key: ingressRuleKey(rule) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ rule }) => rule);
}
