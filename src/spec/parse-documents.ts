// YAML text -> documents with source positions. Uses the `yaml` package's LineCounter so every
// later stage can point at file:line:col; refuses alias bombs, duplicate keys and tab indentation.
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair, YAMLError } from 'yaml';
import type { SourcePos, SpecError } from './types.js';
import { SPEC_ERROR_CODES as C, errorAt, fileError, truncate } from './spec-errors.js';

/** Aliases a document may expand when converted to plain data (the `yaml` default is 100). */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedDocument {
  /** file path relative to the loaded directory */
  file: string;
  /** 0-based index of the document in its file */
  index: number;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** the document as plain data */
  value: unknown;
  /** where the document's content starts */
  start: SourcePos;
}

export interface ParseResult {
  docs: ParsedDocument[];
  errors: SpecError[];
}

/**
 * Parses every document of one file. An empty document between `---` markers is skipped;
 * a file with no document at all is an error. A document with any YAML error is not returned.
 */
export function parseSpecText(file: string, text: string): ParseResult {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const docs: ParsedDocument[] = [];
  const errors: SpecError[] = [];
  const pos = (offset: number): SourcePos => ({ file, ...lineCounter.linePos(offset) });
  const all = Array.isArray(parsed) ? parsed : [];
  let nonEmpty = 0;
  all.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      errors.push(...yamlErrors(doc.errors, text, pos));
      nonEmpty++;
      return;
    }
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === undefined))) return;
    nonEmpty++;
    const start = pos(contents.range?.[0] ?? 0);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      errors.push(aliasError(err, start));
      return;
    }
    if (!isMap(contents)) {
      errors.push(
        errorAt(start, C.notMapping, 'a document must be a mapping with apiVersion, kind, metadata and spec; this one is not a mapping'),
      );
      return;
    }
    docs.push({ file, index, doc, lineCounter, value, start });
  });
  if (nonEmpty === 0) {
    errors.push(
      fileError(file, C.emptyFile, 'file has no YAML documents: add a resource (apiVersion, kind, metadata, spec) or delete the file'),
    );
  }
  return { docs, errors };
}

/**
 * One error per problem: every duplicate key and tab indentation, plus the first other syntax
 * error of the document (later ones are usually its echo).
 */
function yamlErrors(list: readonly YAMLError[], text: string, pos: (offset: number) => SourcePos): SpecError[] {
  const out: SpecError[] = [];
  let syntaxSeen = false;
  const lines = new Set<number>();
  for (const e of list) {
    const at = pos(e.pos[0]);
    if (lines.has(at.line)) continue;
    if (e.code === 'DUPLICATE_KEY') {
      const key = keyAt(text, e.pos[0]);
      out.push(errorAt(at, C.duplicateKey, `duplicate key ${key ? `'${key}' ` : ''}in the same mapping: keep one of them`));
    } else if (e.code === 'TAB_AS_INDENT') {
      out.push(errorAt(at, C.tabIndent, 'tab character used for indentation: YAML indents with spaces only; replace the tab with spaces'));
    } else if (!syntaxSeen) {
      syntaxSeen = true;
      const first = e.message.split('\n')[0] ?? e.message;
      // `{ Name: ${VPC} }`: in a flow collection `{` and `}` are YAML's own, so a variable there needs quotes
      const line = text.slice(text.lastIndexOf('\n', e.pos[0] - 1) + 1, text.indexOf('\n', e.pos[0]) < 0 ? undefined : text.indexOf('\n', e.pos[0]));
      const hint = line.includes('${') ? '; inside { } or [ ] quote a variable: "${NAME}"' : '';
      out.push(errorAt(at, C.yamlSyntax, `YAML syntax error: ${first.replace(/ at line \d+, column \d+.*$/, '')}${hint}`));
    } else continue;
    lines.add(at.line);
  }
  return out;
}

function keyAt(text: string, offset: number): string {
  const match = /^[^:\n]*/.exec(text.slice(offset, offset + 200));
  return truncate((match?.[0] ?? '').trim().replace(/^["']|["']$/g, ''), 60);
}

function aliasError(err: unknown, at: SourcePos): SpecError {
  const message = err instanceof Error ? err.message : String(err);
  if (/alias/i.test(message)) {
    return errorAt(
      at,
      C.aliasLimit,
      `document expands more than ${MAX_ALIAS_COUNT} YAML aliases (a YAML "billion laughs" bomb?): write the values out instead of nesting aliases`,
    );
  }
  return errorAt(at, C.yamlSyntax, `YAML error: ${message}`);
}

// ---------- positions ----------
// From a data path (['spec', 'rules', 0, 'port']) back to the YAML node and its line:col.

export type DataPath = readonly (string | number)[];

interface Located {
  node: Node | null;
  /** the pair whose value is `node` (absent for the root and list items) */
  pair?: Pair;
  /** how many path segments were found: < path.length when the path does not exist */
  depth: number;
}

function locate(pd: ParsedDocument, path: DataPath): Located {
  let node = resolveAlias(pd, pd.doc.contents as Node | null);
  let pair: Pair | undefined;
  let depth = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const found = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (found === undefined) break;
      pair = found as Pair;
      node = resolveAlias(pd, (found.value ?? null) as Node | null);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      pair = undefined;
      node = resolveAlias(pd, item as Node);
    } else break;
    depth++;
  }
  return pair === undefined ? { node, depth } : { node, pair, depth };
}

function resolveAlias(pd: ParsedDocument, node: Node | null): Node | null {
  if (node !== null && isAlias(node)) return (node.resolve(pd.doc) as Node | undefined) ?? node;
  return node;
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && node.range != null && node.range[0] === node.range[1];
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function posOf(pd: ParsedDocument, offset: number | undefined): SourcePos {
  if (offset === undefined) return pd.start;
  return { file: pd.file, ...pd.lineCounter.linePos(offset) };
}

/** Where the value at `path` starts (or the deepest existing part of the path). */
export function valuePosition(pd: ParsedDocument, path: DataPath): SourcePos {
  const { node, pair, depth } = locate(pd, path);
  // missing or empty value (`port:` with nothing after it): point at its key when there is one
  if ((depth < path.length || node === null || isEmptyScalar(node)) && pair !== undefined) {
    return posOf(pd, (pair.key as Node | null)?.range?.[0]);
  }
  return posOf(pd, node?.range?.[0]);
}

/** Where the key of the member at `path` is (the value's position for list items and the root). */
export function keyPosition(pd: ParsedDocument, path: DataPath): SourcePos {
  const { node, pair, depth } = locate(pd, path);
  if (depth === path.length && pair !== undefined) return posOf(pd, (pair.key as Node | null)?.range?.[0]);
  return posOf(pd, node?.range?.[0]);
}

/** `spec.rules[0].port` */
export function displayPath(path: DataPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : /^[A-Za-z_][\w-]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}
