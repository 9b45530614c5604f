// Which python runs moto server. Debian 12 and Ubuntu 23.04+ refuse `pip install` into the system
// python (PEP 668, "externally-managed-environment"), so moto usually lives in a venv: look in
// $MOTO_PYTHON, then the venv the README's recipe makes (~/.venv-moto), then pipx's venv, then
// python3 on PATH. Shared by the quick start, the test setup and the benchmark (.ci/run has the
// same order in shell).
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const MOTO_INSTALL_HINT =
  "install it in a venv: python3 -m venv ~/.venv-moto && ~/.venv-moto/bin/pip install 'moto[server]' " +
  "(or pipx install 'moto[server]', or python3 -m pip install 'moto[server]' where pip may install; " +
  'MOTO_PYTHON=/path/to/python names another one)';

/** The pythons tried, in order. */
export function motoPythonCandidates(env: NodeJS.ProcessEnv = process.env, home: string = env.HOME ?? homedir()): string[] {
  if ((env.MOTO_PYTHON ?? '') !== '') return [env.MOTO_PYTHON!];
  return [
    join(home, '.venv-moto', 'bin', 'python'),
    join(home, '.local', 'share', 'pipx', 'venvs', 'moto', 'bin', 'python'),
    join(home, '.local', 'pipx', 'venvs', 'moto', 'bin', 'python'),
    'python3',
  ];
}

function hasMotoServer(python: string, env: NodeJS.ProcessEnv): boolean {
  try {
    execFileSync(python, ['-c', 'import moto.server'], { stdio: 'ignore', env, timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** The first candidate that can `import moto.server`; an error naming what was tried otherwise. */
export function findMotoPython(env: NodeJS.ProcessEnv = process.env, home?: string): { python: string } | { error: string } {
  const candidates = motoPythonCandidates(env, home);
  for (const python of candidates) if (hasMotoServer(python, env)) return { python };
  if ((env.MOTO_PYTHON ?? '') !== '') return { error: `MOTO_PYTHON=${env.MOTO_PYTHON} cannot import moto.server; ${MOTO_INSTALL_HINT}` };
  return { error: `moto server (python -m moto.server) was not found (tried ${candidates.join(', ')}); ${MOTO_INSTALL_HINT}` };
}
