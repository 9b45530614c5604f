// The README's field reference, generated from schemas/ (the contract) the way the configuration
// table is generated from run-config.ts: one table for `metadata` and one per kind, a row per
// field path (`healthCheck.path`, `containers[].name`, `attributes.<key>`), with its type,
// whether it is required, its constraints and its description. test/spec/readme-fields.test.ts
// keeps the README equal to it, so a field added to a schema and not documented fails a test.
// No ajv here (like schema-bundle.ts): plain JSON walking.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_SCHEMA_FILES, type JsonSchema } from './schema-bundle.js';
import { KINDS } from './types.js';

interface FieldRow {
  path: string;
  type: string;
  /** `yes`, `-`, or `yes, in that form` for a field of one of several shapes (oneOf) */
  required: string;
  constraints: string;
  description: string;
}

type Read = (file: string) => JsonSchema;

/** Follow `common.schema.json#/$defs/x` or `#/$defs/x` (relative to the file holding it). */
function resolveRef(schema: JsonSchema, file: string, read: Read): { schema: JsonSchema; file: string } {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return { schema, file };
  const [target = '', pointer = ''] = ref.split('#');
  const targetFile = target === '' ? file : target;
  let node: unknown = read(targetFile);
  for (const part of pointer.split('/').filter((p) => p !== '')) node = (node as Record<string, unknown>)[part];
  // the referring schema's own keywords (e.g. a description) win over the definition's
  const { $ref: _ref, ...own } = schema;
  return resolveRef({ ...(node as JsonSchema), ...own }, targetFile, read);
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' \\| ');
  const t = s.type;
  const base = Array.isArray(t) ? t.join(' or ') : typeof t === 'string' ? t : Array.isArray(s.oneOf) ? 'object' : 'any';
  if (base === 'object' && s.properties === undefined && typeof s.additionalProperties === 'object') {
    return `map of ${typeOf(s.additionalProperties as JsonSchema)}`;
  }
  if (base === 'array' && typeof s.items === 'object') {
    const item = s.items as JsonSchema;
    return item.properties === undefined ? `list of ${typeOf(item)}` : 'list of objects';
  }
  return base;
}

function constraintsOf(s: JsonSchema): string {
  const parts: string[] = [];
  const range = (min: unknown, max: unknown, unit: string): void => {
    const units = (n: unknown): string => (n === 1 ? unit.replace(/s$/, '') : unit);
    if (min !== undefined && max !== undefined) parts.push(`${String(min)}..${String(max)}${unit}`);
    else if (min !== undefined) parts.push(`at least ${String(min)}${units(min)}`);
    else if (max !== undefined) parts.push(`at most ${String(max)}${units(max)}`);
  };
  range(s.minimum, s.maximum, '');
  range(s.minLength, s.maxLength, ' characters');
  range(s.minItems, s.maxItems, ' items');
  range(s.minProperties, s.maxProperties, ' entries');
  if (typeof s.patternErrorMessage === 'string') parts.push(s.patternErrorMessage);
  else if (typeof s.pattern === 'string') parts.push(`matches \`${s.pattern}\``);
  const keys = s.propertyNames as JsonSchema | undefined;
  if (keys !== undefined && typeof keys.patternErrorMessage === 'string') parts.push(`keys: ${keys.patternErrorMessage}`);
  const items = s.items as JsonSchema | undefined;
  if (items !== undefined && items.properties === undefined && items.$ref === undefined) {
    const inner = constraintsOf(items);
    if (inner !== '') parts.push(`each: ${inner}`);
  }
  return parts.join('; ');
}

function walk(schema: JsonSchema, file: string, prefix: string, required: string, read: Read, rows: FieldRow[]): void {
  const resolved = resolveRef(schema, file, read);
  // a list of `$ref` items is described by what the reference holds
  const s = typeof resolved.schema.items === 'object' ? { ...resolved.schema, items: resolveRef(resolved.schema.items as JsonSchema, resolved.file, read).schema } : resolved.schema;
  if (prefix !== '') {
    rows.push({ path: prefix, type: typeOf(s), required, constraints: constraintsOf(s), description: typeof s.description === 'string' ? s.description : '' });
  }
  const children = (node: JsonSchema, at: string, yes: string): void => {
    const props = node.properties as Record<string, JsonSchema> | undefined;
    const needed = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const [name, child] of Object.entries(props ?? {})) walk(child, resolved.file, at === '' ? name : `${at}.${name}`, needed.has(name) ? yes : '-', read, rows);
  };
  children(s, prefix, 'yes');
  // one of several shapes (e.g. a listener by { loadBalancer, port } or by { arn }): every shape's fields
  for (const branch of Array.isArray(s.oneOf) ? (s.oneOf as JsonSchema[]) : []) children(resolveRef(branch, resolved.file, read).schema, prefix, 'yes, in that form');
  const items = s.items as JsonSchema | undefined;
  if (items !== undefined) {
    const item = resolveRef(items, resolved.file, read);
    // items of one of several shapes (a rule's `actions`): every shape's fields
    const shapes = item.schema.properties !== undefined ? [item] : Array.isArray(item.schema.oneOf) ? (item.schema.oneOf as JsonSchema[]).map((b) => resolveRef(b, item.file, read)) : [];
    for (const shape of shapes) {
      if (shape.schema.properties === undefined) continue;
      const before = rows.length;
      walk(shape.schema, shape.file, `${prefix}[]`, 'yes', read, rows);
      rows.splice(before, 1); // the list's own row already describes the items
    }
  }
  const values = s.additionalProperties;
  if (s.properties === undefined && typeof values === 'object' && (values as JsonSchema).properties !== undefined) {
    walk(values as JsonSchema, resolved.file, `${prefix}.<key>`, '-', read, rows);
  }
}

function cell(text: string): string {
  return text.replace(/\|(?<!\\\|)/g, '\\|').replace(/\n/g, ' ');
}

function table(rows: FieldRow[]): string {
  return [
    '| field | type | required | constraints | meaning |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| \`${r.path}\` | ${cell(r.type)} | ${r.required} | ${cell(r.constraints) || '-'} | ${cell(r.description) || '-'} |`),
  ].join('\n');
}

export function fieldRows(schema: JsonSchema, file: string, read: Read): FieldRow[] {
  const rows: FieldRow[] = [];
  walk(schema, file, '', 'yes', read, rows);
  return rows;
}

/** The README section between `<!-- field-tables:start -->` and `<!-- field-tables:end -->`. */
export function fieldTables(schemasDir: string): string {
  const cache = new Map<string, JsonSchema>();
  const read: Read = (file) => {
    if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as JsonSchema);
    return cache.get(file)!;
  };
  const document = read('document.schema.json');
  const metadata = (document.properties as Record<string, JsonSchema>).metadata!;
  const sections = [`**metadata** (every kind)\n\n${table(fieldRows(metadata, 'document.schema.json', read))}`];
  for (const kind of KINDS) {
    const file = SPEC_SCHEMA_FILES[kind];
    sections.push(`**${kind}** \`spec\` (\`schemas/${file}\`)\n\n${table(fieldRows(read(file), file, read))}`);
  }
  return sections.join('\n\n');
}
