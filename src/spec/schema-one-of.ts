// "exactly one of" (oneOf) failures, explained in the user's terms instead of ajv's branch dump.
import type { ErrorObject } from 'ajv/dist/2020.js';
import { listWords } from './spec-errors.js';
import { suggestionSuffix } from './nearest-name.js';

export type OneOfProblem =
  /** the user clearly meant one alternative: report that alternative's own errors */
  | { kind: 'branch-error'; error: ErrorObject }
  /** a message about the object at `instancePath` (or about `field` in it, when set) */
  | { kind: 'message'; instancePath: string; field?: string; message: string };

interface Branch {
  required: string[];
  allowed: Set<string>;
}

/**
 * Explains one failed oneOf whose branches are told apart by `required` keys
 * (actions: forward | fixedResponse | redirect; sources; listener references).
 * `label` names the object (`spec.action`); `siblings` are the other errors at the same object.
 */
export function oneOfProblems(
  e: ErrorObject,
  branchErrors: readonly ErrorObject[],
  siblings: readonly ErrorObject[],
  label: string,
): OneOfProblem[] {
  if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data)) return [];
  const parent = (e.parentSchema ?? {}) as { properties?: Record<string, unknown> };
  const parentKeys = Object.keys(parent.properties ?? {});
  const branches: Branch[] = (e.schema as { required?: string[]; properties?: Record<string, unknown> }[]).map((b) => ({
    required: b.required ?? [],
    allowed: new Set([...(b.required ?? []), ...Object.keys(b.properties ?? {}), ...parentKeys]),
  }));
  const alternatives = branches.map((b) => b.required.join(' + ')).join(' | ');
  const present = Object.keys(e.data);
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;

  if (Array.isArray(passing) && passing.length > 1) {
    const names = passing.map((i) => branches[i]?.required.join(' + ') ?? '?');
    return [message(e, `${label} has ${listWords(names, 'and')}: give exactly one of ${alternatives}`)];
  }
  // the one alternative the keys point at, with nothing foreign: its own errors explain it
  // (e.g. `{ loadBalancer }` without `port` -> "missing required field 'port'")
  const meant = branches
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => present.every((k) => b.allowed.has(k)) && b.required.some((k) => present.includes(k)));
  if (meant.length === 1) {
    const prefix = `${e.schemaPath}/${meant[0]!.i}/`;
    const own = branchErrors.filter((b) => b.schemaPath.startsWith(prefix));
    if (own.length > 0) return own.map((error) => ({ kind: 'branch-error', error }));
  }
  // keys no alternative knows are typos. The parent's additionalProperties already reports them
  // when it lists the alternatives' keys itself; otherwise report them here.
  const everyKey = new Set(branches.flatMap((b) => [...b.allowed]));
  const unknown = present.filter((k) => !everyKey.has(k));
  const known = present.filter((k) => everyKey.has(k));
  const parentReported = siblings.some((s) => s.keyword === 'additionalProperties');
  const out: OneOfProblem[] = parentReported
    ? []
    : unknown.map((field) => ({
        kind: 'message' as const,
        instancePath: e.instancePath,
        field,
        message: `unknown field '${field}' in ${label}${suggestionSuffix(field, [...everyKey])}`,
      }));
  if (unknown.length > 0 && branches.some((b) => known.every((k) => b.allowed.has(k)))) return out;
  if (known.length === 0) return [...out, message(e, `${label} needs exactly one of ${alternatives}`)];
  return [...out, message(e, `${label} must have exactly one of ${alternatives}; got ${listWords(known, 'and')}`)];
}

function message(e: ErrorObject, text: string): OneOfProblem {
  return { kind: 'message', instancePath: e.instancePath, message: text };
}
