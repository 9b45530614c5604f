// Every case under test/spec/invalid/<case>/ must fail to load with exactly the errors its
// expected.json lists (code, file, line, message fragment): one clear error per problem.
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import { corpusCases } from './invalid-corpus.js';

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
