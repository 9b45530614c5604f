// schemas/document.schema.json is self-contained: it embeds the per-kind schemas (and the shared
// definitions) under $defs, each with its own $id. Editors that resolve `$ref`s against `$id`
// (JSON Schema 2020-12; VS Code's JSON service since 2026) find them inside the file instead of
// fetching https://ecs-reconciler.dev/...; editors that resolve against the file's location find
// the neighbouring files. The per-kind files are the source; this module rebuilds the bundle.
import { readFileSync, writeFileSync } from 'node:fs';

export type JsonSchema = Record<string, unknown>;

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
