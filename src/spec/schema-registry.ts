// The JSON Schemas of schemas/, read and compiled once per process (module level).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { KINDS, type Kind } from './types.js';

export const SCHEMA_BASE = 'https://ecs-reconciler.dev/schemas/v1/';

/** Each kind's spec schema: `TargetGroup` -> `target-group.schema.json`. */
export const SPEC_SCHEMA_FILES = Object.fromEntries(
  KINDS.map((k) => [k, `${k.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.schema.json`]),
) as Record<Kind, string>;

const FILES = ['common.schema.json', 'document.schema.json', ...Object.values(SPEC_SCHEMA_FILES)];

/**
 * schemas/ sits two levels above this module in src/spec and dist/spec; from any other build
 * location (a bench or test output directory) the nearest ancestor holding schemas/ is used.
 */
export const SCHEMAS_DIR = findSchemasDir();

function findSchemasDir(): string {
  const first = fileURLToPath(new URL('../../schemas/', import.meta.url));
  if (existsSync(`${first}document.schema.json`)) return first;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dirname(dir) !== dir) {
    dir = dirname(dir);
    if (existsSync(join(dir, 'schemas', 'document.schema.json'))) return `${join(dir, 'schemas')}/`;
  }
  return first;
}

export type JsonSchema = Record<string, unknown>;

function readSchemas(): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const name of FILES) {
    out.set(name, JSON.parse(readFileSync(`${SCHEMAS_DIR}${name}`, 'utf8')) as JsonSchema);
  }
  return out;
}

const schemas = readSchemas();

// optimize: false halves compile time (most of a CLI run) for no measurable validation cost
const ajv = new Ajv2020({
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  code: { optimize: false },
});
// editor-only annotation (VS Code / yaml-language-server): the message for a failed pattern
ajv.addKeyword('patternErrorMessage');
// document.schema.json embeds the other files (see the bundle below): compiling it registers
// every $id once; adding the separate files too would register their $ids twice
ajv.addSchema(schemas.get('document.schema.json')!);

function compiled(name: string): ValidateFunction {
  const fn = ajv.getSchema(`${SCHEMA_BASE}${name}`);
  if (fn === undefined) throw new Error(`schema ${name} failed to compile`);
  return fn as ValidateFunction;
}

/** Validates a whole document: envelope + the spec schema picked by `kind`. */
export const validateDocument: ValidateFunction = compiled('document.schema.json');

/** The raw JSON of a schema file (for walking field paths). */
export function schemaFile(name: string): JsonSchema {
  const schema = schemas.get(name);
  if (schema === undefined) throw new Error(`unknown schema file ${name}`);
  return schema;
}

/**
 * Follows `$ref`s: `#/$defs/x` inside `file`, or `other.schema.json#/$defs/x`.
 * Returns the schema reached and the file it lives in.
 */
export function derefSchema(schema: JsonSchema, file: string): { schema: JsonSchema; file: string } {
  let current = schema;
  let currentFile = file;
  for (let guard = 0; typeof current.$ref === 'string' && guard < 20; guard++) {
    const [target, pointer = ''] = current.$ref.split('#');
    if (target !== undefined && target !== '') currentFile = target;
    let next: unknown = schemaFile(currentFile);
    for (const part of pointer.split('/').filter((p) => p !== '')) {
      next = (next as Record<string, unknown>)[part];
    }
    current = next as JsonSchema;
  }
  return { schema: current, file: currentFile };
}

// ---------- the bundle ----------
// schemas/document.schema.json is self-contained: it embeds the per-kind schemas (and the shared
// definitions) under $defs, each with its own $id. Editors that resolve `$ref`s against `$id`
// (JSON Schema 2020-12; VS Code's JSON service since 2026) find them inside the file instead of
// fetching https://ecs-reconciler.dev/...; editors that resolve against the file's location find
// the neighbouring files. The per-kind files are the source; the functions below rebuild the bundle.

/** The files embedded in document.schema.json, by the $defs key they get there. */
export const EMBEDDED_SCHEMA_FILES: Record<string, string> = {
  common: 'common.schema.json',
  'target-group': 'target-group.schema.json',
  listener: 'listener.schema.json',
  'listener-rule': 'listener-rule.schema.json',
  'security-group-ingress': 'security-group-ingress.schema.json',
  service: 'service.schema.json',
};

/** The document schema with fresh copies of the per-kind schemas in its $defs. */
export function bundleDocumentSchema(document: JsonSchema, read: (file: string) => JsonSchema): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  for (const [key, file] of Object.entries(EMBEDDED_SCHEMA_FILES)) {
    // $schema belongs to the root; an embedded resource keeps its $id and everything else
    const { $schema: _dialect, ...embedded } = read(file);
    defs[key] = embedded;
  }
  return { ...document, $defs: defs };
}

/** Rewrites schemas/document.schema.json from the per-kind files; returns true when it changed. */
export function writeBundledDocumentSchema(schemasDir: string): boolean {
  const read = (file: string): JsonSchema => JSON.parse(readFileSync(`${schemasDir}${file}`, 'utf8')) as JsonSchema;
  const path = `${schemasDir}document.schema.json`;
  const before = readFileSync(path, 'utf8');
  const after = `${JSON.stringify(bundleDocumentSchema(read('document.schema.json'), read), null, 2)}\n`;
  if (after === before) return false;
  writeFileSync(path, after);
  return true;
}
