// Finding moto on Debian 12 / Ubuntu, where the system python refuses `pip install`: the quick
// start, the test setup (src/demo/moto-python.ts) and .ci/run (.ci/moto-python.sh) look in
// $MOTO_PYTHON, then ~/.venv-moto, then pipx's venv, then python3 on PATH. The venv is played by
// a link to the python that runs this suite's moto; PATH without python3 plays a system python
// that lacks moto.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findMotoPython } from '../../src/demo/moto-python.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** the real python with moto (the suite's moto server runs on it) */
const realPython = execFileSync('python3', ['-c', 'import sys, moto.server; print(sys.executable)'], { encoding: 'utf8' }).trim();

function homeWith(venv: '.venv-moto' | 'pipx' | 'none'): string {
  const home = mkdtempSync(join(tmpdir(), 'moto-home-'));
  const dir = venv === '.venv-moto' ? join(home, '.venv-moto/bin') : venv === 'pipx' ? join(home, '.local/share/pipx/venvs/moto/bin') : undefined;
  if (dir !== undefined) {
    mkdirSync(dir, { recursive: true });
    symlinkSync(realPython, join(dir, 'python'));
  }
  return home;
}

/** a PATH with no python3 on it (a system without moto) */
const NO_PYTHON_PATH = '/nonexistent';

function ciFind(env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', '. .ci/moto-python.sh && find_moto_python && echo "$MOTO_PYTHON"'], { cwd: root, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

describe('finding the python that has moto', () => {
  it('finds the README venv ~/.venv-moto when python3 on PATH has no moto', () => {
    const home = homeWith('.venv-moto');
    expect(findMotoPython({ PATH: NO_PYTHON_PATH }, home)).toEqual({ python: join(home, '.venv-moto/bin/python') });
    expect(ciFind({ PATH: `/usr/bin:/bin`, HOME: home, MOTO_PYTHON: '' }).stdout).toBe(join(home, '.venv-moto/bin/python'));
  });

  it("finds pipx's venv", () => {
    const home = homeWith('pipx');
    expect(findMotoPython({ PATH: NO_PYTHON_PATH }, home)).toEqual({ python: join(home, '.local/share/pipx/venvs/moto/bin/python') });
  });

  it('takes MOTO_PYTHON first, and names it when it has no moto', () => {
    const home = homeWith('.venv-moto');
    expect(findMotoPython({ PATH: NO_PYTHON_PATH, MOTO_PYTHON: realPython }, home)).toEqual({ python: realPython });
    const broken = findMotoPython({ PATH: NO_PYTHON_PATH, MOTO_PYTHON: '/no/such/python' }, home);
    expect(broken).toEqual({ error: expect.stringMatching(/^MOTO_PYTHON=\/no\/such\/python cannot import moto\.server; install it in a venv: python3 -m venv ~\/\.venv-moto && /) });
    const ci = ciFind({ PATH: '/usr/bin:/bin', HOME: home, MOTO_PYTHON: '/no/such/python' });
    expect(ci.code).toBe(1);
    expect(ci.stderr).toMatch(/^ci: moto server is missing \(tried \/no\/such\/python\): python3 -m venv ~\/\.venv-moto/);
  });

  it('says what it tried and how to install when nothing has moto', () => {
    const home = homeWith('none');
    const found = findMotoPython({ PATH: NO_PYTHON_PATH }, home);
    expect(found).toEqual({ error: expect.stringContaining(`tried ${join(home, '.venv-moto/bin/python')}, `) });
    expect(found).toEqual({ error: expect.stringContaining("pipx install 'moto[server]'") });
  });
});
