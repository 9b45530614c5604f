// Desired rule conditions -> ELBv2 RuleCondition[], in the *Config form AWS documents as current.
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RuleConditions } from '../../spec/types.js';

export function toElbConditions(c: RuleConditions): RuleCondition[] {
  const out: RuleCondition[] = [];
  if (c.pathPatterns.length > 0) out.push({ Field: 'path-pattern', PathPatternConfig: { Values: [...c.pathPatterns] } });
  if (c.hostHeaders.length > 0) out.push({ Field: 'host-header', HostHeaderConfig: { Values: [...c.hostHeaders] } });
  if (c.httpRequestMethods.length > 0) {
    out.push({ Field: 'http-request-method', HttpRequestMethodConfig: { Values: [...c.httpRequestMethods] } });
  }
  if (c.sourceIps.length > 0) out.push({ Field: 'source-ip', SourceIpConfig: { Values: [...c.sourceIps] } });
  for (const h of c.httpHeaders ?? []) out.push({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: h.name, Values: [...h.values] } });
  if (c.queryStrings !== undefined && c.queryStrings.length > 0) {
    out.push({
      Field: 'query-string',
      QueryStringConfig: { Values: c.queryStrings.map((q) => (q.key === undefined ? { Value: q.value } : { Key: q.key, Value: q.value })) },
    });
  }
  return out;
}
