// Desired (and live) actions -> ELBv2 request shapes, shared by the listener and listener rule
// appliers and the moves of a target group replace.
import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Action } from '../../spec/types.js';
import type { LiveAction } from './resource-types.js';

/** `resolveTargetGroup(name)` returns the ARN of a declared target group (or throws). */
export function toElbAction(action: Action, resolveTargetGroup: (name: string) => string): ElbAction {
  switch (action.type) {
    case 'forward': {
      const ref = action.targetGroup;
      return { Type: 'forward', TargetGroupArn: 'arn' in ref ? ref.arn : resolveTargetGroup(ref.name) };
    }
    case 'fixed-response':
      return {
        Type: 'fixed-response',
        FixedResponseConfig: {
          StatusCode: action.statusCode,
          ...(action.contentType === undefined ? {} : { ContentType: action.contentType }),
          ...(action.messageBody === undefined ? {} : { MessageBody: action.messageBody }),
        },
      };
    case 'redirect':
      return {
        Type: 'redirect',
        RedirectConfig: {
          StatusCode: action.statusCode,
          ...(action.protocol === undefined ? {} : { Protocol: action.protocol }),
          ...(action.host === undefined ? {} : { Host: action.host }),
          ...(action.port === undefined ? {} : { Port: action.port }),
          ...(action.path === undefined ? {} : { Path: action.path }),
          ...(action.query === undefined ? {} : { Query: action.query }),
        },
      };
  }
}

/**
 * A live action re-sent with one target group ARN swapped for another (moving a rule, listener
 * default action onto a replacement target group). Actions with preceding steps (authenticate-*)
 * cannot be rebuilt from the live shape: those throw.
 */
export function liveActionWithSwap(action: LiveAction, fromArn: string, toArn: string): ElbAction {
  if (action.preceding !== undefined && action.preceding.length > 0) {
    throw new Error(`the action runs ${action.preceding.join(', ')} first, which ecs-reconciler cannot rewrite`);
  }
  if (action.type !== 'forward') {
    return toElbAction(action, () => fromArn);
  }
  const swap = (arn: string): string => (arn === fromArn ? toArn : arn);
  if (action.weighted !== undefined && action.weighted.length > 1) {
    return {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: action.weighted.map((w) => ({ TargetGroupArn: swap(w.targetGroupArn), Weight: w.weight })),
      },
    };
  }
  return { Type: 'forward', TargetGroupArn: swap(action.targetGroupArn) };
}

/** Target group ARNs an ELBv2 action forwards to (single ARN or ForwardConfig). */
export function elbActionTargets(action: ElbAction): string[] {
  const arns = new Set<string>();
  if (action.TargetGroupArn !== undefined) arns.add(action.TargetGroupArn);
  for (const tg of action.ForwardConfig?.TargetGroups ?? []) if (tg.TargetGroupArn !== undefined) arns.add(tg.TargetGroupArn);
  return [...arns];
}

/** A live single-target forward whose target group now resolves to another ARN (replaced). */
export function forwardMoved(live: LiveAction, desired: ElbAction): boolean {
  if (live.type !== 'forward' || desired.Type !== 'forward' || desired.TargetGroupArn === undefined) return false;
  if (live.weighted !== undefined && live.weighted.length > 1) return false;
  return live.targetGroupArn !== desired.TargetGroupArn;
}
