// Desired health check -> CreateTargetGroup / ModifyTargetGroup parameters (declared fields only).
import type { HealthCheckSpec } from '../../spec/types.js';

export interface HealthCheckParams {
  HealthCheckPath?: string;
  HealthCheckProtocol?: 'HTTP' | 'HTTPS' | 'TCP';
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
