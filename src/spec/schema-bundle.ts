// schemas/document.schema.json and the per-kind files it embeds. No ajv here: this module must
// load while the bundle is stale (a new kind's schema not yet embedded), so that
// `npm run schemas` can rebuild it; schema-registry.ts compiles the bundle at import.
import { readFileSync, writeFileSync } from 'node:fs';
import { KINDS, type Kind } from './types.js';

export type JsonSchema = Record<string, unknown>;

/** Each kind's spec schema: `TargetGroup` -> `target-group.schema.json`. */
export const SPEC_SCHEMA_FILES = Object.fromEntries(
  KINDS.map((k) => [k, `${k.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.schema.json`]),
) as Record<Kind, string>;


// ---------- the bundle ----------
// schemas/document.schema.json is self-contained: it embeds the per-kind schemas (and the shared
// definitions) under $defs, each with its own $id. Editors that resolve `$ref`s against `$id`
// (JSON Schema 2020-12; VS Code's JSON service since 2026) find them inside the file instead of
// fetching https://ecs-reconciler.dev/...; editors that resolve against the file's location find
// the neighbouring files. The per-kind files are the source; the functions below rebuild the bundle.

/** The files embedded in document.schema.json, by the $defs key they get there (the file name without `.schema.json`). */
export const EMBEDDED_SCHEMA_FILES: Record<string, string> = Object.fromEntries(
  ['common.schema.json', ...KINDS.map((k) => SPEC_SCHEMA_FILES[k])].map((file) => [file.replace(/\.schema\.json$/, ''), file]),
);

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
