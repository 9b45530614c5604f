// Listener: the ELBv2 calls that change a listener (its default action, certificate, policy),
// named by its ARN in the event; its plan needs the target group its default action forwards to.
import { forwardGroups } from '../shared/forward-names.js';
import { stringAt, stringsAt, targetGroupIdsOf, type KindEvents } from '../shared/event-hook.js';

const ELB = 'elasticloadbalancing.amazonaws.com';

export const listenerEvents: KindEvents<'Listener'> = {
  calls: ['ModifyListener', 'DeleteListener', 'AddTags', 'RemoveTags'].map((n) => `${ELB}:${n}`),
  touched: (e) => [...new Set([stringAt(e.requestParameters, 'listenerArn'), ...stringsAt(e.requestParameters, 'resourceArns')].filter((k): k is string => k !== undefined))],
  references: (doc) => targetGroupIdsOf(...(doc.spec.defaultAction.type === 'forward' ? forwardGroups(doc.spec.defaultAction).map((g) => g.targetGroup) : [])),
};
