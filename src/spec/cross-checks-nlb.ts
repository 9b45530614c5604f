// Network load balancer constraints (TCP, UDP, TCP_UDP, TLS) the schemas cannot express, and the
// protocol a forward's target groups must have for the listener that forwards: what AWS would
// otherwise refuse at apply time. The load balancer type is not in the files, so a listener's
// protocol says which kind of load balancer it is on.
import { NLB_PROTOCOLS, type ElbProtocol, type SpecError } from './types.js';
import type { ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C } from './spec-errors.js';
import { docError } from './check-error.js';
import { forwardTargetGroupRefs } from './cross-checks-routing.js';
import { ruleActions } from './rule-actions.js';

/** Target group protocols a listener of each protocol can forward to. */
const FORWARDABLE: Record<ElbProtocol, readonly ElbProtocol[]> = {
  HTTP: ['HTTP', 'HTTPS'],
  HTTPS: ['HTTP', 'HTTPS'],
  TCP: ['TCP', 'TCP_UDP'],
  UDP: ['UDP', 'TCP_UDP'],
  TCP_UDP: ['TCP_UDP'],
  TLS: ['TCP', 'TLS'],
};

const isNlb = (protocol: ElbProtocol): boolean => NLB_PROTOCOLS.includes(protocol);

function checkTargetGroup(doc: ValidDocOf<'TargetGroup'>): SpecError[] {
  const out: SpecError[] = [];
  const { protocol, protocolVersion } = doc.spec;
  const hc = doc.spec.healthCheck ?? {};
  if (protocolVersion !== undefined && isNlb(protocol)) {
    out.push(docError(doc, ['spec', 'protocolVersion'], C.tgProtocolVersion,
      `protocolVersion applies only to HTTP and HTTPS target groups (application load balancers), not ${protocol}: remove it`, 'key'));
  }
  if (hc.protocol === 'TCP' && !isNlb(protocol)) {
    out.push(docError(doc, ['spec', 'healthCheck', 'protocol'], C.tgHealthCheckProtocol,
      `${protocol === 'HTTP' ? 'an' : 'a'} ${protocol} target group has HTTP or HTTPS health checks only: use healthCheck.protocol HTTP or HTTPS`));
  }
  // a network target group checks with TCP unless told otherwise: path and matcher need HTTP(S)
  const tcpCheck = hc.protocol === 'TCP' || (hc.protocol === undefined && isNlb(protocol));
  if (tcpCheck) {
    for (const field of ['path', 'matcher'] as const) {
      if (hc[field] === undefined) continue;
      out.push(docError(doc, ['spec', 'healthCheck', field], C.tgHealthCheckProtocol,
        `healthCheck.${field} needs an HTTP or HTTPS health check, and this one is TCP${hc.protocol === undefined ? ` (the AWS default for ${protocol} target groups)` : ''}: set healthCheck.protocol: HTTP, or remove ${field}`, 'key'));
    }
  }
  return out;
}

export function checkNetworkRouting(
  listeners: readonly ValidDocOf<'Listener'>[],
  rules: readonly ValidDocOf<'ListenerRule'>[],
  targetGroups: readonly ValidDocOf<'TargetGroup'>[],
): SpecError[] {
  const out: SpecError[] = targetGroups.flatMap(checkTargetGroup);
  const tgProtocol = new Map(targetGroups.map((t) => [t.name, t.spec.protocol]));
  const listenerProtocol = new Map(listeners.map((l) => [`${l.spec.loadBalancer}:${l.spec.port}`, l.spec.protocol]));
  const checkForward = (doc: ValidDocOf<'Listener'> | ValidDocOf<'ListenerRule'>, at: (string | number)[], forward: Parameters<typeof forwardTargetGroupRefs>[0], listener: ElbProtocol) => {
    for (const use of forwardTargetGroupRefs(forward)) {
      const protocol = tgProtocol.get(use.ref);
      if (protocol === undefined || FORWARDABLE[listener].includes(protocol)) continue;
      out.push(docError(doc, ['spec', ...at, 'forward', ...use.path], C.forwardProtocol,
        `a ${listener} listener cannot forward to the ${protocol} target group '${use.ref}': use a target group of protocol ${FORWARDABLE[listener].join(' or ')}`));
    }
  };
  for (const doc of listeners) {
    const { protocol, defaultAction } = doc.spec;
    if (isNlb(protocol) && defaultAction.forward === undefined) {
      const what = defaultAction.fixedResponse !== undefined ? 'fixedResponse' : 'redirect';
      out.push(docError(doc, ['spec', 'defaultAction', what], C.nlbListenerAction,
        `a ${protocol} listener (network load balancer) can only forward; ${what} is an application load balancer action: use defaultAction.forward`, 'key'));
    }
    checkForward(doc, ['defaultAction'], defaultAction.forward, protocol);
  }
  for (const doc of rules) {
    const l = doc.spec.listener;
    if ('arn' in l) continue;
    const protocol = listenerProtocol.get(`${l.loadBalancer}:${l.port}`);
    if (protocol === undefined) continue;
    if (isNlb(protocol)) {
      out.push(docError(doc, ['spec', 'listener'], C.nlbRule,
        `listener ${l.loadBalancer} port ${l.port} is ${protocol} (network load balancer), which has no rules or conditions: route with the listener's defaultAction, or put this rule on an HTTP/HTTPS listener`, 'key'));
      continue;
    }
    const { at, terminal } = ruleActions(doc.spec);
    checkForward(doc, at, terminal.forward, protocol);
  }
  return out;
}
