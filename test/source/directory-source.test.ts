import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDesiredSource, isGitSource } from '../../src/source/create-source.js';
import { DirectorySource, listYamlFiles } from '../../src/source/directory-source.js';
import { GitSource } from '../../src/source/git-source.js';
import { TestRepo, tempDir } from './git-fixtures.js';

describe('DirectorySource', () => {
  const root = tempDir('dir');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('changes revision when a YAML file changes, appears or is renamed, and only then', async () => {
    const dir = join(root, 'desired');
    mkdirSync(join(dir, 'nested'), { recursive: true });
    writeFileSync(join(dir, 'a.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'nested', 'b.yml'), 'b: 1\n');
    const source = new DirectorySource(dir);
    const first = await source.sync();
    expect(first).toMatchObject({ dir, changed: true });
    expect(first.revision).toMatch(/^dir-[0-9a-f]{16}$/);

    writeFileSync(join(dir, 'notes.txt'), 'not yaml');
    expect(await source.sync()).toMatchObject({ revision: first.revision, changed: false });

    writeFileSync(join(dir, 'a.yaml'), 'a: 2\n');
    const edited = await source.sync();
    expect(edited.changed).toBe(true);
    expect(edited.revision).not.toBe(first.revision);

    writeFileSync(join(dir, 'nested', 'c.yaml'), 'c: 1\n');
    const added = await source.sync();
    expect(added.changed).toBe(true);

    rmSync(join(dir, 'nested', 'c.yaml'));
    writeFileSync(join(dir, 'c.yaml'), 'c: 1\n');
    expect((await source.sync()).revision).not.toBe(added.revision);
  });

  it('lists YAML files recursively, sorted, skipping .git', async () => {
    const dir = join(root, 'list');
    mkdirSync(join(dir, '.git'), { recursive: true });
    mkdirSync(join(dir, 'z'), { recursive: true });
    writeFileSync(join(dir, '.git', 'x.yaml'), '');
    writeFileSync(join(dir, 'z', 'b.YAML'), '');
    writeFileSync(join(dir, 'a.yml'), '');
    expect(await listYamlFiles(dir)).toEqual(['a.yml', 'z/b.YAML']);
  });

  it('says what to do when the directory is missing', async () => {
    const source = new DirectorySource(join(root, 'nope'));
    await expect(source.sync()).rejects.toMatchObject({
      code: 'source.not-found',
      message: expect.stringContaining('pass --source'),
    });
  });
});

describe('createDesiredSource', () => {
  const root = tempDir('kind');
  const repo = new TestRepo(root);
  repo.commit({ 'a.yaml': 'a: 1\n' });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['https URL', 'https://github.com/org/repo.git', false, true],
    ['ssh URL', 'ssh://git@github.com/org/repo.git', false, true],
    ['scp-like', 'git@github.com:org/repo.git', false, true],
    ['file URL', 'file:///srv/repo.git', false, true],
    ['plain directory', './desired', false, false],
    ['plain directory with --branch', './desired', true, true],
  ])('%s is git: %s', async (_name, source, branchGiven, expected) => {
    expect(await isGitSource(source, branchGiven)).toBe(expected);
  });

  it('treats a local bare repository as git and a working directory as a directory', async () => {
    expect(await isGitSource(repo.bare, false)).toBe(true);
    expect(await isGitSource(repo.work, false)).toBe(false);
    const git = await createDesiredSource({ source: repo.bare, workDir: join(root, 'wd') });
    expect(git).toBeInstanceOf(GitSource);
    expect(git.describe()).toContain('branch main');
    const dir = await createDesiredSource({ source: repo.work, workDir: join(root, 'wd') });
    expect(dir).toBeInstanceOf(DirectorySource);
    const forced = await createDesiredSource({ source: repo.work, kind: 'git', workDir: join(root, 'wd') });
    expect(forced).toBeInstanceOf(GitSource);
  });
});
