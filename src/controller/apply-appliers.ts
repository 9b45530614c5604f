// The appliers the orchestration calls, as one replaceable set: the real ones write to AWS;
// unit tests of ordering, dependency skipping and the prune guard pass fakes.
import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancer as EcsLoadBalancer } from '@aws-sdk/client-ecs';
import { applyListenerChange, moveListenerDefaultAction } from '../reconcilers/listener-apply.js';
import { applyListenerRuleChange, moveRuleAction, type RuleApplyOptions } from '../reconcilers/listener-rule-apply.js';
import { applySecurityGroupIngressChange } from '../reconcilers/security-group-ingress-apply.js';
import { applyServiceChange, moveServiceLoadBalancers } from '../reconcilers/service-apply.js';
import { applyTargetGroupChange, deleteTargetGroup } from '../reconcilers/target-group-apply.js';
import type { ChangeOf } from '../reconcilers/types.js';
import type { ApplyContext } from './apply-context.js';
import { applyRulePriorities, type ListenerPriorityWork } from './apply-rule-priorities.js';

type Owner = { id: string; name: string };

export interface Appliers {
  targetGroup(change: ChangeOf<'TargetGroup'>, ctx: ApplyContext): Promise<void>;
  /** delete one target group by ARN (pruned, or the old one of a replace) */
  deleteTargetGroup(change: ChangeOf<'TargetGroup'>, ctx: ApplyContext, arn: string): Promise<void>;
  listener(change: ChangeOf<'Listener'>, ctx: ApplyContext): Promise<void>;
  listenerRule(change: ChangeOf<'ListenerRule'>, ctx: ApplyContext, opts: RuleApplyOptions): Promise<void>;
  rulePriorities(work: ListenerPriorityWork, ctx: ApplyContext): Promise<void>;
  securityGroupIngress(change: ChangeOf<'SecurityGroupIngress'>, ctx: ApplyContext): Promise<void>;
  service(change: ChangeOf<'Service'>, ctx: ApplyContext): Promise<void>;
  moveListener(owner: Owner, ctx: ApplyContext, listenerArn: string, action: ElbAction): Promise<void>;
  moveRule(owner: Owner, ctx: ApplyContext, ruleArn: string, action: ElbAction): Promise<void>;
  moveService(
    owner: Owner,
    ctx: ApplyContext,
    service: { arn: string; clusterName: string; name: string },
    lbs: EcsLoadBalancer[],
  ): Promise<void>;
}

export const awsAppliers: Appliers = {
  targetGroup: applyTargetGroupChange,
  deleteTargetGroup,
  listener: applyListenerChange,
  listenerRule: applyListenerRuleChange,
  rulePriorities: applyRulePriorities,
  securityGroupIngress: applySecurityGroupIngressChange,
  service: applyServiceChange,
  moveListener: moveListenerDefaultAction,
  moveRule: moveRuleAction,
  moveService: moveServiceLoadBalancers,
};
