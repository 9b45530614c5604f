// The `lookup:<site>` placeholders a loaded spec holds where a lookup's ids go (issue 16), and
// their replacement by the ids resolved this cycle: shared by the kinds' withLookups hooks.
import { LOOKUP_PLACEHOLDER } from '../../spec/types.js';

export function isLookupPlaceholder(value: string): boolean {
  return value.startsWith(LOOKUP_PLACEHOLDER);
}

/** One id: the placeholder's first resolved id (a lookup that must match one matched one). */
export function resolvedId(value: string, idsOf: (site: string) => readonly string[]): string {
  return isLookupPlaceholder(value) ? (idsOf(value.slice(LOOKUP_PLACEHOLDER.length))[0] ?? value) : value;
}

/** A list with every placeholder replaced by its ids; sorted and without repeats, as the loader normalises it. */
export function resolvedIds(values: readonly string[], idsOf: (site: string) => readonly string[]): string[] {
  const out = values.flatMap((v) => (isLookupPlaceholder(v) ? [...idsOf(v.slice(LOOKUP_PLACEHOLDER.length))] : [v]));
  return [...new Set(out)].sort();
}
