// The entry point of the spec layer: a directory (or one file) of YAML -> a normalised,
// validated DesiredState, or every error found. Never a partial state.
import type { DesiredResource, DesiredState, Kind, LoadResult, SpecError } from './types.js';
import { DESIRED_KEYS, emptyDesiredState, KINDS } from './types.js';
import { specHash } from './spec-hash.js';
import type { RawMetadata, ValidDoc } from './raw-types.js';
import { listSpecFiles, readSpecFile } from './read-spec-files.js';
import type { SpecFileRef } from './read-spec-files.js';
import { MAX_ALIAS_COUNT, parseSpecText } from './parse-documents.js';
import { substituteDocument } from './substitute-variables.js';
import type { Substitution } from './substitute-variables.js';
import type { ParsedDocument } from './parse-documents.js';
import { validateDocument } from './schema-registry.js';
import { mapSchemaErrors } from './schema-errors.js';
import { runCrossChecks } from './cross-checks.js';
import type { IdentifiedDoc } from './check-error.js';
import { SPEC_ERROR_CODES as C, dedupeErrors, fileError, sortErrors, targetError } from './spec-errors.js';
import { normaliseListener, normaliseListenerRule, normaliseSecurityGroupIngress, normaliseTargetGroup } from './normalise-resources.js';
import { normaliseService } from './normalise-service.js';
import { lookupSitesOf } from './lookup-sites.js';
import { normaliseScalableTarget } from './normalise-scalable-target.js';
import type { LoadOptions } from './load-options.js';

/** Files read at the same time. */
const READ_CONCURRENCY = 16;

/**
 * Loads every *.yaml / *.yml under `dir` (recursively; or `dir` itself when it is a file).
 * Errors name files relative to `dir` and are sorted by file, line, column.
 */
export async function loadDesiredState(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const listed = await listSpecFiles(dir);
  if (!listed.ok) return { ok: false, errors: listed.errors };
  if (listed.files.length === 0) {
    return { ok: false, errors: [targetError(dir, C.noResources, `no resources found in ${dir}: add *.yaml files holding apiVersion: ecs-reconciler/v1 documents`)] };
  }
  const errors: SpecError[] = [];
  const docs: ParsedDocument[] = [];
  for (const parsed of await readAll(listed.files)) {
    errors.push(...parsed.errors);
    docs.push(...parsed.docs);
  }
  const substitutions: Substitution[] = [];
  const variableErrors: SpecError[] = [];
  for (const pd of docs) {
    const sub = substituteDocument(pd, options);
    const kindName = identify(pd.value)?.id;
    variableErrors.push(...(kindName === undefined ? sub.errors : sub.errors.map((e) => ({ ...e, kindName }))));
    substitutions.push(...sub.substitutions);
    if (sub.changed) pd.value = pd.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  }
  const result = fromDocuments(docs, listed.files.map((f) => f.rel), [...errors, ...variableErrors]);
  if (!result.ok) {
    // a value left unsubstituted fails its schema too: the variable's error alone says why
    const at = new Set(variableErrors.map((e) => `${e.file}:${e.line}:${e.col}`));
    return { ok: false, errors: result.errors.filter((e) => variableErrors.includes(e) || !at.has(`${e.file}:${e.line}:${e.col}`)) };
  }
  return substitutions.length > 0 ? { ...result, substitutions } : result;
}

async function readAll(files: readonly SpecFileRef[]): Promise<{ docs: ParsedDocument[]; errors: SpecError[] }[]> {
  const results = new Array<{ docs: ParsedDocument[]; errors: SpecError[] }>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      const read = await readSpecFile(file);
      results[i] = read.ok ? parseSpecText(file.rel, read.text) : { docs: [], errors: [read.error] };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return results;
}

/** Validates parsed documents and builds the state (exported for tests and other sources). */
export function fromDocuments(docs: readonly ParsedDocument[], files: readonly string[], earlier: readonly SpecError[] = []): LoadResult {
  const errors: SpecError[] = [...earlier];
  const valid: ValidDoc[] = [];
  const identified: IdentifiedDoc[] = [];
  for (const pd of docs) {
    const identity = identify(pd.value);
    if (identity !== undefined) identified.push({ ...identity, pd });
    if (validateDocument(pd.value)) {
      const value = pd.value as { kind: Kind; metadata: RawMetadata; spec: unknown };
      valid.push({ kind: value.kind, name: value.metadata.name, id: `${value.kind}/${value.metadata.name}`, metadata: value.metadata, spec: value.spec, pd } as ValidDoc);
    } else {
      errors.push(...mapSchemaErrors(validateDocument.errors ?? [], { pd, kind: identity?.kind ?? kindOf(pd.value), kindName: identity?.id }));
    }
  }
  errors.push(...runCrossChecks(valid, identified));
  if (errors.length > 0) return { ok: false, errors: sortErrors(dedupeErrors(errors)) };
  if (valid.length === 0) {
    return { ok: false, errors: [fileError(files[0] ?? '.', C.noResources, 'no resources found: add documents with apiVersion: ecs-reconciler/v1')] };
  }
  return { ok: true, state: buildState(valid, files) };
}

function kindOf(value: unknown): string | undefined {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && (KINDS as readonly string[]).includes(kind) ? kind : undefined;
}

function identify(value: unknown): { kind: Kind; name: string; id: string } | undefined {
  const kind = kindOf(value) as Kind | undefined;
  const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
  if (kind === undefined || typeof name !== 'string' || name === '') return undefined;
  return { kind, name, id: `${kind}/${name}` };
}

function normaliseSpec(doc: ValidDoc): DesiredResource['spec'] {
  switch (doc.kind) {
    case 'TargetGroup':
      return normaliseTargetGroup(doc.spec);
    case 'Listener':
      return normaliseListener(doc.spec);
    case 'ListenerRule':
      return normaliseListenerRule(doc.spec);
    case 'SecurityGroupIngress':
      return normaliseSecurityGroupIngress(doc.spec);
    case 'Service':
      return normaliseService(doc.spec);
    case 'ScalableTarget':
      return normaliseScalableTarget(doc.spec);
  }
}

export function toResource(doc: ValidDoc): DesiredResource {
  const spec = normaliseSpec(doc);
  const lookups = lookupSitesOf(doc);
  return {
    kind: doc.kind,
    name: doc.name,
    id: doc.id,
    policy: doc.metadata.policy ?? 'enforce',
    ignore: [...new Set(doc.metadata.ignore ?? [])],
    ...(doc.metadata.allowReplace === true ? { allowReplace: true } : {}),
    source: doc.pd.start,
    // a lookup's placeholder says where it goes, not what it asks for: the hash covers both
    specHash: specHash(lookups.length === 0 ? spec : { spec, lookups: lookups.map((l) => ({ site: l.site, filter: l.filter })) }),
    ...(lookups.length === 0 ? {} : { lookups }),
    spec,
  } as DesiredResource;
}

function buildState(valid: readonly ValidDoc[], files: readonly string[]): DesiredState {
  const state = emptyDesiredState(files);
  const byName = [...valid].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const doc of byName) {
    const resource = toResource(doc);
    (state[DESIRED_KEYS[resource.kind]] as DesiredResource[]).push(resource);
  }
  return state;
}

// ---------- summary ----------

export interface StateSummary {
  total: number;
  /** every kind, in KINDS order, with its count (0 included) */
  byKind: Record<Kind, number>;
}

export function summariseState(state: DesiredState): StateSummary {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, state[DESIRED_KEYS[k]].length])) as Record<Kind, number>;
  return { total: KINDS.reduce((sum, k) => sum + byKind[k], 0), byKind };
}

/** `12 resources valid: 3 TargetGroup, 2 Listener, ...` (kinds with none left out). */
export function formatSummary(summary: StateSummary, verb = 'valid'): string {
  const parts = KINDS.filter((k) => summary.byKind[k] > 0).map((k) => `${summary.byKind[k]} ${k}`);
  const noun = summary.total === 1 ? 'resource' : 'resources';
  return `${summary.total} ${noun} ${verb}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
