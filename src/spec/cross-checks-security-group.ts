// AWS constraints on SecurityGroupIngress documents: port semantics per protocol, canonical
// CIDRs, duplicate rules, and one document per security group.
import type { SpecError } from './types.js';
import type { RawIngressRule, ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C } from './spec-errors.js';
import { docError, groupBy, namePosition, where } from './check-error.js';
import { cidrProblem } from './cidr.js';
import { expandIngressRule } from './normalise-resources.js';
import { ingressRuleKey } from './ingress-rule-key.js';

type Doc = ValidDocOf<'SecurityGroupIngress'>;

export function checkSecurityGroupIngress(docs: readonly Doc[]): SpecError[] {
  const out: SpecError[] = [];
  for (const [groupId, group] of groupBy(docs, (d) => d.spec.groupId ?? `named ${d.spec.groupName ?? ''}`)) {
    for (const dup of group.slice(1)) {
      out.push(docError(dup, ['spec', dup.spec.groupId === undefined ? 'groupName' : 'groupId'], C.sgDuplicateGroup,
        `security group ${groupId} is already managed by ${group[0]!.id} at ${where(namePosition(group[0]!))}: merge the rules into that document`));
    }
  }
  for (const doc of docs) {
    const seen = new Map<string, number>();
    doc.spec.rules.forEach((rule, i) => {
      const problems = ruleProblems(doc, rule, i);
      out.push(...problems);
      if (problems.length > 0) return;
      const key = ingressRuleKey(expandIngressRule(rule));
      const first = seen.get(key);
      if (first !== undefined) {
        out.push(docError(doc, ['spec', 'rules', i], C.sgDuplicateRule,
          `rule ${key} is the same as rules[${first}] (AWS rejects duplicate permissions): remove one of them`));
      } else seen.set(key, i);
    });
  }
  return out;
}

function ruleProblems(doc: Doc, rule: RawIngressRule, i: number): SpecError[] {
  const at = (field: string | undefined, code: Parameters<typeof docError>[2], message: string): SpecError =>
    docError(doc, field === undefined ? ['spec', 'rules', i] : ['spec', 'rules', i, field], code, message, field === undefined ? 'value' : 'key');
  const out: SpecError[] = [];
  const { protocol, port, fromPort, toPort } = rule;
  const hasRange = fromPort !== undefined || toPort !== undefined;
  if (protocol === 'all') {
    const given = (['port', 'fromPort', 'toPort'] as const).find((f) => rule[f] !== undefined);
    if (given !== undefined) out.push(at(given, C.sgAllPorts, `protocol all covers every port: remove ${given}`));
  } else if (protocol === 'icmp') {
    if (port !== undefined) {
      out.push(at('port', C.sgIcmp, 'icmp has no ports: use fromPort for the ICMP type and toPort for the ICMP code (-1 = all)'));
    }
    for (const f of ['fromPort', 'toPort'] as const) {
      const v = rule[f];
      if (v !== undefined && v > 255) out.push(at(f, C.sgIcmp, `icmp ${f === 'fromPort' ? 'type' : 'code'} ${v} must be between -1 and 255`));
    }
    if ((fromPort ?? -1) === -1 && toPort !== undefined && toPort !== -1) {
      out.push(at('toPort', C.sgIcmp, 'with every ICMP type (fromPort -1) the code must be every code too: set toPort: -1 or pick a type'));
    }
  } else if (port !== undefined && hasRange) {
    out.push(at('port', C.sgPortAndRange, 'give either port or fromPort + toPort, not both'));
  } else if (port === undefined) {
    if (fromPort === undefined || toPort === undefined) {
      out.push(at(hasRange ? (fromPort === undefined ? 'toPort' : 'fromPort') : undefined, C.sgPortsMissing,
        hasRange ? `${protocol} rule needs both fromPort and toPort (or a single port)` : `${protocol} rule needs port, or fromPort and toPort`));
    } else if (fromPort < 0 || toPort < 0) {
      out.push(at(fromPort < 0 ? 'fromPort' : 'toPort', C.sgPortRange, `${protocol} ports must be 0..65535 (for every port use fromPort: 0, toPort: 65535)`));
    } else if (fromPort > toPort) {
      out.push(at('fromPort', C.sgPortRange, `fromPort ${fromPort} is greater than toPort ${toPort}: swap them`));
    }
  }
  for (const family of ['cidr', 'ipv6Cidr'] as const) {
    const cidr = rule.source[family];
    if (cidr === undefined) continue;
    const problem = cidrProblem(cidr);
    if (problem !== undefined) out.push(docError(doc, ['spec', 'rules', i, 'source', family], problem.code, problem.message));
  }
  return out;
}
