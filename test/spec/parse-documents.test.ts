import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_COUNT, parseSpecText } from '../../src/spec/parse-documents.js';
import { displayPath, keyPosition, valuePosition } from '../../src/spec/parse-documents.js';

describe('parseSpecText', () => {
  it('returns every non-empty document of a multi-document file with its start position', () => {
    const text = '# header\n---\na: 1\n---\n---\n# only a comment\n---\nb:\n  c: [1, 2]\n';
    const { docs, errors } = parseSpecText('f.yaml', text);
    expect(errors).toEqual([]);
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, { b: { c: [1, 2] } }]);
    expect(docs.map((d) => [d.index, d.start.line, d.start.col])).toEqual([
      [0, 3, 1],
      [3, 8, 1],
    ]);
  });

  it.each([
    ['empty file', ''],
    ['comments only', '# nothing\n'],
    ['only separators', '---\n---\n'],
  ])('a file with no documents is an error: %s', (_name, text) => {
    const { docs, errors } = parseSpecText('f.yaml', text);
    expect(docs).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ code: 'yaml.empty-file', file: 'f.yaml', line: 1 })]);
  });

  it.each([
    ['duplicate key', 'a: 1\nb: 2\na: 3\n', 'yaml.duplicate-key', 3, "duplicate key 'a'"],
    ['tab indentation', 'a:\n\tb: 1\n', 'yaml.tab-indent', 2, 'replace the tab with spaces'],
    ['unclosed flow', 'a: [1, 2\nb: 3\n', 'yaml.syntax', 2, 'YAML syntax error'],
    ['a list, not a mapping', '- a\n- b\n', 'yaml.not-mapping', 1, 'must be a mapping'],
    ['a scalar, not a mapping', 'hello\n', 'yaml.not-mapping', 1, 'must be a mapping'],
  ])('%s', (_name, text, code, line, message) => {
    const { docs, errors } = parseSpecText('f.yaml', text);
    expect(docs).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code, line });
    expect(errors[0]!.message).toContain(message);
  });

  it('keeps the valid documents of a file when another document is broken (the loader still fails)', () => {
    const { docs, errors } = parseSpecText('f.yaml', 'a: 1\n---\nb: [\n---\nc: 3\n');
    expect(docs.map((d) => d.value)).toEqual([{ a: 1 }, { c: 3 }]);
    expect(errors.map((e) => e.code)).toEqual(['yaml.syntax']);
  });

  it('rejects an alias bomb without expanding it', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let prev = 'a';
    for (const n of 'bcdefghijklmnop') {
      text += `${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
      prev = n;
    }
    const { docs, errors } = parseSpecText('bomb.yaml', text);
    expect(docs).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ code: 'yaml.alias-limit', line: 1 })]);
  });

  it(`allows ordinary anchors and aliases (fewer than ${MAX_ALIAS_COUNT})`, () => {
    const { docs, errors } = parseSpecText('f.yaml', 'base: &tags { team: a }\nx: *tags\ny: *tags\n');
    expect(errors).toEqual([]);
    expect(docs[0]!.value).toEqual({ base: { team: 'a' }, x: { team: 'a' }, y: { team: 'a' } });
  });
});

describe('yaml positions', () => {
  const { docs } = parseSpecText('f.yaml', 'spec:\n  rules:\n    - port: 80\n      source: { cidr: x }\n  empty:\n');
  const pd = docs[0]!;

  it.each([
    [['spec', 'rules', 0, 'port'], 'value', 3, 13],
    [['spec', 'rules', 0, 'port'], 'key', 3, 7],
    [['spec', 'rules', 0, 'source', 'cidr'], 'value', 4, 23],
    [['spec', 'empty'], 'value', 5, 3],
    [['spec', 'missing', 'deeper'], 'value', 1, 1],
  ] as const)('%j (%s) is at %i:%i', (path, target, line, col) => {
    const pos = target === 'key' ? keyPosition(pd, path) : valuePosition(pd, path);
    expect([pos.line, pos.col]).toEqual([line, col]);
  });

  it.each([
    [['spec', 'rules', 0, 'port'], 'spec.rules[0].port'],
    [['spec', 'attributes', 'deregistration_delay.timeout_seconds'], 'spec.attributes["deregistration_delay.timeout_seconds"]'],
    [['spec', 'tags', 'a b'], 'spec.tags["a b"]'],
  ])('displayPath(%j) = %s', (path, text) => {
    expect(displayPath(path)).toBe(text);
  });
});
