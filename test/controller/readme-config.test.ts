// The README's configuration table is the generated one: a flag added in run-config.ts and not
// documented fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationTable } from '../../src/controller/run-config.js';

describe('README configuration table', () => {
  it('equals configurationTable()', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme);
    expect(m?.[1]?.trim()).toBe(configurationTable());
  });
});
