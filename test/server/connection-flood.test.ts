// Connection exhaustion against the real HTTP server on 127.0.0.1: sockets that never send a
// byte must be closed, and a flood of them must neither exceed the connection cap nor keep
// /healthz from answering. (test/e2e/daemon-connection-flood.test.ts does the same to the
// daemon process under a 1,024 open-file limit.)
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http-server.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { httpRequest } from './server-fixtures.js';

/** Open `n` TCP connections that never send anything; resolves once all are connected. */
async function silentSockets(port: number, n: number): Promise<{ sockets: Socket[]; closed: () => number }> {
  let closed = 0;
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
          s.on('error', () => undefined);
          s.once('close', () => (closed += 1));
          s.once('error', reject);
        }),
    ),
  );
  return { sockets, closed: () => closed };
}

async function until(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (probe()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return probe();
}

describe('HTTP server under a connection flood', () => {
  let server: RunningHttpServer | undefined;
  const opened: Socket[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
  });

  const start = (connectionLimits: { maxConnections?: number; idleTimeoutMs?: number }) =>
    startHttpServer({
      port: 0,
      host: '127.0.0.1',
      status: new ControllerStatus({ intervalMs: 1000 }),
      metrics: new ControllerMetrics({ defaultMetrics: false }),
      connectionLimits,
    });

  it('closes a connection that never sends a byte after the idle timeout', async () => {
    server = await start({ idleTimeoutMs: 800 });
    const { sockets, closed } = await silentSockets(server.port, 3);
    opened.push(...sockets);
    const t0 = Date.now();
    expect(await until(() => closed() === 3, 4_000)).toBe(true);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(600);
    expect(server.connections.open).toBe(0);
  });

  it('holds at most maxConnections and still answers /healthz while 300 silent sockets are open', async () => {
    server = await start({ maxConnections: 50, idleTimeoutMs: 60_000 });
    const flood = await silentSockets(server.port, 300);
    opened.push(...flood.sockets);
    // every connection over the cap evicted an older idle one
    expect(await until(() => flood.closed() >= 250, 4_000)).toBe(true);
    expect(server.connections.open).toBeLessThanOrEqual(50);

    const t0 = Date.now();
    const res = await httpRequest(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(server.connections.evicted).toBeGreaterThanOrEqual(250);
  });
});
