// DescribeRules (+ tags) -> LiveRule. The default rule is not a ListenerRule (it is the
// listener's default action) and yields undefined.
// Conditions arrive either as the legacy `Values` list or as a per-field *Config; both are read,
// merged, sorted and de-duplicated, so path sets compare as sets.
import type { Rule, RuleCondition, Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { HttpHeaderCondition, QueryStringPair, RuleConditions } from '../../spec/types.js';
import { optionalConditions } from '../../spec/rule-conditions.js';
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

type ListKey = 'pathPatterns' | 'hostHeaders' | 'httpRequestMethods' | 'sourceIps';

const FIELD_TO_KEY: Record<string, ListKey> = {
  'path-pattern': 'pathPatterns',
  'host-header': 'hostHeaders',
  'http-request-method': 'httpRequestMethods',
  'source-ip': 'sourceIps',
};

/**
 * Conditions of a rule in the spec's shape: http-header conditions one per header condition,
 * the pairs of every query-string condition in one list. What the spec cannot express (regex
 * values, unknown fields) is returned in `unsupported` as `field=value` strings.
 */
export function normaliseConditions(conditions: readonly RuleCondition[] | undefined): RuleConditions & { unsupported: string[] } {
  const lists: Record<ListKey, string[]> = { pathPatterns: [], hostHeaders: [], httpRequestMethods: [], sourceIps: [] };
  const headers: HttpHeaderCondition[] = [];
  const pairs: QueryStringPair[] = [];
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
        headers.push({ name: h?.HttpHeaderName ?? '', values: [...(h?.Values ?? [])] });
      } else if (field === 'query-string') {
        for (const kv of condition.QueryStringConfig?.Values ?? []) {
          pairs.push(kv.Key === undefined || kv.Key === '' ? { value: kv.Value ?? '' } : { key: kv.Key, value: kv.Value ?? '' });
        }
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
    ...optionalConditions({ httpHeaders: headers, queryStrings: pairs }),
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
