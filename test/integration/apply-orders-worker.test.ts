// desired/orders-worker.yaml, the example of the AWS-named fields (capacity providers, circuit
// breaker, FireLens router with dependsOn, EFS volume, read-only root file system): on moto,
// from its world, one apply converges it (what moto's CreateService drops is sent again in the
// same apply), `plan --detailed-exitcode` then exits 0, and another apply writes nothing; `import`
// of its cluster writes the fields back and that file plans no field change.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { buildOrdersWorkerWorld, ORDERS_WORKER_CLUSTER } from '../../src/demo/worlds/orders-worker-world.js';
import { DESIRED_DIR, renderDesired } from '../../src/demo/worlds/seed-systems.js';
import { awsEnv, runCli } from '../support/cli-process.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

let clients: TestClients;
let dir: string;

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  const world = await buildOrdersWorkerWorld(clients);
  dir = mkdtempSync(join(tmpdir(), 'orders-worker-'));
  await renderDesired([join(DESIRED_DIR, 'orders-worker.yaml')], world.ids, dir);
});

afterAll(() => clients.destroy());

describe('desired/orders-worker.yaml on moto', () => {
  it('validates', async () => {
    const run = await runCli(['validate', dir], { env: awsEnv(motoUrl()) });
    expect(run.code, run.stderr).toBe(0);
  });

  it('one apply converges it; plan --detailed-exitcode exits 0; a second apply writes nothing', async () => {
    const first = await applyDir(dir, { endpoint: motoUrl() });
    expect(first.report.ok, first.lines.join('\n')).toBe(true);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
    const plan = await runCli(['plan', dir, '--detailed-exitcode'], { env: awsEnv(motoUrl()) });
    expect(plan.code, `${plan.stdout}\n${plan.stderr}`).toBe(0);
    const again = await applyDir(dir, { endpoint: motoUrl() });
    expect(again.report.writes).toEqual([]);
    const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: ORDERS_WORKER_CLUSTER, services: ['orders-worker'] }));
    expect(services?.[0]?.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    expect(services?.[0]?.capacityProviderStrategy?.map((s) => s.capacityProvider)).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });

  it('import writes it back with the AWS-named fields: the imported file plans no field change', async () => {
    const out = mkdtempSync(join(tmpdir(), 'orders-worker-import-'));
    const imported = await runCli(['import', '--cluster', ORDERS_WORKER_CLUSTER, '--out', out], { env: awsEnv(motoUrl()) });
    expect(imported.code, imported.stderr).toBe(0);
    // no field changes (the spec hash differs: the imported file leaves out propagateTags: SERVICE, the create default)
    expect(pendingChanges(await planDir(out, motoUrl()))).toEqual([]);
    const text = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    for (const field of ['capacityProviderStrategy', 'circuitBreaker', 'firelensConfiguration', 'dependsOn', 'efsVolumeConfiguration', 'readonlyRootFilesystem']) {
      expect(text).toContain(field);
    }
  });
});
