// Starting and stopping moto, and the message a developer sees when python3 or moto is missing.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetMotoServer, startMotoServer } from '../../src/demo/moto-server.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moto-server-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for python3 that prints `stderr` and exits with `code`. */
async function fakePython(name: string, stderr: string, code: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\necho "${stderr}" >&2\nexit ${code}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('startMotoServer', () => {
  it('starts a server that answers, and stop() ends its process', async () => {
    const server = await startMotoServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(resetMotoServer(server.url)).resolves.toBeUndefined();
    await server.stop();
    expect(() => process.kill(server.pid!, 0)).toThrow();
    await expect(resetMotoServer(server.url)).rejects.toThrow();
  });

  it.each([
    {
      case: 'python3 is not installed',
      python: async () => join(dir, 'no-such-python3'),
      message: /no-such-python3 was not found on PATH\. Install Python 3, then install it in a venv: python3 -m venv ~\/\.venv-moto && ~\/\.venv-moto\/bin\/pip install 'moto\[server\]'/,
    },
    {
      case: 'moto is not installed',
      python: () => fakePython('python-without-moto', "/usr/bin/python3: No module named moto", 1),
      message: /the Python package moto is missing; install it in a venv: python3 -m venv ~\/\.venv-moto && ~\/\.venv-moto\/bin\/pip install 'moto\[server\]'/,
    },
    {
      case: 'moto lacks its server extras',
      python: () => fakePython('python-without-flask', "ModuleNotFoundError: No module named 'flask'", 1),
      message: /moto is installed without its server extras; install it in a venv: python3 -m venv ~\/\.venv-moto && ~\/\.venv-moto\/bin\/pip install 'moto\[server\]'/,
    },
  ])('fails with an install hint when $case', async ({ python, message }) => {
    await expect(startMotoServer({ python: await python(), readyTimeoutMs: 10_000 })).rejects.toThrow(message);
  });
});
