// deploy/healthcheck.mjs (the container health check) against real local HTTP servers.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../deploy/healthcheck.mjs', import.meta.url));

interface Run {
  code: number;
  stderr: string;
}

function runCheck(port: number, timeoutMs = 2000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script],
      { env: { PATH: process.env.PATH ?? '', ECS_RECONCILER_PORT: String(port), HEALTHCHECK_TIMEOUT_MS: String(timeoutMs) } },
      (err, _stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stderr });
      },
    );
  });
}

const servers: Server[] = [];
const sockets = new Set<import('node:net').Socket>();

function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('deploy/healthcheck.mjs', () => {
  it('exits 0 when /healthz answers 200', async () => {
    const paths: string[] = [];
    const port = await serve((req, res) => {
      paths.push(req.url ?? '');
      res.end('ok');
    });
    expect(await runCheck(port)).toEqual({ code: 0, stderr: '' });
    expect(paths).toEqual(['/healthz']);
  });

  it.each([
    [503, /answered 503/],
    [404, /answered 404/],
  ])('exits 1 when /healthz answers %i', async (status, message) => {
    const port = await serve((_req, res) => {
      res.statusCode = status;
      res.end();
    });
    const r = await runCheck(port);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('exits 1 when nothing listens on the port', async () => {
    const port = await serve(() => undefined);
    await new Promise((r) => servers.pop()?.close(r));
    const r = await runCheck(port);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: .*ECONNREFUSED/);
  });

  it('exits 1 when /healthz hangs past the timeout', async () => {
    const port = await serve(() => undefined); // never answers
    const r = await runCheck(port, 300);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed/);
  });
});
