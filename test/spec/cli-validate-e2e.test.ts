// `node dist/cli.js validate` as a user runs it: every corpus case exits 1 naming file:line and
// the message, never a stack trace; valid input exits 0 with the summary line.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusCases } from './invalid-corpus.js';
import { CLI_PATH as CLI, runCli, type CliResult } from '../support/cli-process.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: ROOT, env: { DEBUG: '' } });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

beforeAll(async () => {
  // `npm test` builds first; when run alone, build if dist is missing or older than src
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestMtime(join(ROOT, 'src'))) {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(() => undefined);
  }
  expect(existsSync(CLI), 'dist/cli.js is missing: run npm run build').toBe(true);
}, 120_000);

const noStack = (r: CliResult): void => {
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at /);
};

describe('validate: invalid corpus as a process', () => {
  const cases = corpusCases();
  const results = new Map<string, CliResult>();

  // two processes at a time: the machine is shared
  beforeAll(async () => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next++]!;
        results.set(c.name, await cli('validate', relative(ROOT, c.dir)));
      }
    };
    await Promise.all([worker(), worker()]);
  }, 300_000);

  it.each(cases)('$name', ({ name, dir, expected }) => {
    const target = relative(ROOT, dir);
    const r = results.get(name)!;
    expect(r.code).toBe(1);
    noStack(r);
    for (const want of expected) {
      const location = want.line === 0 ? target : `${target}/${want.file}:${want.line}:`;
      const line = r.stderr.split('\n').find((l) => l.startsWith(location) && l.includes(want.message));
      expect(line, `stderr:\n${r.stderr}`).toBeDefined();
    }
    expect(r.stderr).toMatch(/\d+ errors? in .*: fix them and run validate again/);
  });
});

describe('validate: other inputs', () => {
  it('a 5 MB file is refused by size, fast and without reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecsr-big-'));
    try {
      await writeFile(join(dir, 'huge.yaml'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
      const r = await cli('validate', dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${dir}/huge.yaml:1:1  -  file is 5.0 MiB, over the 1 MiB limit`);
      noStack(r);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('valid input: exit 0 and the one-line summary', async () => {
    const r = await cli('validate', 'test/spec/valid/full');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trim()).toBe('10 resources valid: 2 TargetGroup, 3 Listener, 2 ListenerRule, 1 SecurityGroupIngress, 2 Service');
  });

  it('--json on success', async () => {
    const r = await cli('validate', 'test/spec/valid/full', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      errors: [],
      summary: { total: 10, byKind: { TargetGroup: 2, Listener: 3, ListenerRule: 2, SecurityGroupIngress: 1, Service: 2, ScalableTarget: 0 } },
    });
  });

  it('--json on errors: display paths and every field', async () => {
    const r = await cli('validate', 'test/spec/invalid/many-errors-sorted', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; errors: { file: string; line: number; code: string }[]; summary: null };
    expect(report.ok).toBe(false);
    expect(report.summary).toBeNull();
    expect(report.errors.map((e) => [e.file, e.line, e.code])).toEqual([
      ['test/spec/invalid/many-errors-sorted/a.yaml', 8, 'schema.enum'],
      ['test/spec/invalid/many-errors-sorted/b.yaml', 10, 'ref.target-group'],
    ]);
  });

  it('a single file path', async () => {
    const r = await cli('validate', 'test/spec/invalid/wrong-type-port-string/a.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('test/spec/invalid/wrong-type-port-string/a.yaml:7:9  TargetGroup/users-tg  spec.port must be an integer');
  });

  it.each([
    ['a missing directory', ['validate', 'no/such/dir'], 'no/such/dir  -  no/such/dir does not exist'],
    ['an empty directory', ['validate', 'test/spec/invalid/no-yaml-files'], 'no resources found in test/spec/invalid/no-yaml-files: add *.yaml files'],
    ['an unknown command', ['vaildate'], "error: unknown command 'vaildate'"],
  ])('%s: exit 1 with a clear message', async (_name, args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    noStack(r);
  });

  it('--version prints the package version', async () => {
    const r = await cli('--version');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
