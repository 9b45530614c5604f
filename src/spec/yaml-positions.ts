// From a data path (['spec', 'rules', 0, 'port']) back to the YAML node and its line:col.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { SourcePos } from './types.js';
import type { ParsedDocument } from './parse-documents.js';

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
