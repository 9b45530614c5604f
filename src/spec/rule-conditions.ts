// http-header and query-string rule conditions in their one normalised shape, shared by the
// loader (desired) and the listener rule normaliser (live): sorted, de-duplicated, and left out
// when there are none (so a rule without them keeps the spec hash it had before they existed).
import type { HttpHeaderCondition, QueryStringPair, RuleConditions } from './types.js';

/** http-header and query-string conditions, sorted; left out when there are none. */
export function optionalConditions(c: {
  httpHeaders?: readonly HttpHeaderCondition[] | undefined;
  queryStrings?: readonly QueryStringPair[] | undefined;
}): Pick<RuleConditions, 'httpHeaders' | 'queryStrings'> {
  const headers = (c.httpHeaders ?? [])
    .map((h) => ({ name: h.name, values: [...new Set(h.values)].sort() }))
    .sort((a, b) => headerKey(a).localeCompare(headerKey(b)));
  const seen = new Set<string>();
  const pairs = (c.queryStrings ?? [])
    .map((q) => (q.key === undefined || q.key === '' ? { value: q.value } : { key: q.key, value: q.value }))
    .filter((q) => {
      const k = queryKey(q);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => queryKey(a).localeCompare(queryKey(b)));
  return { ...(headers.length > 0 ? { httpHeaders: headers } : {}), ...(pairs.length > 0 ? { queryStrings: pairs } : {}) };
}

/** `X-Canary: always,beta` */
export function headerKey(h: HttpHeaderCondition): string {
  return `${h.name}: ${h.values.join(',')}`;
}

/** `version=beta`, or `=beta` for a value without a key */
export function queryKey(q: QueryStringPair): string {
  return `${q.key ?? ''}=${q.value}`;
}
