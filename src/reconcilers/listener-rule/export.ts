// ListenerRule for `import`: every non-default rule of the imported listeners, named by our
// resource tag when it has one, else `<lb>-<port>-p<priority>`; the listener is written by load
// balancer + port, forwards by target group name when that group is imported too.
import type { ListenerRuleSpec } from '../../spec/types.js';
import { actionToDesired, forwardedArns } from '../shared/action-export.js';
import { documentName, pickedDocument, type DesiredDocument, type ExportContext, type KindExport } from '../shared/export-hook.js';
import { nameFromResourceTag } from '../shared/ownership.js';
import { TAG_RESOURCE } from '../shared/resource-types.js';
import type { LiveListener } from '../listener/types.js';
import type { LiveRule } from './types.js';

export function ruleName(rule: LiveRule, listener: LiveListener): string {
  return nameFromResourceTag('ListenerRule', rule.tags[TAG_RESOURCE]) ?? documentName(`${listener.loadBalancerName}-${listener.port}-p${rule.priority}`);
}

function conditionsToDesired(rule: LiveRule): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [key, values] of Object.entries(rule.conditions) as [string, unknown[] | undefined][]) {
    if (values !== undefined && values.length > 0) out[key] = structuredClone(values);
  }
  return out;
}

export function ruleToDesired(rule: LiveRule, listener: LiveListener, ctx: ExportContext): DesiredDocument {
  const warnings: string[] = [];
  if (rule.unsupportedConditions !== undefined && rule.unsupportedConditions.length > 0) {
    warnings.push(`conditions ${rule.unsupportedConditions.join(', ')} cannot be written in YAML: plan will show a difference`);
  }
  return {
    kind: 'ListenerRule',
    name: ruleName(rule, listener),
    liveId: rule.arn,
    links: [rule.arn, listener.arn, listener.loadBalancerArn, ...forwardedArns(rule.action)],
    systemHint: listener.loadBalancerName,
    warnings,
    spec: {
      listener: { loadBalancer: listener.loadBalancerName, port: listener.port },
      priority: rule.priority,
      conditions: conditionsToDesired(rule),
      action: actionToDesired(rule.action, ctx, warnings),
    },
  };
}

const EMPTY_CONDITIONS = { pathPatterns: [], hostHeaders: [], httpRequestMethods: [], sourceIps: [] };

export const listenerRuleExport: KindExport<'ListenerRule'> = {
  follows: ['Listener', 'ListenerRule'],
  async select(selection, io) {
    const wanted = new Set(selection.loadBalancers);
    const listeners = new Map((io.live?.listeners ?? []).filter((l) => wanted.has(l.loadBalancerName)).map((l) => [l.arn, l]));
    return (io.live?.rules ?? []).flatMap((rule) => {
      const listener = listeners.get(rule.listenerArn);
      if (listener === undefined) return [];
      const spec: ListenerRuleSpec = {
        listener: { loadBalancer: listener.loadBalancerName, port: listener.port },
        priority: rule.priority,
        conditions: EMPTY_CONDITIONS,
        action: { type: 'fixed-response', statusCode: '404' },
      };
      return [pickedDocument('ListenerRule', ruleName(rule, listener), spec)];
    });
  },

  toDesired(picked, live, ctx) {
    const wanted = new Set(picked.map((d) => ('arn' in d.spec.listener ? '' : `${d.spec.listener.loadBalancer}:${d.spec.listener.port}:${d.spec.priority}`)));
    const listeners = new Map(live.listeners.map((l) => [l.arn, l]));
    return live.rules.flatMap((rule) => {
      const listener = listeners.get(rule.listenerArn);
      if (listener === undefined || !wanted.has(`${listener.loadBalancerName}:${listener.port}:${rule.priority}`)) return [];
      return [ruleToDesired(rule, listener, ctx)];
    });
  },
};
