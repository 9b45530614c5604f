// How cross-document checks report: an error at a path of a document, named `Kind/name`.
import type { SourcePos, SpecError } from './types.js';
import type { ValidDoc } from './raw-types.js';
import type { ParsedDocument } from './parse-documents.js';
import { errorAt } from './spec-errors.js';
import type { SpecErrorCode } from './spec-errors.js';
import { keyPosition, valuePosition } from './parse-documents.js';
import type { DataPath } from './parse-documents.js';

/** A document whose kind and metadata.name are known, whether or not its spec is valid. */
export interface IdentifiedDoc {
  kind: string;
  name: string;
  id: string;
  pd: ParsedDocument;
}

export function docError(
  doc: { id: string; pd: ParsedDocument },
  path: DataPath,
  code: SpecErrorCode,
  message: string,
  target: 'key' | 'value' = 'value',
): SpecError {
  const pos = target === 'key' ? keyPosition(doc.pd, path) : valuePosition(doc.pd, path);
  return errorAt(pos, code, message, doc.id);
}

/** `file.yaml:3:1`: how one error points at another place. */
export function where(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

export function namePosition(doc: { pd: ParsedDocument }): SourcePos {
  return valuePosition(doc.pd, ['metadata', 'name']);
}

/** Groups by key, keeping document order inside each group. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

export function docsOf<K extends ValidDoc['kind']>(docs: readonly ValidDoc[], kind: K): Extract<ValidDoc, { kind: K }>[] {
  return docs.filter((d): d is Extract<ValidDoc, { kind: K }> => d.kind === kind);
}
