// The daemon with --values, --env-variables and a lookup (issue 16): the revision is loaded with
// the values file and the allowed environment, the lookup is resolved in the cycle and logged
// (lookups.resolved) with the id it found; a values file that cannot be read fails the start.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { motoUrl } from '../support/moto-test-context.js';
import { tempDir } from '../source/git-fixtures.js';
import { DaemonProcess, daemonEnv, waitFor } from './daemon-process.js';

let moto: TestClients;
let vpcId: string;
const root = tempDir('daemon-variables');
const started: DaemonProcess[] = [];

beforeAll(async () => {
  moto = createTestClients(motoUrl());
  vpcId = await createVpc(moto, 'dv-prod-vpc', '10.71.0.0/16');
  mkdirSync(join(root, 'desired'));
  writeFileSync(join(root, 'desired', 'tg.yaml'), `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: dv-web-tg }
spec:
  vpc:
    tags: { Name: "\${VPC_NAME}" }
  protocol: HTTP
  port: \${TG_PORT}
`);
  writeFileSync(join(root, 'prod.yaml'), 'VPC_NAME: dv-prod-vpc\nTG_PORT: 9999\n');
});

afterAll(async () => {
  for (const d of started) {
    d.child.kill('SIGTERM');
    await d.exited;
  }
  moto?.destroy();
});

function start(args: string[], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const d = new DaemonProcess(
    ['--source', join(root, 'desired'), '--interval', '30s', '--port', '0', '--bind', '127.0.0.1', '--dry-run', '--max-cycles', '1', ...args],
    { ...daemonEnv(root, motoUrl()), ...env },
  );
  started.push(d);
  return d;
}

describe('run --values --env-variables with a lookup', () => {
  it('loads with the values, resolves the lookup in the cycle and logs the id found', async () => {
    const d = start(['--values', join(root, 'prod.yaml')], { ECS_RECONCILER_ENV_VARIABLES: 'TG_PORT', TG_PORT: '8080' });
    const { code } = await d.exited;
    expect(code, d.tail()).toBe(0);
    const resolved = await waitFor(() => d.events('lookups.resolved')[0], 5_000, () => d.tail());
    expect(resolved.lookups).toEqual([{ id: 'TargetGroup/dv-web-tg', site: 'spec.vpc', lookup: '{ tags: { Name: dv-prod-vpc } }', ids: [vpcId] }]);
    // the revision was put in force (the variables substituted, the schema passed)
    expect(d.events('source.updated')).toHaveLength(1);
    expect(d.events('source.invalid')).toEqual([]);
  });

  it('a values file that cannot be read fails the start with one line', async () => {
    const d = start(['--values', join(root, 'missing.yaml')]);
    const { code } = await d.exited;
    expect(code).toBe(1);
    expect(d.output.filter((l) => l.trim() !== '')).toEqual([expect.stringMatching(/^error: \S+missing\.yaml: values file \S+missing\.yaml: no such file/)]);
  });
});
