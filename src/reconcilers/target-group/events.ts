// TargetGroup: the ELBv2 calls that change a target group, named by its ARN in the event.
import { stringAt, stringsAt, type KindEvents } from '../shared/event-hook.js';

const ELB = 'elasticloadbalancing.amazonaws.com';

export const targetGroupEvents: KindEvents<'TargetGroup'> = {
  calls: ['ModifyTargetGroup', 'ModifyTargetGroupAttributes', 'DeleteTargetGroup', 'AddTags', 'RemoveTags'].map((n) => `${ELB}:${n}`),
  touched: (e) => [...new Set([stringAt(e.requestParameters, 'targetGroupArn'), ...stringsAt(e.requestParameters, 'resourceArns')].filter((k): k is string => k !== undefined))],
};
