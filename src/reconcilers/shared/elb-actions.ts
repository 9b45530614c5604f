// Desired (and live) actions -> ELBv2 request shapes, shared by the listener and listener rule
// appliers and the moves of a target group replace.
import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Action, TargetGroupRef } from '../../spec/types.js';
import type { LiveAction } from './resource-types.js';

/**
 * A ForwardConfig. Stickiness is always sent (disabled when not given): ModifyRule replaces the
 * action whole, and saying it keeps the request independent of what AWS defaults to.
 */
function weightedForward(targetGroups: { TargetGroupArn: string; Weight: number }[], stickiness: { durationSeconds: number } | undefined): ElbAction {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: targetGroups,
      TargetGroupStickinessConfig: stickiness === undefined ? { Enabled: false } : { Enabled: true, DurationSeconds: stickiness.durationSeconds },
    },
  };
}

/** `resolveTargetGroup(name)` returns the ARN of a declared target group (or throws). */
export function toElbAction(action: Action, resolveTargetGroup: (name: string) => string): ElbAction {
  switch (action.type) {
    case 'forward': {
      const arnOf = (ref: TargetGroupRef): string => ('arn' in ref ? ref.arn : resolveTargetGroup(ref.name));
      if ('targetGroup' in action) return { Type: 'forward', TargetGroupArn: arnOf(action.targetGroup) };
      return weightedForward(
        action.targetGroups.map((g) => ({ TargetGroupArn: arnOf(g.targetGroup), Weight: g.weight })),
        action.stickiness,
      );
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
    return weightedForward(action.weighted.map((w) => ({ TargetGroupArn: swap(w.targetGroupArn), Weight: w.weight })), action.stickiness);
  }
  if (action.stickiness !== undefined) return weightedForward([{ TargetGroupArn: swap(action.targetGroupArn), Weight: 1 }], action.stickiness);
  return { Type: 'forward', TargetGroupArn: swap(action.targetGroupArn) };
}

/** Target group ARNs an ELBv2 action forwards to (single ARN or ForwardConfig). */
export function elbActionTargets(action: ElbAction): string[] {
  const arns = new Set<string>();
  if (action.TargetGroupArn !== undefined) arns.add(action.TargetGroupArn);
  for (const tg of action.ForwardConfig?.TargetGroups ?? []) if (tg.TargetGroupArn !== undefined) arns.add(tg.TargetGroupArn);
  return [...arns];
}

/** A live forward whose target groups now resolve to other ARNs (one of them was replaced). */
export function forwardMoved(live: LiveAction, desired: ElbAction): boolean {
  if (live.type !== 'forward' || desired.Type !== 'forward') return false;
  const have = [...new Set([live.targetGroupArn, ...(live.weighted ?? []).map((w) => w.targetGroupArn)])].sort();
  const want = elbActionTargets(desired).sort();
  return have.join(' ') !== want.join(' ');
}
