// A values file (`values/prod.yaml`): one flat YAML mapping of variable names to scalar values,
// the `${NAME}` values of one target. Read here once for the CLI's --values and a controller
// target's `values:`; the loader's variables pass substitutes them (LoadOptions.variables).
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Variables } from './load-options.js';
import type { SpecError } from './types.js';
import { SPEC_ERROR_CODES as C } from './spec-errors.js';

/** Variable names as `${NAME}` writes them: a letter or underscore, then letters, digits, underscores. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ValuesFileResult = { ok: true; variables: Variables } | { ok: false; errors: SpecError[] };

/** Reads and checks a values file; every problem is an error at its file:line. */
export async function readValuesFile(path: string): Promise<ValuesFileResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { ok: false, errors: [{ file: path, line: 0, col: 0, code: C.valuesFile, message: `values file ${path}: ${reason}; pass the path of a YAML file of NAME: value lines` }] };
  }
  return parseValuesText(path, text);
}

/** The pure part of readValuesFile (exported for tests). */
export function parseValuesText(file: string, text: string): ValuesFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (offset: number | undefined, message: string): SpecError => {
    const pos = lines.linePos(offset ?? 0);
    return { file, line: pos.line, col: pos.col, code: C.valuesFile, message };
  };
  if (doc.errors.length > 0) return { ok: false, errors: doc.errors.map((e) => at(e.pos[0], `values file: ${e.message.split('\n')[0]}`)) };
  if (doc.contents === null) return { ok: true, variables: {} };
  if (!isMap(doc.contents)) return { ok: false, errors: [at(doc.contents.range?.[0], 'a values file is one mapping of NAME: value lines (no list, no bare value)')] };
  const errors: SpecError[] = [];
  const variables: Record<string, string> = {};
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key : undefined;
    const name = key === undefined ? undefined : String(key.value);
    if (name === undefined || !VARIABLE_NAME.test(name)) {
      errors.push(at(key?.range?.[0], `"${name ?? '?'}" is not a variable name: use letters, digits and underscores, starting with a letter or underscore (IMAGE_TAG)`));
      continue;
    }
    const value = pair.value;
    if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
      errors.push(at(key?.range?.[0], `${name}: a value must be a string, number or boolean (no list, mapping or empty value)`));
      continue;
    }
    variables[name] = String(value.value);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, variables };
}
