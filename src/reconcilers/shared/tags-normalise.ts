// Tag lists as the three AWS APIs return them -> one plain record.
// ELBv2 and EC2 spell the members `Key`/`Value`, ECS spells them `key`/`value`.
import type { Tags } from './resource-types.js';

/** ELBv2 / EC2 `{ Key, Value }[]` -> record. Entries without a key are dropped; a missing value is "". */
export function tagsFromAws(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Tags {
  const out: Tags = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined && tag.Key !== '') out[tag.Key] = tag.Value ?? '';
  }
  return out;
}

/** ECS `{ key, value }[]` -> record. */
export function tagsFromEcs(tags: readonly { key?: string | undefined; value?: string | undefined }[] | undefined): Tags {
  const out: Tags = {};
  for (const tag of tags ?? []) {
    if (tag.key !== undefined && tag.key !== '') out[tag.key] = tag.value ?? '';
  }
  return out;
}

/** Sorted, de-duplicated copy of a string list (absent -> empty). */
export function sortedUnique(values: readonly (string | undefined)[] | undefined): string[] {
  const set = new Set<string>();
  for (const v of values ?? []) if (v !== undefined) set.add(v);
  return [...set].sort();
}
