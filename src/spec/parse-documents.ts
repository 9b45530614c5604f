// YAML text -> documents with source positions. Uses the `yaml` package's LineCounter so every
// later stage can point at file:line:col; refuses alias bombs, duplicate keys and tab indentation.
import { LineCounter, isMap, isScalar, parseAllDocuments } from 'yaml';
import type { Document, YAMLError } from 'yaml';
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
      out.push(errorAt(at, C.yamlSyntax, `YAML syntax error: ${first.replace(/ at line \d+, column \d+.*$/, '')}`));
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
