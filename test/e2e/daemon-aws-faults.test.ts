// The daemon as a process against moto behind the fault proxy, when AWS is sick: a trickling
// answer (one byte every 2 s, which no socket inactivity timeout notices) must not freeze the
// loop; a loop that does stop finishing cycles must fail /healthz; /readyz must say 503 while
// every cycle fails, and when no revision is in force.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { renderDesired, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { closedPort } from '../aws/fake-aws-server.js';
import { tempDir } from '../source/git-fixtures.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';
import { DaemonProcess, waitFor, daemonEnv } from './daemon-process.js';

interface Probe {
  status: number;
  body: { status?: string; ready?: boolean; reason?: string };
}

let clients: TestClients;
let proxy: FaultProxy;
let desiredDir: string;
let daemon: DaemonProcess | undefined;

async function probe(url: string): Promise<Probe> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as Probe['body'] };
}

function start(args: string[]): DaemonProcess {
  const root = tempDir('daemon-aws-faults');
  daemon = new DaemonProcess(['--interval', '1s', '--git-poll', '60s', '--port', '0', '--host', '127.0.0.1', '--work-dir', join(root, 'work'), ...args], {
    ...daemonEnv(root, proxy.url),
    LOG_LEVEL: 'debug',
  });
  return daemon;
}

/** cycle.completed / cycle.failed lines, in order. */
const finished = (d: DaemonProcess) => d.logs.filter((l) => l.event === 'cycle.completed' || l.event === 'cycle.failed');

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  const system = seedSystem('flask-react');
  const world = await system.buildWorld(clients);
  desiredDir = join(tempDir('daemon-aws-faults-desired'), 'desired');
  await renderDesired([system.desiredFile], world.ids, desiredDir);
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
}, 60_000);

afterEach(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  daemon = undefined;
  proxy.clearFaults();
});

afterAll(async () => {
  clients?.destroy();
  await proxy?.stop();
});

describe('a trickling AWS answer (1 byte every 2 s)', () => {
  it('times the cycle out, releases the loop within one request deadline, keeps /healthz 200, and recovers', async () => {
    proxy.configure({ faults: [{ fault: 'trickle', trickleMs: 2_000 }] });
    const d = start(['--source', desiredDir, '--cycle-timeout', '3s']);
    const base = await d.url();
    const timedOut = await waitFor(() => d.logs.find((l) => l.event === 'cycle.failed' && l.result === 'timeout'), 15_000, () => d.tail());
    const timedOutAt = Date.now();
    // the loop goes on: a later cycle starts and finishes (the old loop waited for the trickle: ~an hour)
    await waitFor(() => finished(d).some((l) => Number(l.cycle) > Number(timedOut.cycle)), 20_000, () => d.tail());
    const releasedMs = Date.now() - timedOutAt;
    expect(releasedMs).toBeLessThan(15_000); // one 10 s request deadline, then new requests are refused
    expect(d.logs.some((l) => l.msg === 'the timed-out cycle has ended; the loop continues')).toBe(true);
    expect(await probe(`${base}/healthz`)).toMatchObject({ status: 200 });
    expect((await probe(`${base}/readyz`)).status).toBe(503);
    console.log(`trickle: cycle ${String(timedOut.cycle)} timed out at 3 s; loop released ${releasedMs} ms later`);

    proxy.clearFaults();
    const ready = await waitFor(async () => {
      const r = await probe(`${base}/readyz`);
      return r.status === 200 ? r : undefined;
    }, 30_000, () => d.tail());
    expect(ready.body.reason).toMatch(/last successful cycle finished/);
  }, 60_000);

  it('/healthz answers 503 with a reason once the loop has not finished a cycle within its bound', async () => {
    // a 120 s request deadline stands for a request nothing bounds: the timed-out cycle cannot end
    proxy.configure({ faults: [{ fault: 'trickle', trickleMs: 2_000 }] });
    const d = start(['--source', desiredDir, '--cycle-timeout', '2s', '--aws-timeout', '120s', '--stall-grace', '3s']);
    const base = await d.url();
    const startedAt = Date.now();
    expect((await probe(`${base}/healthz`)).status).toBe(200);
    const stuck = await waitFor(async () => {
      const r = await probe(`${base}/healthz`);
      return r.status === 503 ? r : undefined;
    }, 25_000, () => d.tail());
    // bound: 2 intervals + cycle timeout + stall grace = 2 + 2 + 3 = 7 s after the timed-out cycle
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(7_000);
    expect(stuck.body).toMatchObject({ status: 'stuck', reason: expect.stringMatching(/^no cycle has finished for \d+ s, more than 7 s \(2 intervals \+ cycle timeout \+ stall grace\): the loop is stuck/) });
    console.log(`healthz: 503 ${Date.now() - startedAt} ms after start: ${stuck.body.reason}`);
  }, 40_000);
});

describe('/readyz when nothing works', () => {
  it('answers 503 while every cycle fails because every AWS call fails, 200 once one succeeds', async () => {
    proxy.configure({ faults: [{ fault: 'error500' }] });
    const d = start(['--source', desiredDir]);
    const base = await d.url();
    await waitFor(() => d.events('cycle.failed').length >= 3, 30_000, () => d.tail());
    const r = await probe(`${base}/readyz`);
    expect(r).toMatchObject({ status: 503, body: { ready: false, reason: expect.stringMatching(/^no cycle has reconciled yet; last cycle: failed/) } });
    expect((await probe(`${base}/healthz`)).status).toBe(200);
    proxy.clearFaults();
    await waitFor(async () => (await probe(`${base}/readyz`)).status === 200, 20_000, () => d.tail());
  }, 60_000);

  it('answers 503 when the git source was unreachable at start (no revision in force)', async () => {
    const port = await closedPort();
    const d = start(['--source', `http://127.0.0.1:${port}/desired.git`, '--branch', 'main']);
    const base = await d.url();
    await waitFor(() => d.events('cycle.failed').length >= 2, 20_000, () => d.tail());
    const r = await probe(`${base}/readyz`);
    expect(r).toMatchObject({ status: 503, body: { ready: false, reason: expect.stringMatching(/^no desired-state revision in force yet/) } });
  }, 30_000);
});
