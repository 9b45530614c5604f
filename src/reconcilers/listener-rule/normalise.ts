// DescribeRules (+ tags) -> LiveRule. The default rule is not a ListenerRule (it is the
// listener's default action) and yields undefined.
// Conditions arrive either as the legacy `Values` list or as a per-field *Config; both are read,
// merged, sorted and de-duplicated, so path sets compare as sets.
import type { Rule, RuleCondition, Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RuleConditions } from '../../spec/types.js';
import { normaliseActions } from '../shared/action-normalise.js';
import { sortedUnique, tagsFromAws } from '../shared/tags-normalise.js';
import type { LiveRule } from '../types.js';

function valuesOf(condition: RuleCondition): string[] {
  const fromConfig =
    condition.PathPatternConfig?.Values ??
    condition.HostHeaderConfig?.Values ??
    condition.HttpRequestMethodConfig?.Values ??
    condition.SourceIpConfig?.Values ??
    [];
  return [...(condition.Values ?? []), ...fromConfig];
}

const FIELD_TO_KEY: Record<string, keyof RuleConditions> = {
  'path-pattern': 'pathPatterns',
  'host-header': 'hostHeaders',
  'http-request-method': 'httpRequestMethods',
  'source-ip': 'sourceIps',
};

/**
 * Conditions of a rule in the spec's shape. Fields the spec cannot express (http-header,
 * query-string, regex values) are returned in `unsupported` as `field=value` strings.
 */
export function normaliseConditions(conditions: readonly RuleCondition[] | undefined): RuleConditions & { unsupported: string[] } {
  const lists: Record<keyof RuleConditions, string[]> = { pathPatterns: [], hostHeaders: [], httpRequestMethods: [], sourceIps: [] };
  const unsupported: string[] = [];
  for (const condition of conditions ?? []) {
    const field = condition.Field ?? '';
    const key = FIELD_TO_KEY[field];
    const regex = [
      ...(condition.RegexValues ?? []),
      ...(condition.PathPatternConfig?.RegexValues ?? []),
      ...(condition.HostHeaderConfig?.RegexValues ?? []),
    ];
    for (const r of regex) unsupported.push(`${field}~${r}`);
    if (key === undefined) {
      if (field === 'http-header') {
        const h = condition.HttpHeaderConfig;
        for (const v of h?.Values ?? []) unsupported.push(`http-header:${h?.HttpHeaderName ?? ''}=${v}`);
      } else if (field === 'query-string') {
        for (const kv of condition.QueryStringConfig?.Values ?? []) unsupported.push(`query-string:${kv.Key ?? ''}=${kv.Value ?? ''}`);
      } else {
        for (const v of condition.Values ?? []) unsupported.push(`${field}=${v}`);
      }
      continue;
    }
    lists[key].push(...valuesOf(condition));
  }
  return {
    pathPatterns: sortedUnique(lists.pathPatterns),
    hostHeaders: sortedUnique(lists.hostHeaders),
    httpRequestMethods: sortedUnique(lists.httpRequestMethods),
    sourceIps: sortedUnique(lists.sourceIps),
    unsupported: sortedUnique(unsupported),
  };
}

export function normaliseRule(rule: Rule, listenerArn: string, tags: Tag[]): LiveRule | undefined {
  if (rule.IsDefault === true || rule.Priority === 'default') return undefined;
  const priority = Number.parseInt(rule.Priority ?? '', 10);
  const { unsupported, ...conditions } = normaliseConditions(rule.Conditions);
  const out: LiveRule = {
    arn: rule.RuleArn ?? '',
    listenerArn,
    priority: Number.isFinite(priority) ? priority : 0,
    conditions,
    action: normaliseActions(rule.Actions),
    tags: tagsFromAws(tags),
  };
  if (unsupported.length > 0) out.unsupportedConditions = unsupported;
  return out;
}
