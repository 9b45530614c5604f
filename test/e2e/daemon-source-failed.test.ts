// `source.failed` as the daemon process logs it: a git source that cannot be fetched must log
// the real reason in err.message (it used to say "[object Object]").
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { motoUrl } from '../support/moto-test-context.js';
import { tempDir } from '../source/git-fixtures.js';
import { DaemonProcess, waitFor, daemonEnv } from './daemon-process.js';

let daemon: DaemonProcess | undefined;
afterAll(async () => {
  daemon?.child.kill('SIGTERM');
  await daemon?.exited;
});

describe('source.failed', () => {
  it('carries the failure text in err.message', async () => {
    const root = tempDir('source-failed');
    const missing = join(root, 'no-such-repo.git');
    daemon = new DaemonProcess(['--source', `file://${missing}`, '--branch', 'main', '--interval', '30s', '--port', '0', '--bind', '127.0.0.1', '--work-dir', join(root, 'work')], {
      ...daemonEnv(root, motoUrl()),
    });
    const d = daemon;
    const [line] = await waitFor(() => (d.events('source.failed').length > 0 ? d.events('source.failed') : undefined), 20_000, () => d.tail());
    const err = line?.err as { message?: string } | undefined;
    expect(err?.message).not.toBe('[object Object]');
    expect(err?.message).toContain(`git fetch of file://${missing} (branch main) failed`);
    expect(line?.msg).toContain(err?.message ?? '-');
  });
});
