// Every case under test/spec/invalid/<case>/ must fail to load with exactly the errors its
// expected.json lists (code, file, line, message fragment): one clear error per problem.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';

export const CORPUS_DIR = new URL('./invalid/', import.meta.url).pathname;

export interface ExpectedError {
  code: string;
  /** relative to the case directory; '' for the directory itself */
  file: string;
  /** 0 = the whole file */
  line: number;
  message: string;
}

export function corpusCases(): { name: string; dir: string; expected: ExpectedError[] }[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const dir = join(CORPUS_DIR, e.name);
      const { errors } = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { errors: ExpectedError[] };
      return { name: e.name, dir, expected: errors };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe('invalid corpus (in process)', () => {
  const cases = corpusCases();

  it('holds at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name', async ({ dir, expected }) => {
    const result = await loadDesiredState(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const actual = result.errors.map((e) => ({ code: e.code, file: e.file === dir ? '' : e.file, line: e.line, message: e.message }));
    expect(actual).toHaveLength(expected.length);
    expected.forEach((want, i) => {
      expect(actual[i]).toMatchObject({ code: want.code, file: want.file, line: want.line });
      expect(actual[i]!.message).toContain(want.message);
    });
  });
});
