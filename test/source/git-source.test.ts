import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { SecretRegistry } from '../../src/log/redact-secrets.js';
import { SourceError } from '../../src/source/desired-source.js';
import { GitSource } from '../../src/source/git-source.js';
import { TestRepo, installGitArgvRecorder, startGitHttpServer, startHungServer, tempDir } from './git-fixtures.js';
import type { GitHttpServer } from './git-fixtures.js';

const RULE_V1 = 'kind: ListenerRule\nmetadata: { name: users-api }\nspec: { priority: 100 }\n';
const RULE_V2 = 'kind: ListenerRule\nmetadata: { name: users-api }\nspec: { priority: 200 }\n';

async function expectSourceError(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error('expected a SourceError');
}

describe('GitSource over file:// and plain paths', () => {
  const root = tempDir('git');
  const repo = new TestRepo(root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('sees pushed commits, one checkout per revision, and keeps only the current and previous', async () => {
    const sha1 = repo.commit({ 'desired/rules.yaml': RULE_V1, 'README.md': 'x' }, 'first');
    const source = new GitSource({ url: `file://${repo.bare}`, branch: 'main', path: 'desired/', workDir: join(root, 'wd1') });
    expect(source.describe()).toBe(`git file://${repo.bare} branch main path desired/`);

    const s1 = await source.sync();
    expect(s1).toMatchObject({ revision: sha1, changed: true, subject: 'first' });
    expect(readFileSync(join(s1.dir, 'rules.yaml'), 'utf8')).toBe(RULE_V1);

    const again = await source.sync();
    expect(again).toMatchObject({ revision: sha1, changed: false, dir: s1.dir });

    const sha2 = repo.commit({ 'desired/rules.yaml': RULE_V2 }, 'second');
    const s2 = await source.sync();
    expect(s2).toMatchObject({ revision: sha2, changed: true, subject: 'second' });
    expect(s2.dir).not.toBe(s1.dir);
    expect(readFileSync(join(s2.dir, 'rules.yaml'), 'utf8')).toBe(RULE_V2);
    // the previous checkout is untouched: a load that started on it still reads v1
    expect(readFileSync(join(s1.dir, 'rules.yaml'), 'utf8')).toBe(RULE_V1);

    const sha3 = repo.commit({ 'desired/extra.yaml': RULE_V1 }, 'third');
    const s3 = await source.sync();
    expect(s3.revision).toBe(sha3);
    expect(existsSync(s1.dir)).toBe(false);
    expect(existsSync(s2.dir)).toBe(true);

    await source.close();
    expect(existsSync(s3.dir)).toBe(false);
    await expect(source.sync()).rejects.toMatchObject({ code: 'source.closed' });
  });

  it('accepts a plain path to a bare repository and the repository root as path', async () => {
    const source = new GitSource({ url: repo.bare, branch: 'main', path: '.', workDir: join(root, 'wd2') });
    const snap = await source.sync();
    expect(existsSync(join(snap.dir, 'desired', 'rules.yaml'))).toBe(true);
    await source.close();
  });

  it('serialises concurrent syncs (webhook and poll at once)', async () => {
    const source = new GitSource({ url: repo.bare, branch: 'main', path: 'desired', workDir: join(root, 'wd3') });
    const [a, b] = await Promise.all([source.sync(), source.sync()]);
    expect(a.revision).toBe(b.revision);
    expect([a.changed, b.changed].sort()).toEqual([false, true]);
    await source.close();
  });

  it('names a missing branch', async () => {
    const source = new GitSource({ url: repo.bare, branch: 'nope', path: '.', workDir: join(root, 'wd4') });
    const err = await expectSourceError(source.sync());
    expect(err.code).toBe('source.branch-missing');
    expect(err.message).toContain('branch "nope"');
    await source.close();
  });

  it('reports a revision without the --path directory with its SHA, and recovers on a later commit', async () => {
    const sha = repo.commit({ 'desired/rules.yaml': null, 'desired/extra.yaml': null }, 'drop the directory', 'other');
    const source = new GitSource({ url: repo.bare, branch: 'other', path: 'desired', workDir: join(root, 'wd5') });
    const err = await expectSourceError(source.sync());
    expect(err).toMatchObject({ code: 'source.path-missing', revision: sha });
    expect(err.message).toContain(sha);
    const fixed = repo.commit({ 'desired/rules.yaml': RULE_V1 }, 'restore', 'other');
    expect(await source.sync()).toMatchObject({ revision: fixed, changed: true });
    await source.close();
  });

  it('rejects a --path leaving the repository', () => {
    expect(() => new GitSource({ url: repo.bare, branch: 'main', path: '../etc', workDir: join(root, 'wd6') })).toThrow(
      /relative directory inside the repository/,
    );
  });

  it('fails with a clear message for a repository that does not exist', async () => {
    const source = new GitSource({ url: join(root, 'missing.git'), branch: 'main', path: '.', workDir: join(root, 'wd7') });
    const err = await expectSourceError(source.sync());
    expect(err.code).toBe('source.fetch-failed');
    expect(err.message).toMatch(/git fetch of .*missing\.git \(branch main\) failed/);
    await source.close();
  });
});

describe('GitSource over http with a token', () => {
  const TOKEN = 'ghp_TESTtoken1234567890abcdef';
  const root = tempDir('githttp');
  const repo = new TestRepo(root, 'org-repo');
  let server: GitHttpServer;
  let recorder: ReturnType<typeof installGitArgvRecorder>;
  const logChunks: string[] = [];
  const logger = createLogger({
    level: 'trace',
    destination: new Writable({
      write(c: Buffer, _e, cb) {
        logChunks.push(c.toString());
        cb();
      },
    }),
  });

  beforeAll(async () => {
    repo.commit({ 'desired/a.yaml': RULE_V1 }, 'first');
    server = await startGitHttpServer(root, 'x-access-token', TOKEN);
    recorder = installGitArgvRecorder(root);
  });
  afterAll(async () => {
    recorder.restore();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  const messages: string[] = [];

  it('fetches with GIT_TOKEN sent as a header', async () => {
    const source = new GitSource({ url: `${server.url}/org-repo.git`, branch: 'main', path: 'desired', workDir: join(root, 'w1'), token: TOKEN, logger });
    const snap = await source.sync();
    expect(readFileSync(join(snap.dir, 'a.yaml'), 'utf8')).toBe(RULE_V1);
    expect(server.authHeaders.length).toBeGreaterThan(0);
    messages.push(source.describe());
    await source.close();
  });

  it('fetches with the token embedded in the URL, and describes the URL without it', async () => {
    const source = new GitSource({ url: `http://x-access-token:${TOKEN}@${server.url.slice(7)}/org-repo.git`, branch: 'main', path: '.', workDir: join(root, 'w2'), logger });
    await source.sync();
    expect(source.describe()).toBe(`git ${server.url}/org-repo.git branch main`);
    messages.push(source.describe());
    await source.close();
  });

  it.each([
    ['a wrong GIT_TOKEN', (url: string) => ({ url: `${url}/org-repo.git`, token: `${TOKEN}-wrong` })],
    ['a wrong token in the URL', (url: string) => ({ url: `http://bob:${TOKEN}-wrong@${url.slice(7)}/org-repo.git` })],
    ['no token', (url: string) => ({ url: `${url}/org-repo.git` })],
  ])('fails with %s and the error names the URL but no credential', async (_name, make) => {
    const secrets = new SecretRegistry();
    const source = new GitSource({ ...make(server.url), branch: 'main', path: '.', workDir: join(root, `w-${messages.length}`), logger, secrets });
    const err = await expectSourceError(source.sync());
    expect(err.code).toBe('source.fetch-failed');
    expect(err.message).toContain(`${server.url}/org-repo.git`);
    expect(err.message).toMatch(/credentials/);
    messages.push(err.message, String(err.stack));
    await source.close();
  });

  it('never put the token on a command line, in a message or in a log line', () => {
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    const argv = readFileSync(recorder.log, 'utf8');
    expect(argv).toContain('fetch');
    const everything = [argv, ...messages, ...logChunks].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(basic);
    expect(logChunks.join('')).toContain('plain http');
  });
});

describe('GitSource timeouts', () => {
  it('gives up on a hung git host within the timeout', async () => {
    const root = tempDir('githung');
    const hung = await startHungServer();
    const source = new GitSource({ url: `${hung.url}/repo.git`, branch: 'main', path: '.', workDir: root, timeoutMs: 1500 });
    const err = await expectSourceError(source.sync());
    expect(err.code).toBe('source.timeout');
    expect(err.message).toMatch(/did not finish within 1500 ms/);
    await source.close();
    await hung.close();
    rmSync(root, { recursive: true, force: true });
  });
});
