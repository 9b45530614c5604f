import type { IngressRule } from './types.js';

/** Identity of one ingress permission: protocol, port range and source. The description is not part of it. */
export function ingressRuleKey(rule: Pick<IngressRule, 'protocol' | 'fromPort' | 'toPort' | 'source'>): string {
  return `${rule.protocol}/${rule.fromPort}-${rule.toPort}/${rule.source.type}:${rule.source.value}`;
}
