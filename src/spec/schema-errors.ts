// ajv errors -> SpecErrors at the offending node: one clear message per problem, not ajv's cascade.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { SourcePos, SpecError } from './types.js';
import { SPEC_ERROR_CODES as C, describeValue, errorAt, listWords, nearestName, suggestionSuffix } from './spec-errors.js';
import type { SpecErrorCode } from './spec-errors.js';
import { displayPath, keyPosition, valuePosition } from './parse-documents.js';
import type { DataPath, ParsedDocument } from './parse-documents.js';

export interface MapContext {
  pd: ParsedDocument;
  kind: string | undefined;
  kindName: string | undefined;
}

/** Maps ajv's errors for one document to SpecErrors (deduplicated, cascade removed). */
export function mapSchemaErrors(errors: readonly ErrorObject[], ctx: MapContext): SpecError[] {
  const relevant = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames');
  const oneOfs = relevant.filter((e) => e.keyword === 'oneOf');
  const inBranch = (e: ErrorObject): boolean =>
    oneOfs.some((o) => e !== o && e.schemaPath.startsWith(`${o.schemaPath}/`));
  const out: SpecError[] = [];
  const typoFor = typoTargets(relevant);
  for (const e of relevant) {
    if (inBranch(e)) continue;
    // `specs:` instead of `spec:` is one problem: the unknown field says it, not also "missing spec"
    if (e.keyword === 'required' && typoFor.has(`${e.instancePath}\0${String(e.params.missingProperty)}`)) continue;
    if (e.keyword === 'oneOf') {
      const branchErrors = relevant.filter((b) => b.schemaPath.startsWith(`${e.schemaPath}/`));
      const siblings = relevant.filter((s) => s !== e && !inBranch(s) && s.instancePath === e.instancePath);
      const path = toPath(ctx, e.instancePath);
      for (const problem of oneOfProblems(e, branchErrors, siblings, displayPath(path))) {
        if (problem.kind === 'branch-error') out.push(mapOne(problem.error, ctx));
        else if (problem.field !== undefined) out.push(at(ctx, [...path, problem.field], 'key', C.unknownField, problem.message));
        else out.push(at(ctx, path, 'value', C.oneOf, problem.message));
      }
      continue;
    }
    out.push(mapOne(e, ctx));
  }
  return out;
}

/** `path\0field` for every required field that an unknown field at the same place is a typo of. */
function typoTargets(errors: readonly ErrorObject[]): Set<string> {
  const out = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const known = Object.keys(((e.parentSchema ?? {}) as { properties?: object }).properties ?? {});
    const near = nearestName(String(e.params.additionalProperty), known);
    if (near !== undefined) out.add(`${e.instancePath}\0${near}`);
  }
  return out;
}

/** Environment and secret values may be credentials: messages name their type, never the value. */
function isSensitive(path: DataPath): boolean {
  return path.some((segment) => segment === 'environment' || segment === 'secrets');
}

function mapOne(e: ErrorObject, ctx: MapContext): SpecError {
  const path = toPath(ctx, e.instancePath);
  const label = displayPath(path);
  const sensitive = isSensitive(path);
  const got = sensitive ? describeKind(e.data) : describeValue(e.data);
  const p = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  if (e.propertyName !== undefined) {
    // a propertyNames sub-error: the key itself is wrong
    const keyPath = [...path, e.propertyName];
    const rule = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `must match ${String(p.pattern)}`;
    return at(ctx, keyPath, 'key', C.pattern, `key '${e.propertyName}' in ${label} ${rule}`);
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
      return at(ctx, [...path, field], 'key', C.unknownField, `unknown field '${field}' in ${container(ctx, path)}${suggestionSuffix(field, known)}`);
    }
    case 'required':
      return at(ctx, path, 'key', C.required, `missing required field '${String(p.missingProperty)}' in ${container(ctx, path)}`);
    case 'dependentRequired': {
      // e.g. forward.stickiness without forward.targetGroups
      const [field, needed] = [String(p.property), String(p.missingProperty)];
      return at(ctx, [...path, field], 'key', C.required, `${label}.${field} needs ${label}.${needed}: add ${needed}, or remove ${field}`);
    }
    case 'type':
      return at(ctx, path, 'value', C.type, typeMessage(label, String(p.type).split(','), e.data, got, sensitive));
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const near = typeof e.data === 'string' ? suggestionSuffix(e.data, allowed) : '';
      const hint = near.startsWith('; did you mean') ? near : '';
      return at(ctx, path, 'value', C.enum, `${label} must be one of ${allowed.join(', ')}; got ${got}${hint}`);
    }
    case 'const':
      return at(ctx, path, 'value', path[0] === 'apiVersion' ? C.apiVersion : C.enum, `${label} must be ${JSON.stringify(p.allowedValue)}, got ${got}`);
    case 'pattern': {
      const rule = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : `must match ${String(p.pattern)}`;
      return at(ctx, path, 'value', C.pattern, `${label} ${rule}; got ${got}`);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at(ctx, path, 'value', C.range, `${label} ${rangeText(parent)}, got ${String(e.data)}`);
    case 'minLength':
    case 'maxLength':
      return at(ctx, path, 'value', C.length, lengthMessage(label, e.keyword, Number(p.limit), e.data));
    case 'minItems':
    case 'maxItems': {
      const limit = Number(p.limit);
      const count = Array.isArray(e.data) ? e.data.length : 0;
      const text = e.keyword === 'minItems' ? (limit === 1 ? 'must list at least one item' : `must list at least ${limit} items, got ${count}`) : `must list at most ${limit} items, got ${count}`;
      return at(ctx, path, 'value', C.items, `${label} ${text}`);
    }
    case 'minProperties': {
      const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
      const text = known.length > 0 ? `needs at least one of ${listWords(known)}` : 'must not be empty';
      return at(ctx, path, 'value', C.properties, `${label} ${text}`);
    }
    case 'maxProperties':
      return at(ctx, path, 'value', C.properties, `${label} must have at most ${String(p.limit)} entries`);
    default:
      return at(ctx, path, 'value', C.invalid, `${label === '' ? 'document' : label} ${e.message ?? 'is invalid'}`);
  }
}

function at(ctx: MapContext, path: DataPath, target: 'key' | 'value', code: SpecErrorCode, message: string): SpecError {
  const pos: SourcePos = target === 'key' ? (path.length === 0 ? ctx.pd.start : keyPosition(ctx.pd, path)) : valuePosition(ctx.pd, path);
  return errorAt(pos, code, message, ctx.kindName);
}

/** JSON pointer -> data path; numeric segments become numbers where the data is a list. */
export function toPath(ctx: MapContext, pointer: string): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let data: unknown = ctx.pd.value;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(data)) {
      const index = Number(segment);
      out.push(index);
      data = data[index];
    } else {
      out.push(segment);
      data = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

/** How the mapping holding a field is named: `TargetGroup spec`, `metadata`, `spec.healthCheck`. */
function container(ctx: MapContext, path: DataPath): string {
  if (path.length === 0) return 'the document (expected apiVersion, kind, metadata, spec)';
  if (path.length === 1 && path[0] === 'spec') return `${ctx.kind ?? 'the'} spec`;
  return displayPath(path);
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

/** `a string`, `an integer`...: a value's type without its content. */
function describeKind(data: unknown): string {
  if (data === null || data === undefined) return 'nothing';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a mapping';
  if (typeof data === 'number') return Number.isInteger(data) ? 'an integer' : 'a number';
  return `a ${typeof data}`;
}

function typeMessage(label: string, types: string[], data: unknown, got: string, sensitive: boolean): string {
  const wanted = listWords(types.map((t) => TYPE_WORDS[t] ?? t));
  let hint = '';
  if (types.includes('string') && (typeof data === 'number' || typeof data === 'boolean')) hint = sensitive ? '; quote it' : `; quote it: "${String(data)}"`;
  else if (types.includes('integer') && typeof data === 'string' && /^-?\d+$/.test(data.trim())) hint = '; remove the quotes';
  else if (data === null) return `${label} is empty: give ${wanted}`;
  return `${label} must be ${wanted}, got ${got}${hint}`;
}

function rangeText(schema: Record<string, unknown>): string {
  const min = schema.minimum;
  const max = schema.maximum;
  if (typeof min === 'number' && typeof max === 'number') return `must be between ${min} and ${max}`;
  if (typeof min === 'number') return `must be at least ${min}`;
  if (typeof max === 'number') return `must be at most ${max}`;
  return 'is out of range';
}

function lengthMessage(label: string, keyword: string, limit: number, data: unknown): string {
  const length = typeof data === 'string' ? data.length : 0;
  if (keyword === 'minLength') return limit === 1 ? `${label} must not be empty` : `${label} must be at least ${limit} characters, got ${length}`;
  return `${label} must be at most ${limit} characters, got ${length}`;
}

// ---------- exactly one of ----------
// "exactly one of" (oneOf) failures, explained in the user's terms instead of ajv's branch dump.

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
