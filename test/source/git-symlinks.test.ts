// Symbolic links in a commit, with real repositories made by the git CLI: a git source must
// never follow a link that leaves the checkout (absolute, relative, through another link, or
// the --path directory itself), must name each such link file:line-style, and must never echo
// what the link points to on the host. Links that stay inside the repository keep working.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/source/desired-source.js';
import { GitSource } from '../../src/source/git-source.js';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import { TestRepo, tempDir } from './git-fixtures.js';

const HOST_SECRET = 'host-file-value-never-shown-0005';
const TG = (name: string, extra = ''): string =>
  `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: ${name} }\nspec: { vpcId: vpc-0abc123, protocol: HTTP, port: 80, targetType: ip${extra} }\n`;

async function refusal(p: Promise<unknown>): Promise<SourceError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SourceError);
  return e as SourceError;
}

describe('GitSource and symbolic links', () => {
  const root = tempDir('git-links');
  // a host directory outside the repository with a desired-state file and a secret-looking value
  const host = join(root, 'host');
  mkdirSync(host);
  writeFileSync(join(host, 'host.yaml'), TG('host-tg', `, tags: { leaked: ${HOST_SECRET} }`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  let n = 0;
  function setup(): { repo: TestRepo; source: (path?: string) => GitSource } {
    const name = `r${++n}`;
    const repo = new TestRepo(root, name);
    return { repo, source: (path = 'desired') => new GitSource({ url: `file://${repo.bare}`, branch: 'main', path, workDir: join(root, `${name}-wd-${path.replace(/\W/g, '')}`) }) };
  }
  /** Make links in the work tree, then commit them (git stores a link as its text). */
  function commitLinks(repo: TestRepo, links: Record<string, string>, files: Record<string, string> = {}): string {
    for (const [path, target] of Object.entries(links)) {
      mkdirSync(join(repo.work, path, '..'), { recursive: true });
      rmSync(join(repo.work, path), { force: true, recursive: true });
      symlinkSync(target, join(repo.work, path));
    }
    return repo.commit(files, 'links');
  }

  it('refuses an absolute link to a host directory, naming the link and never the host file', async () => {
    const { repo, source } = setup();
    const sha = commitLinks(repo, { 'desired/ext': host }, { 'desired/app.yaml': TG('app-tg') });
    const s = source();
    const err = await refusal(s.sync());
    expect(err.code).toBe('source.unsafe-link');
    expect(err.revision).toBe(sha);
    expect(err.message).toContain('desired/ext:1:1: symbolic link to');
    expect(err.message).toContain('leaves the repository');
    expect(err.message).not.toContain(HOST_SECRET);
    expect(err.message).not.toContain('host-tg');
    // asked again for the same commit: the same refusal
    expect((await refusal(s.sync())).message).toBe(err.message);
    await s.close();
  });

  it.each([
    ['a link to /', { 'desired/root': '/' }, ['desired/root']],
    ['a relative link out of the checkout', { 'desired/up': '../../..' }, ['desired/up']],
    ['a dangling link that would point outside', { 'desired/later.yaml': '/nonexistent-ecsr/x.yaml' }, ['desired/later.yaml']],
    // `l -> ..` stays inside (the repository root); `a -> l/..` reads like desired/ but is the root's parent
    ['a link out through another link', { 'desired/sub/l': '../..', 'desired/a': 'sub/l/..' }, ['desired/a']],
    ['a link outside --path that a link under --path reaches', { 'desired/other': '../other', 'other/ext': '/etc' }, ['other/ext']],
  ])('refuses %s', async (_what, links, named) => {
    const { repo, source } = setup();
    commitLinks(repo, links, { 'desired/app.yaml': TG('app-tg'), 'other/keep.txt': 'x' });
    const s = source();
    const err = await refusal(s.sync());
    expect(err.code).toBe('source.unsafe-link');
    const listed = err.message.split('\n').slice(1).map((l) => l.split(':')[0]);
    expect(listed).toEqual(named);
    await s.close();
  });

  it('refuses a --path that is itself a link out of the repository', async () => {
    const { repo, source } = setup();
    commitLinks(repo, { desired: host }, { 'README.md': 'x' });
    const s = source('desired');
    const err = await refusal(s.sync());
    expect(err.message).toContain('desired:1:1: symbolic link to');
    expect(err.message).not.toContain(HOST_SECRET);
    await s.close();
  });

  it('follows links that stay inside the repository, and takes the next commit once the bad link is gone', async () => {
    const { repo, source } = setup();
    const s = source();
    commitLinks(repo, { 'desired/ext': host }, { 'desired/app.yaml': TG('app-tg') });
    await refusal(s.sync());

    rmSync(join(repo.work, 'desired/ext'));
    const good = commitLinks(repo, { 'desired/shared': '../shared' }, { 'shared/shared.yaml': TG('shared-tg') });
    const snap = await s.sync();
    expect(snap.revision).toBe(good);
    const loaded = await loadDesiredState(snap.dir);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.state.targetGroups.map((t) => t.name).sort()).toEqual(['app-tg', 'shared-tg']);
    await s.close();
  });
});
