// The directory source reads what the spec loader reads, and no more: a file over the loader's
// 1 MiB limit is never read for the revision hash (a 3 GiB sparse file made sync() throw
// ERR_FS_FILE_TOO_LARGE, a 50 MB one was read whole on every sync), and a YAML file reached
// through a symbolic link (followed on the operator's own disk) changes the revision when edited.
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectorySource } from '../../src/source/directory-source.js';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import { tempDir } from './git-fixtures.js';

const TG = (name: string, port = 80): string =>
  `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: ${name} }\nspec: { vpcId: vpc-0abc123, protocol: HTTP, port: ${port}, targetType: ip }\n`;

describe('DirectorySource files', () => {
  const root = tempDir('dir-files');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('checks the size before reading: a 3 GiB file is never read, the loader refuses it, its size is in the revision', async () => {
    const dir = join(root, 'big');
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.yaml'), TG('app-tg'));
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 3 * 1024 ** 3); // sparse: no disk used, but over what readFile can hold
    const source = new DirectorySource(dir);
    const t0 = Date.now();
    const first = await source.sync();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(first.revision).toMatch(/^dir-[0-9a-f]{16}$/);
    const loaded = await loadDesiredState(first.dir);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.errors.map((e) => `${e.file} ${e.message}`)).toEqual([expect.stringMatching(/^big\.yaml file is 3072\.0 MiB, over the 1 MiB limit/)]);

    truncateSync(big, 3 * 1024 ** 3 + 1);
    expect((await source.sync()).changed).toBe(true);
  });

  it('follows a linked YAML file like the loader does: editing it changes the revision', async () => {
    const dir = join(root, 'linked');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(dir);
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'shared.yaml'), TG('shared-tg', 80));
    symlinkSync(join(elsewhere, 'shared.yaml'), join(dir, 'shared.yaml'));
    const source = new DirectorySource(dir);
    const first = await source.sync();
    writeFileSync(join(elsewhere, 'shared.yaml'), TG('shared-tg', 8080));
    const second = await source.sync();
    expect(second.changed).toBe(true);
    expect(second.revision).not.toBe(first.revision);
  });
});
