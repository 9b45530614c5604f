// For every seed system, from its hand-built starting world in moto: apply, then plan is empty.
// moto's CreateService drops deploymentConfiguration and healthCheckGracePeriodSeconds
// (chronous-payments declares 100/0): the applier reads CreateService's answer and sends what did
// not take again with UpdateService in the same apply (read-after-write.ts), so one apply converges.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStorefrontWorld, renderDesired, SEED_SYSTEMS, STOREFRONT_FILE } from '../../src/demo/worlds/seed-systems.js';
import { loadOk } from './apply-support.js';
import { applyDir, pendingChanges, planDir, seedWorld } from './apply-support.js';

let clients: TestClients;
const writesPerSystem: Record<string, number[]> = {};

beforeAll(() => {
  clients = createTestClients(motoUrl());
});
beforeEach(async () => {
  await resetMoto();
});
afterAll(() => {
  clients.destroy();
  // the numbers the report quotes
  console.log(`writes per seed-system apply: ${JSON.stringify(writesPerSystem)}`);
});

describe.each(SEED_SYSTEMS.map((s) => [s.name]))('%s', (name) => {
  it('converges: apply, then plan shows no changes', async () => {
    const { dir } = await seedWorld(name, clients);
    const first = await applyDir(dir, { endpoint: motoUrl() });
    expect(first.report.outcomes.filter((o) => o.status !== 'applied'), first.lines.join('\n')).toEqual([]);
    expect(first.report.ok).toBe(true);
    writesPerSystem[name] = [first.report.writes.length];

    const after = await planDir(dir, motoUrl());
    expect(pendingChanges(after)).toEqual([]);

    // and one more apply writes nothing
    const again = await applyDir(dir, { endpoint: motoUrl() });
    expect(again.report.writes).toEqual([]);
  });
});

describe('storefront (desired/storefront.yaml, the routing example)', () => {
  it('validates, converges in one apply, then plan shows no changes and a second apply writes nothing', async () => {
    const world = await buildStorefrontWorld(clients);
    const dir = mkdtempSync(join(tmpdir(), 'apply-storefront-'));
    await renderDesired([STOREFRONT_FILE], world.ids, dir);
    const state = await loadOk(dir);
    expect([state.targetGroups.length, state.listeners.length, state.listenerRules.length]).toEqual([3, 2, 2]);
    const first = await applyDir(dir, { endpoint: motoUrl() });
    expect(first.report.ok, first.lines.join('\n')).toBe(true);
    writesPerSystem.storefront = [first.report.writes.length];
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
    const again = await applyDir(dir, { endpoint: motoUrl() });
    expect(again.report.writes).toEqual([]);
  });
});

