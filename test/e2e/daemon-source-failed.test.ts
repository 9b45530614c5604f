// A source that cannot be read, as the daemon process reports it. One that does not exist (a
// missing directory, a missing repository, a branch the repository lacks) fails the start with
// one line and exit 1 instead of retrying forever; one that may come back (the host does not
// answer) is retried every cycle and logged as `source.failed` with the real reason in
// err.message (it used to say "[object Object]").
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { motoUrl } from '../support/moto-test-context.js';
import { tempDir } from '../source/git-fixtures.js';
import { DaemonProcess, waitFor, daemonEnv } from './daemon-process.js';

const started: DaemonProcess[] = [];
afterAll(async () => {
  for (const d of started) {
    d.child.kill('SIGTERM');
    await d.exited;
  }
});

function start(root: string, source: string[]): DaemonProcess {
  const d = new DaemonProcess([...source, '--interval', '30s', '--port', '0', '--bind', '127.0.0.1', '--work-dir', join(root, 'work')], daemonEnv(root, motoUrl()));
  started.push(d);
  return d;
}

describe('a source that does not exist fails the start with one line', () => {
  const root = tempDir('source-missing');
  const bare = join(root, 'exists.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', 'main', bare]);

  it.each([
    ['a missing directory', ['--source', join(root, 'no-such-dir')], /^error: --source \S+no-such-dir does not exist or is not a directory: pass --source <directory or git URL>$/],
    ['a missing repository', ['--source', `file://${join(root, 'no-such-repo.git')}`, '--branch', 'main'], /^error: --source file:\/\/\S+no-such-repo\.git: no such git repository: .*does not appear to be a git repository/],
    ['a missing branch', ['--source', `file://${bare}`, '--branch', 'release'], /^error: --source file:\/\/\S+exists\.git has no branch "release": check --branch$/],
  ])('%s', async (_name, source, line) => {
    const d = start(root, source);
    const { code } = await d.exited;
    expect(code).toBe(1);
    expect(d.output.filter((l) => l.trim() !== '')).toEqual([expect.stringMatching(line)]);
  });
});

describe('source.failed', () => {
  it('a source that may come back is retried, with the failure text in err.message', async () => {
    const root = tempDir('source-failed');
    // nothing listens on port 1: connection refused, the kind of failure that passes
    const url = 'http://127.0.0.1:1/platform.git';
    const d = start(root, ['--source', url, '--branch', 'main']);
    const [line] = await waitFor(() => (d.events('source.failed').length > 0 ? d.events('source.failed') : undefined), 20_000, () => d.tail());
    const err = line?.err as { message?: string } | undefined;
    expect(err?.message).not.toBe('[object Object]');
    expect(err?.message).toContain(`git fetch of ${url} (branch main) failed`);
    expect(line?.msg).toContain(err?.message ?? '-');
    expect(d.child.exitCode).toBeNull();
    // the HTTP server said where it listens once (run used to log a second server.listening)
    expect(d.events('server.listening')).toEqual([expect.objectContaining({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) })]);
    expect(d.logs.every((l) => typeof l.event === 'string')).toBe(true);
  });
});
