// The README's field reference is the generated one (the way the configuration table is, see
// test/controller/readme-config.test.ts), and the generator misses no field: every property name
// declared anywhere in schemas/ appears as a row.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fieldTables } from '../../src/spec/schema-field-table.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schemasDir = `${root}schemas`;

function propertyNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const v of node) propertyNames(v, out);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties') for (const name of Object.keys(value as object)) out.add(name);
      propertyNames(value, out);
    }
  }
  return out;
}

describe('README field reference', () => {
  it('equals fieldTables(schemas/)', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const m = /<!-- field-tables:start -->\n([\s\S]*?)\n<!-- field-tables:end -->/.exec(readme);
    expect(m?.[1]?.trim(), 'regenerate: node -e "import(\'./dist/spec/schema-field-table.js\').then(m => console.log(m.fieldTables(\'schemas\')))"').toBe(fieldTables(schemasDir));
  });

  it('has a row for every property any schema declares', () => {
    const rows = fieldTables(schemasDir)
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => /^\| `([^`]+)`/.exec(l)![1]!);
    const lastSegments = new Set(rows.map((path) => path.split('.').at(-1)!.replace(/\[\]$/, '')));
    // the document envelope's own keys are the YAML's frame, shown in the example above the tables
    const envelope = new Set(['apiVersion', 'kind', 'metadata', 'spec']);
    const declared = new Set<string>();
    for (const file of readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json'))) {
      for (const name of propertyNames(JSON.parse(readFileSync(`${schemasDir}/${file}`, 'utf8')))) declared.add(name);
    }
    const missing = [...declared].filter((n) => !envelope.has(n) && !lastSegments.has(n));
    expect(missing).toEqual([]);
  });

  it('no longer points at a design document outside the repository', () => {
    expect(readFileSync(`${root}README.md`, 'utf8')).not.toContain('shared/design');
  });
});
