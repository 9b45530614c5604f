// Which `metadata.ignore` paths name a field of a kind's spec: derived from the JSON Schemas,
// so the list can never drift from what the schemas accept.
import type { Kind } from './types.js';
import { SPEC_SCHEMA_FILES, derefSchema, schemaFile } from './schema-registry.js';
import type { JsonSchema } from './schema-registry.js';

interface Located {
  schema: JsonSchema;
  file: string;
  /** reached through an open map (tags, attributes, environment): the rest of the path is its key */
  mapKey?: boolean;
}

function step(at: Located, segment: string): Located | undefined {
  let { schema, file } = derefSchema(at.schema, at.file);
  // lists are transparent: `taskDefinition.containers.image` is the image of every container
  while (schema.type === 'array' && typeof schema.items === 'object') {
    ({ schema, file } = derefSchema(schema.items as JsonSchema, file));
  }
  const props = alternativesProperties(schema);
  const next = props[segment];
  if (next !== undefined) return { schema: next, file };
  // open maps (tags, attributes, environment): any key
  if (typeof schema.additionalProperties === 'object') return { schema: schema.additionalProperties as JsonSchema, file, mapKey: true };
  return undefined;
}

/** `properties`, plus those of oneOf alternatives (e.g. listener: loadBalancer | arn). */
function alternativesProperties(schema: JsonSchema): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = { ...((schema.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  for (const alt of (schema.oneOf as JsonSchema[] | undefined) ?? []) {
    Object.assign(out, (alt.properties as Record<string, JsonSchema> | undefined) ?? {});
  }
  return out;
}

function root(kind: Kind): Located {
  const file = SPEC_SCHEMA_FILES[kind];
  return { schema: schemaFile(file), file };
}

/**
 * True when `path` names a field of the kind's spec: dot-separated field names, lists
 * transparent (an item may be named: `containers[api].image`); below an open map (tags, attributes, environment) the rest is the key, dots and all.
 */
export function isKnownSpecPath(kind: Kind, path: string): boolean {
  if (path.split('.').some((segment) => segment === '')) return false;
  let at: Located | undefined = root(kind);
  for (const raw of path.split('.')) {
    // a list item by its name (`containers[api]`, `containers[*]`) names a field of the list's items
    const item = /^([^[\]]+)\[[^\]]+\]$/.exec(raw);
    const segment = item?.[1] ?? raw;
    if (item === null && /[[\]]/.test(raw)) return false;
    at = step(at, segment);
    if (at === undefined) return false;
    if (at.mapKey === true) return true;
  }
  return true;
}

const cache = new Map<Kind, string[]>();

/** Every field path of a kind's spec (map keys not expanded), for suggestions. */
export function knownSpecPaths(kind: Kind): string[] {
  const cached = cache.get(kind);
  if (cached !== undefined) return cached;
  const out: string[] = [];
  const visit = (at: Located, prefix: string, depth: number): void => {
    if (depth > 6) return;
    let { schema, file } = derefSchema(at.schema, at.file);
    while (schema.type === 'array' && typeof schema.items === 'object') {
      ({ schema, file } = derefSchema(schema.items as JsonSchema, file));
    }
    for (const [name, child] of Object.entries(alternativesProperties(schema))) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      out.push(path);
      visit({ schema: child, file }, path, depth + 1);
    }
  };
  visit(root(kind), '', 0);
  cache.set(kind, out);
  return out;
}
