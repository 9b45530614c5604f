// SIGTERM in the middle of an apply, the daemon as a process against moto behind the fault proxy:
// the proxy holds CreateTargetGroup 4 s (the first phase of a fresh flask-react apply), SIGTERM
// comes while it is held. The write under way must finish (the group exists), no write of a later
// step may start (no write of the rule or the service on the held group reaches AWS; the EC2
// ingress and the service on an existing group run beside the target groups), the steps not
// started are reported as skipped for shutdown, and the process exits 0 soon after the write ends,
// not at the end of the 25 s grace.
import { join } from 'node:path';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { renderDesired, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { tempDir } from '../source/git-fixtures.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { waitingForHeldGroup } from './held-group-writes.js';
import { motoUrl } from '../support/moto-test-context.js';
import { DaemonProcess, waitFor, daemonEnv } from './daemon-process.js';

const HOLD_MS = 4_000;

let clients: TestClients;
let proxy: FaultProxy;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
}, 60_000);

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  clients?.destroy();
  await proxy?.stop();
});

describe('SIGTERM during an apply', () => {
  it('finishes the write under way, starts no new one, reports the rest as skipped, exits 0', async () => {
    const system = seedSystem('flask-react');
    const world = await system.buildWorld(clients);
    const root = tempDir('daemon-shutdown');
    const desiredDir = join(root, 'desired');
    await renderDesired([system.desiredFile], world.ids, desiredDir);
    proxy.configure({ faults: [{ operation: 'CreateTargetGroup', fault: 'delay', delayMs: HOLD_MS }] });

    const d = new DaemonProcess(['--source', desiredDir, '--interval', '60s', '--port', '0', '--host', '127.0.0.1', '--work-dir', join(root, 'work')], {
      ...daemonEnv(root, proxy.url),
      LOG_LEVEL: 'debug',
    });
    daemon = d;
    await waitFor(() => proxy.count('elbv2', 'CreateTargetGroup') > 0, 30_000, () => d.tail());
    const before = proxy.writes().map((c) => c.seq);
    const termAt = Date.now();
    d.child.kill('SIGTERM');
    const exit = await d.exited;
    const exitMs = Date.now() - termAt;
    await proxy.settled();

    const after = proxy.writes().filter((c) => !before.includes(c.seq));
    console.log(`shutdown: exit ${String(exit.code)} ${exitMs} ms after SIGTERM; writes started after it: ${JSON.stringify(after.map((c) => c.operation))}`);
    expect(exit).toEqual({ code: 0, signal: null });
    // the held create was under way: it finished (answered, not cut) and the group exists
    const created = proxy.writes().find((c) => c.operation === 'CreateTargetGroup');
    expect(created).toMatchObject({ reachedTarget: true, status: 200 });
    const groups = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['flask-react-users-tg'] }));
    expect(groups.TargetGroups).toHaveLength(1);
    // nothing that waits for the held group reached AWS (the ingress and the client service run beside the target groups)
    expect(waitingForHeldGroup(proxy.writes())).toEqual([]);
    // it waited for the write, not for the grace
    expect(exitMs).toBeGreaterThan(1_000);
    expect(exitMs).toBeLessThan(HOLD_MS + 5_000);
    const skipped = d.logs.filter((l) => typeof l.msg === 'string' && /^shutting down \(SIGTERM\): no new writes start/.test(l.msg));
    expect(skipped, d.tail()).toHaveLength(1);
    const cycle = d.logs.find((l) => l.event === 'cycle.completed' || l.event === 'cycle.failed');
    expect(cycle).toMatchObject({ result: 'partial' });
  }, 60_000);
});
