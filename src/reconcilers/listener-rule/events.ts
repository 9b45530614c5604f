// ListenerRule: the ELBv2 calls that change a rule (ModifyRule, SetRulePriorities, DeleteRule,
// tags), named by rule ARN; and CreateRule, named by its listener's ARN: a rule added by hand to
// a managed listener reconciles that listener's declared rules (one DescribeRules reads them all).
// Its plan needs the target group it forwards to and its declared listener (the other rules on
// that listener are read with it; the plan judges priorities against the whole desired state).
import type { DesiredOf, DesiredState } from '../../spec/types.js';
import { forwardGroups } from '../shared/forward-names.js';
import { listAt, stringAt, stringsAt, targetGroupIdsOf, type KindEvents } from '../shared/event-hook.js';

const ELB = 'elasticloadbalancing.amazonaws.com';

function listenerKey(ref: DesiredOf<'ListenerRule'>['spec']['listener']): string {
  return 'arn' in ref ? ref.arn : `${ref.loadBalancer}:${ref.port}`;
}

function references(doc: DesiredOf<'ListenerRule'>, desired: DesiredState): string[] {
  const key = listenerKey(doc.spec.listener);
  const listeners = desired.listeners.filter((l) => `${l.spec.loadBalancer}:${l.spec.port}` === key).map((l) => l.id);
  return [...targetGroupIdsOf(...(doc.spec.action.type === 'forward' ? forwardGroups(doc.spec.action).map((g) => g.targetGroup) : [])), ...listeners];
}

/** The key every declared rule of a listener answers to (CreateRule names only the listener). */
export const rulesOfKey = (listenerArn: string): string => `rules-of:${listenerArn}`;

/** A rule's listener, from the rule's ARN: `...:listener-rule/app/<lb>/<id>/<listener>/<rule>` -> `...:listener/app/<lb>/<id>/<listener>`. */
export function listenerArnOfRule(ruleArn: string): string | undefined {
  const m = /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/((?:app|net|gwy)\/[^/]+\/[^/]+\/[^/]+)\/[^/]+$/.exec(ruleArn);
  return m === null ? undefined : `${m[1]}listener/${m[2]}`;
}

export const listenerRuleEvents: KindEvents<'ListenerRule'> = {
  calls: ['CreateRule', 'ModifyRule', 'SetRulePriorities', 'DeleteRule', 'AddTags', 'RemoveTags'].map((n) => `${ELB}:${n}`),
  touched: (e) => {
    const p = e.requestParameters;
    const created = e.eventName === 'CreateRule' ? stringAt(p, 'listenerArn') : undefined;
    const keys = [stringAt(p, 'ruleArn'), ...listAt(p, 'rulePriorities').map((r) => stringAt(r, 'ruleArn')), ...stringsAt(p, 'resourceArns'), created === undefined ? undefined : rulesOfKey(created)];
    return [...new Set(keys.filter((k): k is string => k !== undefined))];
  },
  // the listener by the ARN the spec names, or by the one in the rule's own live ARN
  keysOf: (doc, liveArn) => {
    const ref = doc.spec.listener;
    const listeners = ['arn' in ref ? ref.arn : undefined, liveArn === undefined ? undefined : listenerArnOfRule(liveArn)];
    return [...new Set(listeners.filter((l): l is string => l !== undefined).map(rulesOfKey))];
  },
  references,
};
