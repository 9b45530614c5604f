// Field-by-field comparison helpers shared by the per-kind plan functions. Pure.
// A FieldDiff names a spec path (`healthCheck.path`, `taskDefinition.containers[web].image`);
// `undefined` on one side means "absent".
import { canonicalJson } from '../../spec/spec-hash.js';
import type { FieldDiff } from './resource-types.js';

/** Deep equality of plain JSON-like values (object key order and undefined members do not matter). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** Appends a diff when the two values differ. */
export function diffField(out: FieldDiff[], path: string, live: unknown, desired: unknown): void {
  if (!valuesEqual(live, desired)) out.push({ path, live, desired });
}

/**
 * Compares only the members the desired object declares (value not undefined): AWS fills in
 * the rest and those are not ours to correct. Paths are `${prefix}.${key}`.
 */
export function diffDeclared(
  out: FieldDiff[],
  prefix: string,
  live: Readonly<Record<string, unknown>> | undefined,
  desired: Readonly<Record<string, unknown>>,
): void {
  for (const key of Object.keys(desired).sort()) {
    const want = desired[key];
    if (want === undefined) continue;
    diffField(out, prefix === '' ? key : `${prefix}.${key}`, live?.[key], want);
  }
}

/** Compares two string lists as sets (each sorted for display). */
export function diffSet(out: FieldDiff[], path: string, live: readonly string[], desired: readonly string[]): void {
  const l = [...new Set(live)].sort();
  const d = [...new Set(desired)].sort();
  diffField(out, path, l, d);
}

function stripIndexes(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '');
}

function coveredBy(path: string, pattern: string): boolean {
  return path === pattern || path.startsWith(`${pattern}.`) || path.startsWith(`${pattern}[`);
}

/**
 * Whether `metadata.ignore` covers a diff path. An ignore entry covers its own path and
 * everything below it. Entries may name list items (`taskDefinition.containers[web].image`) or
 * all items at once (`taskDefinition.containers.image` or `taskDefinition.containers[*].image`).
 */
export function isIgnored(path: string, ignore: readonly string[]): boolean {
  for (const raw of ignore) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    if (coveredBy(path, pattern)) return true;
    const wildcard = stripIndexes(pattern);
    if (pattern.includes('[*]') || wildcard === pattern) {
      if (coveredBy(stripIndexes(path), wildcard)) return true;
    }
  }
  return false;
}

/** The diffs that `metadata.ignore` does not cover. */
export function withoutIgnored(diffs: readonly FieldDiff[], ignore: readonly string[]): FieldDiff[] {
  return ignore.length === 0 ? [...diffs] : diffs.filter((d) => !isIgnored(d.path, ignore));
}
