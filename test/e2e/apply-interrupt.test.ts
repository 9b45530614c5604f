// Ctrl-C during `ecs-reconciler apply`, the CLI as a process against moto behind the fault proxy:
// the proxy holds CreateTargetGroup 4 s (the first phase of a fresh flask-react apply) and SIGINT
// comes while it is held. The write under way finishes, no write of a later step starts (ELBv2's
// rule, the service on the held group; the EC2 ingress and the service on an existing group run
// beside the target groups), the summary names the steps skipped for the interrupt, and the exit
// code is 1 (not converged).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { renderDesired, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { tempDir } from '../source/git-fixtures.js';
import { awsEnv, CLI_PATH } from '../support/cli-process.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { waitingForHeldGroup } from './held-group-writes.js';
import { motoUrl } from '../support/moto-test-context.js';
import { waitFor } from './daemon-process.js';

let clients: TestClients;
let proxy: FaultProxy;

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  await proxy?.stop();
});

describe('Ctrl-C during apply', () => {
  it('finishes the write under way, starts no new one, says what was skipped, exits 1', async () => {
    const system = seedSystem('flask-react');
    const world = await system.buildWorld(clients);
    const dir = join(tempDir('apply-interrupt'), 'desired');
    await renderDesired([system.desiredFile], world.ids, dir);
    proxy.configure({ faults: [{ operation: 'CreateTargetGroup', fault: 'delay', delayMs: 4_000 }] });

    const child = spawn(process.execPath, [CLI_PATH, 'apply', dir], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...awsEnv(proxy.url) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => proxy.count('elbv2', 'CreateTargetGroup') > 0, 30_000, () => stdout + stderr);
      child.kill('SIGINT');
      const code = await exited;
      await proxy.settled();
      expect(code, stdout + stderr).toBe(1);
      expect(stderr).toContain('SIGINT: finishing the writes under way and starting no new one');
      expect(stdout).toMatch(/skipped +\S+: shutting down: not started \(SIGINT\)/);
      const groups = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['flask-react-users-tg'] }));
      expect(groups.TargetGroups).toHaveLength(1);
      // nothing that waits for the held group started: the rule (ELBv2's phases keep their order) and
      // the users service on it (ECS waits for the ELBv2 writes of its groups). The ingress (EC2) and the
      // client service, on a group that exists, run beside the target groups, so they may go before the interrupt.
      expect(waitingForHeldGroup(proxy.writes())).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
