// Schema-valid documents -> the normalised DesiredState shapes of src/spec/types.ts
// (TargetGroup, Listener, ListenerRule, SecurityGroupIngress; Service is in normalise-service.ts).
import type {
  Action,
  ForwardAction,
  HealthCheckSpec,
  IngressRule,
  IngressSource,
  ListenerRuleSpec,
  ListenerSpec,
  SecurityGroupIngressSpec,
  TargetGroupRef,
  TargetGroupSpec,
} from './types.js';
import type {
  RawAction,
  RawIngressRule,
  RawListenerRuleSpec,
  RawListenerSpec,
  RawSecurityGroupIngressSpec,
  RawTargetGroupSpec,
} from './raw-types.js';
import { sortIngressRules } from './ingress-rule-key.js';
import { parseCidr } from './cidr.js';
import { LOOKUP_PLACEHOLDER } from './types.js';
import { optionalConditions } from './rule-conditions.js';
import { normaliseAuthStep, ruleActions } from './rule-actions.js';

export function targetGroupRef(ref: string): TargetGroupRef {
  return ref.startsWith('arn:') ? { arn: ref } : { name: ref };
}

/** AWS's weight of a ForwardConfig target group that gives none. */
export const DEFAULT_FORWARD_WEIGHT = 1;

function refKey(ref: TargetGroupRef): string {
  return 'arn' in ref ? ref.arn : ref.name;
}

export function normaliseForward(raw: NonNullable<RawAction['forward']>): ForwardAction {
  if (raw.targetGroups === undefined) return { type: 'forward', targetGroup: targetGroupRef(raw.targetGroup ?? '') };
  const targetGroups = raw.targetGroups
    .map((t) => ({ targetGroup: targetGroupRef(t.targetGroup), weight: t.weight ?? DEFAULT_FORWARD_WEIGHT }))
    .sort((a, b) => refKey(a.targetGroup).localeCompare(refKey(b.targetGroup)));
  const s = raw.stickiness;
  // disabled stickiness is what AWS has without any: the same normalised action
  return s?.enabled === true
    ? { type: 'forward', targetGroups, stickiness: { enabled: true, durationSeconds: s.durationSeconds ?? 0 } }
    : { type: 'forward', targetGroups };
}

export function normaliseAction(raw: RawAction): Action {
  if (raw.forward !== undefined) return normaliseForward(raw.forward);
  if (raw.fixedResponse !== undefined) {
    const { statusCode, contentType, messageBody } = raw.fixedResponse;
    return withDefined({ type: 'fixed-response' as const, statusCode: String(statusCode), contentType, messageBody });
  }
  const r = raw.redirect!;
  return withDefined({
    type: 'redirect' as const,
    statusCode: r.statusCode,
    protocol: r.protocol,
    host: r.host,
    port: r.port === undefined ? undefined : String(r.port),
    path: r.path,
    query: r.query,
  });
}

export function normaliseTargetGroup(raw: RawTargetGroupSpec): TargetGroupSpec {
  const hc = raw.healthCheck ?? {};
  const healthCheck: HealthCheckSpec = withDefined({
    path: hc.path,
    protocol: hc.protocol,
    port: hc.port === undefined ? undefined : String(hc.port),
    intervalSeconds: hc.intervalSeconds,
    timeoutSeconds: hc.timeoutSeconds,
    healthyThreshold: hc.healthyThreshold,
    unhealthyThreshold: hc.unhealthyThreshold,
    matcher: hc.matcher === undefined ? undefined : String(hc.matcher),
  });
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.attributes ?? {})) attributes[key] = String(value);
  return {
    vpcId: raw.vpcId ?? `${LOOKUP_PLACEHOLDER}vpc`,
    protocol: raw.protocol,
    ...(raw.protocolVersion === undefined ? {} : { protocolVersion: raw.protocolVersion }),
    port: raw.port,
    targetType: raw.targetType ?? 'instance',
    healthCheck,
    attributes,
    tags: { ...(raw.tags ?? {}) },
  };
}

export function normaliseListener(raw: RawListenerSpec): ListenerSpec {
  return withDefined({
    loadBalancer: raw.loadBalancer,
    port: raw.port,
    protocol: raw.protocol,
    certificateArn: raw.certificateArn,
    sslPolicy: raw.sslPolicy,
    alpnPolicy: raw.alpnPolicy,
    additionalCertificates: raw.additionalCertificates === undefined ? undefined : sortedUnique(raw.additionalCertificates),
    defaultAction: normaliseAction(raw.defaultAction),
  });
}

export function normaliseListenerRule(raw: RawListenerRuleSpec): ListenerRuleSpec {
  const c = raw.conditions;
  const { terminal, auth } = ruleActions(raw);
  return {
    listener: 'arn' in raw.listener ? { arn: raw.listener.arn } : { loadBalancer: raw.listener.loadBalancer, port: raw.listener.port },
    priority: raw.priority,
    conditions: {
      pathPatterns: sortedUnique(c.pathPatterns),
      hostHeaders: sortedUnique(c.hostHeaders),
      httpRequestMethods: sortedUnique(c.httpRequestMethods),
      sourceIps: sortedUnique(c.sourceIps?.map(canonicalCidr)),
      ...optionalConditions(c),
    },
    ...(auth.length === 0 ? {} : { authenticate: auth.map((a) => normaliseAuthStep(a.step)) }),
    action: normaliseAction(terminal),
  };
}

export function normaliseSecurityGroupIngress(raw: RawSecurityGroupIngressSpec): SecurityGroupIngressSpec {
  const rules = raw.rules.map((rule, i) =>
    rule.source.securityGroupName === undefined ? expandIngressRule(rule) : expandIngressRule(rule, `${LOOKUP_PLACEHOLDER}rules[${i}].source.securityGroupName`),
  );
  return { groupId: raw.groupId ?? `${LOOKUP_PLACEHOLDER}groupName`, exclusive: raw.exclusive ?? false, rules: sortIngressRules(rules) };
}

/** One YAML rule -> one IngressRule: `all` -> -1/-1, icmp defaults -1/-1, `port` -> from = to. */
export function expandIngressRule(raw: RawIngressRule, lookupPlaceholder?: string): IngressRule {
  let fromPort: number;
  let toPort: number;
  if (raw.protocol === 'all') [fromPort, toPort] = [-1, -1];
  else if (raw.protocol === 'icmp') [fromPort, toPort] = [raw.fromPort ?? -1, raw.toPort ?? -1];
  else if (raw.port !== undefined) [fromPort, toPort] = [raw.port, raw.port];
  else [fromPort, toPort] = [raw.fromPort ?? -1, raw.toPort ?? raw.fromPort ?? -1];
  const source: IngressSource = lookupPlaceholder === undefined ? ingressSource(raw.source) : { type: 'securityGroup', value: lookupPlaceholder };
  const rule: IngressRule = { protocol: raw.protocol, fromPort, toPort, source };
  if (raw.description !== undefined) rule.description = raw.description;
  return rule;
}

export function ingressSource(raw: RawIngressRule['source']): IngressSource {
  if (raw.securityGroup !== undefined) return { type: 'securityGroup', value: raw.securityGroup };
  // a group by name (two rules naming the same group are the same rule; the id comes each cycle)
  if (raw.securityGroupName !== undefined) return { type: 'securityGroup', value: `${LOOKUP_PLACEHOLDER}name:${raw.securityGroupName}` };
  if (raw.cidr !== undefined) return { type: 'cidr', value: canonicalCidr(raw.cidr) };
  if (raw.ipv6Cidr !== undefined) return { type: 'ipv6Cidr', value: canonicalCidr(raw.ipv6Cidr) };
  return { type: 'prefixList', value: raw.prefixList ?? '' };
}

function canonicalCidr(text: string): string {
  const parsed = parseCidr(text);
  return parsed.ok ? parsed.canonical : text;
}

function sortedUnique(values: readonly string[] | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}

/** The object without its undefined members (so canonical JSON and deep equality agree). */
export function withDefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}
