// The JSON Schemas of schemas/, read and compiled once per process (module level).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { SPEC_SCHEMA_FILES } from './schema-bundle.js';
import type { JsonSchema } from './schema-bundle.js';

export { EMBEDDED_SCHEMA_FILES, SPEC_SCHEMA_FILES, bundleDocumentSchema, writeBundledDocumentSchema } from './schema-bundle.js';

export const SCHEMA_BASE = 'https://ecs-reconciler.dev/schemas/v1/';

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

export type { JsonSchema } from './schema-bundle.js';

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
