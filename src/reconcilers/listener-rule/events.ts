// ListenerRule: the ELBv2 calls that change a rule (ModifyRule, SetRulePriorities, DeleteRule,
// tags), named by rule ARN. Its plan needs the target group it forwards to and its declared
// listener (the other rules on that listener are read with it; the plan judges priorities
// against the whole desired state).
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

export const listenerRuleEvents: KindEvents<'ListenerRule'> = {
  calls: ['ModifyRule', 'SetRulePriorities', 'DeleteRule', 'AddTags', 'RemoveTags'].map((n) => `${ELB}:${n}`),
  touched: (e) => {
    const p = e.requestParameters;
    const keys = [stringAt(p, 'ruleArn'), ...listAt(p, 'rulePriorities').map((r) => stringAt(r, 'ruleArn')), ...stringsAt(p, 'resourceArns')];
    return [...new Set(keys.filter((k): k is string => k !== undefined))];
  },
  references,
};
