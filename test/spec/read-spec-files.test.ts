import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, decodeSpecText, listSpecFiles, readSpecFile } from '../../src/spec/read-spec-files.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ecsr-read-'));
  await mkdir(join(dir, 'b/nested'), { recursive: true });
  await mkdir(join(dir, '.git'), { recursive: true });
  await mkdir(join(dir, '.github/workflows'), { recursive: true });
  for (const f of ['z.yaml', 'a.yml', 'b/nested/c.YAML', 'b/m.yaml', 'notes.txt', '.hidden.yaml', '.git/x.yaml', '.github/workflows/ci.yml']) {
    await writeFile(join(dir, f), 'a: 1\n');
  }
  await symlink(join(dir, 'b/m.yaml'), join(dir, 'link.yaml'));
  await symlink(dir, join(dir, 'b/nested/loop'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('listSpecFiles', () => {
  it('finds *.yaml / *.yml recursively, sorted by relative path, skipping hidden entries and following a link loop once', async () => {
    const result = await listSpecFiles(dir);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.files.map((f) => f.rel)).toEqual(['a.yml', 'b/m.yaml', 'b/nested/c.YAML', 'link.yaml', 'z.yaml']);
  });

  it('accepts a single file and names it by its base name', async () => {
    const result = await listSpecFiles(join(dir, 'b/m.yaml'));
    expect(result).toEqual({ ok: true, files: [{ path: join(dir, 'b/m.yaml'), rel: 'm.yaml' }] });
  });

  it('says what to do when the path does not exist', async () => {
    const result = await listSpecFiles(join(dir, 'nope'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ code: 'fs.not-found', line: 0 });
    expect(result.errors[0]!.message).toContain('does not exist: give the directory that holds your *.yaml files');
  });
});

describe('readSpecFile', () => {
  it.each([
    ['exactly the cap', MAX_FILE_BYTES, true],
    ['one byte over the cap', MAX_FILE_BYTES + 1, false],
    ['5 MB', 5 * 1024 * 1024, false],
  ])('%s (%i bytes)', async (_name, size, ok) => {
    const path = join(dir, `size-${size}.yaml`);
    await writeFile(path, Buffer.alloc(size, 0x20));
    const result = await readSpecFile({ path, rel: 'big.yaml' });
    expect(result.ok).toBe(ok);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'fs.too-large', file: 'big.yaml', line: 1 });
      expect(result.error.message).toMatch(/over the 1 MiB limit .*split it/);
    }
    await rm(path);
  });
});

describe('decodeSpecText', () => {
  it.each([
    ['plain UTF-8', Buffer.from('name: café\n'), { ok: true, text: 'name: café\n' }],
    ['a BOM is dropped', Buffer.from('\ufeffa: 1\n'), { ok: true, text: 'a: 1\n' }],
  ])('%s', (_name, bytes, expected) => {
    expect(decodeSpecText('f.yaml', bytes)).toEqual(expected);
  });

  it('rejects NUL bytes as binary, at the line and column of the first one', () => {
    const result = decodeSpecText('f.yaml', Buffer.from('a: 1\nbb\0c\n'));
    expect(result).toMatchObject({ ok: false, error: { code: 'fs.binary', line: 2, col: 3 } });
  });

  it('rejects invalid UTF-8 (latin-1 text)', () => {
    const result = decodeSpecText('f.yaml', Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(result).toMatchObject({ ok: false, error: { code: 'fs.encoding', file: 'f.yaml' } });
  });
});
