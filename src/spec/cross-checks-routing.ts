// AWS constraints on TargetGroup, Listener and ListenerRule documents that the schemas cannot
// express: what the user would otherwise learn from an ELBv2 error at apply time.
import { NLB_PROTOCOLS, type SpecError } from './types.js';
import type { RawAction, ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C, suggestionSuffix } from './spec-errors.js';
import { docError, groupBy, namePosition, where } from './check-error.js';
import { cidrProblem } from './cidr.js';
import { ruleActions } from './rule-actions.js';

/** ELBv2 defaults for HTTP/HTTPS target groups, used when only one side of a pair is given. */
const AWS_DEFAULT_INTERVAL = 30;
const AWS_DEFAULT_TIMEOUT = 5;
const MAX_CONDITION_VALUES = 5;

/** Target group attribute keys of application load balancer target groups. */
export const TARGET_GROUP_ATTRIBUTE_KEYS = [
  'deregistration_delay.timeout_seconds',
  'load_balancing.algorithm.type',
  'load_balancing.algorithm.anomaly_mitigation',
  'load_balancing.cross_zone.enabled',
  'slow_start.duration_seconds',
  'stickiness.enabled',
  'stickiness.type',
  'stickiness.app_cookie.cookie_name',
  'stickiness.app_cookie.duration_seconds',
  'stickiness.lb_cookie.duration_seconds',
  'target_group_health.dns_failover.minimum_healthy_targets.count',
  'target_group_health.dns_failover.minimum_healthy_targets.percentage',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage',
];

/** Target group attribute keys of network load balancer target groups (TCP, UDP, TCP_UDP, TLS). */
export const NLB_TARGET_GROUP_ATTRIBUTE_KEYS = [
  'deregistration_delay.timeout_seconds',
  'deregistration_delay.connection_termination.enabled',
  'load_balancing.cross_zone.enabled',
  'preserve_client_ip.enabled',
  'proxy_protocol_v2.enabled',
  'stickiness.enabled',
  'stickiness.type',
  'target_failover.on_deregistration',
  'target_failover.on_unhealthy',
  'target_health_state.unhealthy.connection_termination.enabled',
  'target_health_state.unhealthy.draining_interval_seconds',
  'target_group_health.dns_failover.minimum_healthy_targets.count',
  'target_group_health.dns_failover.minimum_healthy_targets.percentage',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage',
];

export function checkTargetGroups(docs: readonly ValidDocOf<'TargetGroup'>[]): SpecError[] {
  const out: SpecError[] = [];
  for (const doc of docs) {
    const { name } = doc;
    if (name.length > 32) {
      out.push(docError(doc, ['metadata', 'name'], C.tgName, `TargetGroup name '${name}' is ${name.length} characters; AWS allows at most 32: shorten metadata.name`));
    }
    if (name.startsWith('-') || name.endsWith('-')) {
      out.push(docError(doc, ['metadata', 'name'], C.tgName, `TargetGroup name '${name}' must not start or end with '-' (AWS rule): change metadata.name`));
    }
    const hc = doc.spec.healthCheck ?? {};
    if (hc.intervalSeconds !== undefined || hc.timeoutSeconds !== undefined) {
      const interval = hc.intervalSeconds ?? AWS_DEFAULT_INTERVAL;
      const timeout = hc.timeoutSeconds ?? AWS_DEFAULT_TIMEOUT;
      if (timeout >= interval) {
        const which = hc.timeoutSeconds !== undefined ? 'timeoutSeconds' : 'intervalSeconds';
        out.push(docError(doc, ['spec', 'healthCheck', which], C.tgHealthCheckTiming,
          `health check timeoutSeconds (${timeout}) must be less than intervalSeconds (${interval})${hc.intervalSeconds === undefined ? ', the AWS default' : ''}: lower the timeout or raise the interval`));
      }
    }
    if (typeof hc.port === 'string' && hc.port !== 'traffic-port') {
      const port = Number(hc.port);
      if (port < 1 || port > 65535) {
        out.push(docError(doc, ['spec', 'healthCheck', 'port'], C.tgHealthCheckPort, `health check port ${hc.port} must be traffic-port or between 1 and 65535`));
      }
    }
    if (hc.matcher !== undefined) {
      const bad = String(hc.matcher).split(',').find((part) => {
        const [low, high = low] = part.split('-').map(Number);
        return low! < 200 || high! > 499 || low! > high!;
      });
      if (bad !== undefined) {
        out.push(docError(doc, ['spec', 'healthCheck', 'matcher'], C.tgMatcher,
          `health check matcher '${bad}' is not valid: use HTTP codes from 200 to 499, a range low-high with low <= high`));
      }
    }
    const nlb = NLB_PROTOCOLS.includes(doc.spec.protocol);
    const keys = nlb ? NLB_TARGET_GROUP_ATTRIBUTE_KEYS : TARGET_GROUP_ATTRIBUTE_KEYS;
    for (const key of Object.keys(doc.spec.attributes ?? {})) {
      if (keys.includes(key)) continue;
      out.push(docError(doc, ['spec', 'attributes', key], C.tgAttribute,
        `'${key}' is not an attribute of ${nlb ? 'network' : 'application'} load balancer target groups${suggestionSuffix(key, keys)}`, 'key'));
    }
  }
  return out;
}

export function checkListeners(docs: readonly ValidDocOf<'Listener'>[]): SpecError[] {
  const out: SpecError[] = [];
  for (const doc of docs) {
    const { protocol, certificateArn } = doc.spec;
    if ((protocol === 'HTTPS' || protocol === 'TLS') && certificateArn === undefined) {
      const other = protocol === 'HTTPS' ? 'HTTP' : 'TCP';
      out.push(docError(doc, ['spec', 'protocol'], C.listenerCertificate, `${protocol === 'HTTPS' ? 'an' : 'a'} ${protocol} listener needs spec.certificateArn (an ACM certificate ARN): add it or use protocol ${other}`));
    }
    const extra = doc.spec.additionalCertificates;
    const index = extra?.indexOf(certificateArn ?? '') ?? -1;
    if (index >= 0) {
      out.push(docError(doc, ['spec', 'additionalCertificates', index], C.listenerCertificate,
        'the default certificate (certificateArn) is not an additional certificate: remove it from additionalCertificates'));
    }
    if (protocol !== 'HTTPS' && protocol !== 'TLS') {
      const secure = protocol === 'HTTP' ? 'HTTPS' : 'TLS';
      for (const field of ['certificateArn', 'sslPolicy', 'additionalCertificates'] as const) {
        if (doc.spec[field] === undefined) continue;
        out.push(docError(doc, ['spec', field], C.listenerCertificate, `${field} applies only to HTTPS and TLS listeners: remove it or set protocol: ${secure}`, 'key'));
      }
    }
    if (doc.spec.alpnPolicy !== undefined && protocol !== 'TLS') {
      out.push(docError(doc, ['spec', 'alpnPolicy'], C.listenerAlpn, `alpnPolicy applies only to TLS listeners (network load balancers), not ${protocol}: remove it or set protocol: TLS`, 'key'));
    }
  }
  for (const [key, group] of groupBy(docs, (d) => `${d.spec.loadBalancer}:${d.spec.port}`)) {
    for (const dup of group.slice(1)) {
      out.push(docError(dup, ['spec', 'port'], C.listenerDuplicate,
        `listener ${key} is already declared by ${group[0]!.id} at ${where(namePosition(group[0]!))}: a load balancer has one listener per port; merge or remove one`));
    }
  }
  return out;
}

/**
 * Condition values as AWS counts them toward its limit of 5 per rule: every distinct value of a
 * list, every value of each http-header condition (the header name is free), every query-string
 * key/value pair.
 */
function conditionValueCount(field: string, values: readonly unknown[]): number {
  if (field === 'httpHeaders') return (values as { values: string[] }[]).reduce((n, h) => n + new Set(h.values).size, 0);
  if (field === 'queryStrings') return new Set((values as { key?: string; value: string }[]).map((q) => `${q.key ?? ''}=${q.value}`)).size;
  return new Set(values as string[]).size;
}

function listenerKey(doc: ValidDocOf<'ListenerRule'>): string {
  const l = doc.spec.listener;
  return 'arn' in l ? l.arn : `${l.loadBalancer}:${l.port}`;
}

export function checkListenerRules(docs: readonly ValidDocOf<'ListenerRule'>[]): SpecError[] {
  const out: SpecError[] = [];
  for (const doc of docs) {
    const c = doc.spec.conditions;
    const counts = Object.entries(c).map(([field, values]) => [field, conditionValueCount(field, values as unknown[])] as const);
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    if (total > MAX_CONDITION_VALUES) {
      const detail = counts.map(([field, n]) => `${field} ${n}`).join(', ');
      out.push(docError(doc, ['spec', 'conditions'], C.ruleConditionLimit,
        `rule has ${total} condition values (${detail}); AWS allows at most ${MAX_CONDITION_VALUES} per rule: split it into two rules with different priorities`, 'key'));
    }
    (c.httpHeaders ?? []).forEach((h, i) => {
      if (h.name.toLowerCase() !== 'host') return;
      out.push(docError(doc, ['spec', 'conditions', 'httpHeaders', i, 'name'], C.ruleHostHeaderName,
        'AWS does not allow an http-header condition on Host: move the values to conditions.hostHeaders'));
    });
    (c.sourceIps ?? []).forEach((cidr, i) => {
      const problem = cidrProblem(cidr);
      if (problem !== undefined) out.push(docError(doc, ['spec', 'conditions', 'sourceIps', i], problem.code, problem.message));
    });
  }
  for (const [key, group] of groupBy(docs, (d) => listenerKey(d))) {
    for (const [priority, same] of groupBy(group, (d) => String(d.spec.priority))) {
      for (const dup of same.slice(1)) {
        out.push(docError(dup, ['spec', 'priority'], C.rulePriority,
          `priority ${priority} on listener ${key} is already used by ${same[0]!.id} at ${where(namePosition(same[0]!))}: priorities must be unique per listener; pick another`));
      }
    }
  }
  return out;
}

/** Every target group a forward names, with its path below `forward`. */
export function forwardTargetGroupRefs(forward: RawAction['forward']): { path: (string | number)[]; ref: string }[] {
  if (forward === undefined) return [];
  if (forward.targetGroups === undefined) return forward.targetGroup === undefined ? [] : [{ path: ['targetGroup'], ref: forward.targetGroup }];
  return forward.targetGroups.map((t, i) => ({ path: ['targetGroups', i, 'targetGroup'], ref: t.targetGroup }));
}

type ActionDoc = ValidDocOf<'Listener'> | ValidDocOf<'ListenerRule'>;

function forwardOf(doc: ActionDoc): { at: (string | number)[]; forward: RawAction['forward'] } {
  if (doc.kind === 'Listener') return { at: ['defaultAction'], forward: doc.spec.defaultAction.forward };
  const { at, terminal } = ruleActions(doc.spec);
  return { at, forward: terminal.forward };
}

/**
 * Weighted forwards: each target group once, stickiness with its duration, every declared target
 * group in one VPC (AWS refuses a forward across VPCs at apply time).
 */
export function checkForwards(
  listeners: readonly ValidDocOf<'Listener'>[],
  rules: readonly ValidDocOf<'ListenerRule'>[],
  targetGroups: readonly ValidDocOf<'TargetGroup'>[],
): SpecError[] {
  const out: SpecError[] = [];
  const vpcOf = new Map(targetGroups.map((t) => [t.name, t.spec.vpcId]));
  for (const doc of [...listeners, ...rules] as ActionDoc[]) {
    const { at, forward } = forwardOf(doc);
    if (forward?.targetGroups === undefined) continue;
    const base = ['spec', ...at, 'forward'];
    const seen = new Map<string, number>();
    forward.targetGroups.forEach((t, i) => {
      const first = seen.get(t.targetGroup);
      if (first !== undefined) {
        out.push(docError(doc, [...base, 'targetGroups', i, 'targetGroup'], C.forwardDuplicate,
          `target group '${t.targetGroup}' is already listed at targetGroups[${first}]: a forward names each target group once; merge the two entries into one weight`));
      } else seen.set(t.targetGroup, i);
    });
    const s = forward.stickiness;
    if (s?.enabled === true && s.durationSeconds === undefined) {
      out.push(docError(doc, [...base, 'stickiness'], C.forwardStickiness,
        'enabled target group stickiness needs durationSeconds (1..604800, AWS has no default): add it, e.g. durationSeconds: 3600', 'key'));
    }
    if (s?.enabled === false && s.durationSeconds !== undefined) {
      out.push(docError(doc, [...base, 'stickiness', 'durationSeconds'], C.forwardStickiness,
        'durationSeconds applies only to enabled stickiness: remove it or set enabled: true', 'key'));
    }
    const vpcs = forward.targetGroups.flatMap((t, i) => (vpcOf.has(t.targetGroup) ? [{ i, name: t.targetGroup, vpc: vpcOf.get(t.targetGroup)! }] : []));
    const other = vpcs.find((v) => v.vpc !== vpcs[0]!.vpc);
    if (other !== undefined) {
      out.push(docError(doc, [...base, 'targetGroups', other.i, 'targetGroup'], C.forwardVpc,
        `target group '${other.name}' is in ${other.vpc} but '${vpcs[0]!.name}' is in ${vpcs[0]!.vpc}: the target groups of one forward must be in one VPC; use target groups of the load balancer's VPC`));
    }
  }
  return out;
}

/**
 * Action chains (`actions`): authenticate steps first and the one forward | fixedResponse |
 * redirect last (AWS runs them by Order); an OIDC client secret only by reference (a literal
 * would sit in git and in every plan); authenticate actions only on HTTPS listeners (AWS refuses
 * them on HTTP listeners).
 */
export function checkRuleActionChains(listeners: readonly ValidDocOf<'Listener'>[], rules: readonly ValidDocOf<'ListenerRule'>[]): SpecError[] {
  const out: SpecError[] = [];
  const protocolOf = new Map(listeners.map((l) => [`${l.spec.loadBalancer}:${l.spec.port}`, l.spec.protocol]));
  for (const doc of rules) {
    const actions = doc.spec.actions;
    if (actions === undefined) continue;
    const { at, auth } = ruleActions(doc.spec);
    const terminalIndex = at[1];
    const late = auth.find((a) => typeof terminalIndex === 'number' && a.index > terminalIndex);
    if (late !== undefined) {
      out.push(docError(doc, ['spec', 'actions', late.index], C.ruleActionOrder,
        `${late.step.type} comes after the rule's ${Object.keys(actions[terminalIndex as number] ?? {}).join('')} at actions[${String(terminalIndex)}]: authenticate steps run first, so list them before it and end actions with the forward | fixedResponse | redirect`));
    }
    for (const { step, index } of auth) {
      if (step.type === 'authenticate-oidc' && step.authenticateOidcConfig.clientSecret !== undefined) {
        out.push(docError(doc, ['spec', 'actions', index, 'authenticateOidcConfig', 'clientSecret'], C.literalSecret,
          'a client secret is never written in the files: store it in SSM Parameter Store (aws ssm put-parameter --type SecureString) and give clientSecretFrom: { ssmParameter: /name } instead', 'key'));
      }
      if (step.type === 'authenticate-oidc' && step.authenticateOidcConfig.clientSecretFrom === undefined && step.authenticateOidcConfig.clientSecret === undefined) {
        out.push(docError(doc, ['spec', 'actions', index, 'authenticateOidcConfig'], C.literalSecret,
          'authenticate-oidc needs the client secret for CreateRule: add clientSecretFrom: { ssmParameter: /name } naming an SSM SecureString parameter', 'key'));
      }
    }
    const l = doc.spec.listener;
    const protocol = 'arn' in l ? undefined : protocolOf.get(`${l.loadBalancer}:${l.port}`);
    if (auth.length > 0 && protocol !== undefined && protocol !== 'HTTPS') {
      out.push(docError(doc, ['spec', 'actions', auth[0]!.index, 'type'], C.authenticateListener,
        `${auth[0]!.step.type} runs only on HTTPS listeners, and listener ${'arn' in l ? l.arn : `${l.loadBalancer} port ${l.port}`} is ${protocol}: put this rule on an HTTPS listener, or redirect HTTP to HTTPS first`));
    }
  }
  return out;
}
