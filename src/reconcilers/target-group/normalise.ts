// DescribeTargetGroups (+ attributes, tags) -> LiveTargetGroup.
// Health-check fields are kept as AWS reports them (AWS fills its defaults); plan compares only
// the fields the desired spec declares. Attributes are kept as read; plan compares only
// declared keys (observe reads attributes only for target groups that declare some).
import type { Tag, TargetGroup, TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { HealthCheckSpec } from '../../spec/types.js';
import { tagsFromAws } from '../shared/tags-normalise.js';
import type { LiveTargetGroup } from '../types.js';

/** What AWS fills in when a health-check field is left out (used only if a reply lacks one). */
export const AWS_HEALTH_CHECK_DEFAULTS = {
  path: '/',
  port: 'traffic-port',
  intervalSeconds: 30,
  timeoutSeconds: 5,
  healthyThreshold: 5,
  unhealthyThreshold: 2,
  matcher: '200',
} as const;

export function normaliseTargetGroup(
  tg: TargetGroup,
  attributes: TargetGroupAttribute[] | undefined,
  tags: Tag[],
): LiveTargetGroup {
  const protocol = tg.Protocol ?? 'HTTP';
  const healthCheck: Required<HealthCheckSpec> = {
    path: tg.HealthCheckPath ?? AWS_HEALTH_CHECK_DEFAULTS.path,
    // HTTP/HTTPS target groups have HTTP/HTTPS health checks; NLB groups also TCP. Other values pass through.
    protocol: (tg.HealthCheckProtocol ?? protocol) as Required<HealthCheckSpec>['protocol'],
    port: tg.HealthCheckPort ?? AWS_HEALTH_CHECK_DEFAULTS.port,
    intervalSeconds: tg.HealthCheckIntervalSeconds ?? AWS_HEALTH_CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: tg.HealthCheckTimeoutSeconds ?? AWS_HEALTH_CHECK_DEFAULTS.timeoutSeconds,
    healthyThreshold: tg.HealthyThresholdCount ?? AWS_HEALTH_CHECK_DEFAULTS.healthyThreshold,
    unhealthyThreshold: tg.UnhealthyThresholdCount ?? AWS_HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
    matcher: tg.Matcher?.HttpCode ?? AWS_HEALTH_CHECK_DEFAULTS.matcher,
  };
  const attrs: Record<string, string> = {};
  for (const a of attributes ?? []) {
    if (a.Key !== undefined) attrs[a.Key] = a.Value ?? '';
  }
  return {
    arn: tg.TargetGroupArn ?? '',
    name: tg.TargetGroupName ?? '',
    vpcId: tg.VpcId ?? '',
    protocol,
    ...(tg.ProtocolVersion === undefined || tg.ProtocolVersion === '' ? {} : { protocolVersion: tg.ProtocolVersion }),
    port: tg.Port ?? 0,
    targetType: tg.TargetType ?? 'instance',
    healthCheck,
    attributes: attrs,
    tags: tagsFromAws(tags),
    loadBalancerArns: [...(tg.LoadBalancerArns ?? [])].sort(),
  };
}
