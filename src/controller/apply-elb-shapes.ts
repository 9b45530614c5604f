// Desired (and live) shapes -> ELBv2 request shapes, shared by the target group, listener and
// listener rule appliers. Conditions are sent in the *Config form AWS documents as current.
import type {
  Action as ElbAction,
  RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Action, HealthCheckSpec, RuleConditions } from '../spec/types.js';
import type { LiveAction } from '../reconcilers/types.js';

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

export function toElbConditions(c: RuleConditions): RuleCondition[] {
  const out: RuleCondition[] = [];
  if (c.pathPatterns.length > 0) out.push({ Field: 'path-pattern', PathPatternConfig: { Values: [...c.pathPatterns] } });
  if (c.hostHeaders.length > 0) out.push({ Field: 'host-header', HostHeaderConfig: { Values: [...c.hostHeaders] } });
  if (c.httpRequestMethods.length > 0) {
    out.push({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: [...c.httpRequestMethods] } });
  }
  if (c.sourceIps.length > 0) out.push({ Field: 'source-ip', SourceIpConfig: { Values: [...c.sourceIps] } });
  return out;
}

export interface HealthCheckParams {
  HealthCheckPath?: string;
  HealthCheckProtocol?: 'HTTP' | 'HTTPS';
  HealthCheckPort?: string;
  HealthCheckIntervalSeconds?: number;
  HealthCheckTimeoutSeconds?: number;
  HealthyThresholdCount?: number;
  UnhealthyThresholdCount?: number;
  Matcher?: { HttpCode: string };
}

/** Only the declared fields: AWS keeps (or defaults) the rest. */
export function healthCheckParams(hc: HealthCheckSpec): HealthCheckParams {
  const p: HealthCheckParams = {};
  if (hc.path !== undefined) p.HealthCheckPath = hc.path;
  if (hc.protocol !== undefined) p.HealthCheckProtocol = hc.protocol;
  if (hc.port !== undefined) p.HealthCheckPort = hc.port;
  if (hc.intervalSeconds !== undefined) p.HealthCheckIntervalSeconds = hc.intervalSeconds;
  if (hc.timeoutSeconds !== undefined) p.HealthCheckTimeoutSeconds = hc.timeoutSeconds;
  if (hc.healthyThreshold !== undefined) p.HealthyThresholdCount = hc.healthyThreshold;
  if (hc.unhealthyThreshold !== undefined) p.UnhealthyThresholdCount = hc.unhealthyThreshold;
  if (hc.matcher !== undefined) p.Matcher = { HttpCode: hc.matcher };
  return p;
}

/** The health-check fields named in `ignore` (`healthCheck.path` ...) are left out of a modify. */
export function withoutIgnored(hc: HealthCheckSpec, ignore: string[]): HealthCheckSpec {
  const out: HealthCheckSpec = { ...hc };
  for (const path of ignore) {
    if (path === 'healthCheck') return {};
    if (path.startsWith('healthCheck.')) delete out[path.slice('healthCheck.'.length) as keyof HealthCheckSpec];
  }
  return out;
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
