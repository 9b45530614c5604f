// The `$schema` modeline, one per document (yaml-language-server reads it from each document's own
// header comments: test/editor/yaml-language-server.test.ts shows it). The desired/ files carry it
// in every document, written by the same helper `import` uses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_REF, joinDocumentsWithModeline, schemaModeline } from '../../src/spec/schema-modeline.js';

const DESIRED = fileURLToPath(new URL('../../desired/', import.meta.url));

/** The comment lines before each document's first content line. */
function headerComments(text: string): string[][] {
  return text.split(/^---[ \t]*$/m).map((doc) => {
    const lines = doc.split('\n');
    const first = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
    return lines.slice(0, first < 0 ? lines.length : first).filter((l) => l.startsWith('#'));
  });
}

describe('schemaModeline', () => {
  it('is the yaml-language-server line, pointing at the bundle from desired/ by default', () => {
    expect(schemaModeline()).toBe('# yaml-language-server: $schema=../schemas/document.schema.json');
    expect(DEFAULT_SCHEMA_REF).toBe('../schemas/document.schema.json');
    expect(() => schemaModeline('my schemas/document.schema.json')).toThrow(/white space/);
  });

  it('joinDocumentsWithModeline puts the line at the head of every document', () => {
    const text = joinDocumentsWithModeline(['a: 1\n', 'b: 2', 'c: 3\n\n'], 'x.json');
    expect(text).toBe('# yaml-language-server: $schema=x.json\na: 1\n---\n# yaml-language-server: $schema=x.json\nb: 2\n---\n# yaml-language-server: $schema=x.json\nc: 3\n');
  });

  it.each(readdirSync(DESIRED).filter((f) => f.endsWith('.yaml')))('desired/%s has the modeline in every document', (file) => {
    const headers = headerComments(readFileSync(join(DESIRED, file), 'utf8'));
    expect(headers.length).toBeGreaterThanOrEqual(1);
    for (const [n, comments] of headers.entries()) expect(comments, `document ${n + 1}`).toContain(schemaModeline());
  });
});
