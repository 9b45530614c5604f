// Start, reset and stop a moto server (python3 -m moto.server) on a free loopback port.
// No vitest imports: the vitest global setup and the benchmark both use this file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { findMotoPython, MOTO_INSTALL_HINT } from './moto-python.js';

export { MOTO_INSTALL_HINT } from './moto-python.js';

export interface MotoServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  pid: number | undefined;
  /** stops the server; resolves when the process has exited */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** how long to wait for the server to answer (default 30 s) */
  readyTimeoutMs?: number;
  /** python executable (default: the first of findMotoPython()'s candidates that has moto) */
  python?: string;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** POST /moto-api/reset: forget every resource in every service and region. */
export async function resetMotoServer(url: string): Promise<void> {
  const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) {
    throw new Error(`moto reset at ${url}/moto-api/reset answered HTTP ${response.status}`);
  }
  await response.arrayBuffer();
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function explainFailure(python: string, output: string, spawnError: Error | undefined): string {
  if (spawnError && (spawnError as NodeJS.ErrnoException).code === 'ENOENT') {
    return `cannot start the moto server: ${python} was not found on PATH. Install Python 3, then ${MOTO_INSTALL_HINT}`;
  }
  if (/No module named ['"]?(flask|werkzeug|flask_cors)/i.test(output)) {
    return `cannot start the moto server: moto is installed without its server extras; ${MOTO_INSTALL_HINT}`;
  }
  if (/No module named ['"]?moto\b/.test(output)) {
    return `cannot start the moto server: the Python package moto is missing; ${MOTO_INSTALL_HINT}`;
  }
  const tail = output.trim().split('\n').slice(-5).join('\n');
  return `cannot start the moto server (${python} -m moto.server)${tail ? `:\n${tail}` : ''}`;
}

async function startOnce(python: string, port: number, readyTimeoutMs: number): Promise<MotoServer | { retry: string }> {
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  let spawnError: Error | undefined;
  let exited = false;
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A process that could not be spawned (ENOENT) emits 'error' and never 'exit'.
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => ((exited = true), resolve()));
    child.once('error', (error) => ((spawnError = error), (exited = true), resolve()));
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (await answers(url)) return { url, port, pid: child.pid, stop };
    if (exited || spawnError) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  if (/Address already in use|address in use/i.test(output)) return { retry: output };
  if (!exited && !spawnError) {
    throw new Error(`the moto server on ${url} did not answer within ${readyTimeoutMs / 1000} s; ${MOTO_INSTALL_HINT} if it is missing`);
  }
  throw new Error(explainFailure(python, output, spawnError));
}

/** Starts one moto server on a free port and waits until it answers. */
export async function startMotoServer(options: StartMotoOptions = {}): Promise<MotoServer> {
  let python = options.python;
  if (python === undefined) {
    const found = findMotoPython();
    if ('error' in found) throw new Error(`cannot start the moto server: ${found.error}`);
    python = found.python;
  }
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const result = await startOnce(python, await freePort(), readyTimeoutMs);
    if (!('retry' in result)) return result;
    if (attempt >= 3) throw new Error(explainFailure(python, result.retry, undefined));
  }
}
