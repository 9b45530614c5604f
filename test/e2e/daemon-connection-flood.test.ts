// Connection exhaustion against the daemon process: `node dist/cli.js run` under a 1,024
// open-file limit (a container's usual one), moto as AWS, a directory source. 1,100 TCP
// connections that never send a byte are opened to its HTTP port. /healthz must keep
// answering, cycles must keep succeeding (the AWS side still gets descriptors), and the silent
// connections must be closed by the idle timeout (10 s).
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { CreateSecurityGroupCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients } from '../../src/demo/aws-demo-clients.js';
import { motoUrl } from '../support/moto-test-context.js';
import { tempDir } from '../source/git-fixtures.js';
import { DaemonProcess, waitFor, daemonEnv } from './daemon-process.js';

const FLOOD = 1_100;

let daemon: DaemonProcess;
let base: string;
const sockets: Socket[] = [];
let closedCount = 0;

/** Open `n` silent connections; waits at most `timeoutMs` for them to connect (a full backlog may never let some in). */
async function flood(port: number, n: number, timeoutMs: number): Promise<number> {
  let connected = 0;
  const all = Array.from({ length: n }, () => {
    const s = connect(port, '127.0.0.1');
    sockets.push(s);
    s.on('error', () => undefined);
    s.once('close', () => (closedCount += 1));
    return new Promise<void>((resolve) => {
      s.once('connect', () => {
        connected += 1;
        resolve();
      });
      s.once('close', () => resolve());
    });
  });
  await Promise.race([Promise.all(all), new Promise((r) => setTimeout(r, timeoutMs))]);
  return connected;
}

async function healthz(): Promise<number | string> {
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(3_000) });
    return res.status;
  } catch (e) {
    return `unreachable: ${(e as Error).message}`;
  }
}

const successes = (): number => daemon.events('cycle.completed').filter((l) => l.result === 'success').length;

beforeAll(async () => {
  const clients = createTestClients(motoUrl());
  const vpc = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const sg = await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'flood-sg', Description: 'flood test', VpcId: vpc.Vpc?.VpcId }));
  const root = tempDir('flood');
  const dir = join(root, 'desired');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'sg.yaml'),
    [
      'apiVersion: ecs-reconciler/v1',
      'kind: SecurityGroupIngress',
      'metadata: { name: flood-sg }',
      'spec:',
      `  groupId: ${sg.GroupId}`,
      '  exclusive: false',
      '  rules:',
      '    - { protocol: tcp, port: 443, source: { cidr: 10.9.0.0/16 } }',
      '',
    ].join('\n'),
  );
  daemon = new DaemonProcess(
    ['--source', dir, '--interval', '1s', '--port', '0', '--host', '127.0.0.1'],
    {
      ...daemonEnv(root, motoUrl()),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    { maxOpenFiles: 1024 },
  );
  base = await daemon.url();
  await waitFor(() => successes() > 0, 20_000, () => daemon.tail());
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  daemon?.child.kill('SIGTERM');
  await daemon?.exited;
});

describe('the daemon under 1,100 silent connections with a 1,024 open-file limit', () => {
  it('keeps /healthz and the AWS side working, then closes the silent connections', async () => {
    const connected = await flood(Number(new URL(base).port), FLOOD, 5_000);
    expect(connected).toBeGreaterThan(1_000);

    // three probes in a row, each within 3 s
    for (let i = 0; i < 3; i++) expect(await healthz()).toBe(200);

    // cycles after the flood still reach AWS
    const before = successes();
    await waitFor(() => successes() >= before + 2, 15_000, () => daemon.tail());
    expect(daemon.output.join('\n')).not.toMatch(/EMFILE/);

    // the silent ones are closed by the idle timeout, none left open after 10 s + slack
    await waitFor(() => closedCount === FLOOD, 20_000, () => `${closedCount} of ${FLOOD} closed`);
    expect(await healthz()).toBe(200);
  });
});
