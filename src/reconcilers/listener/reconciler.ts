// Listener: listeners of existing load balancers (the load balancers are read, never managed),
// matched by load balancer name + port.
import type { Reconciler } from '../shared/reconciler.js';
import { listenerEvents } from './events.js';
import { listenerAppliers, type ListenerAppliers } from './apply.js';
import { normaliseListener } from './normalise.js';
import { planListeners } from './plan.js';
import { readListeners } from './read.js';
import { listenerSteps } from './steps.js';
import { listenerExport } from './export.js';

export const listenerReconciler: Reconciler<'Listener', ListenerAppliers> = {
  kind: 'Listener',
  service: 'elbv2',
  applyStages: ['write'],
  desired: (state) => state.listeners,
  read: (desired, io) => readListeners(desired, io.clients, { owned: io.owned, targetGroups: () => io.readOf('TargetGroup') }),
  elbv2TagArns: (raw) =>
    raw.listeners.flatMap((l) =>
      l.listener.ListenerArn ? [[l.listener.ListenerArn, `listener ${l.loadBalancerName}:${l.listener.Port ?? '?'}`] as [string, string]] : [],
    ),
  normalise: (raw, tags) => ({
    loadBalancers: raw.loadBalancers,
    listeners: raw.listeners.map((l) => normaliseListener(l.listener, l.loadBalancerName, tags(l.listener.ListenerArn), l.additionalCertificates)),
  }),
  plan: planListeners,
  plansFrom: ['ListenerRule'],
  appliers: listenerAppliers,
  steps: listenerSteps,
  exporter: listenerExport,
  events: listenerEvents,
};
