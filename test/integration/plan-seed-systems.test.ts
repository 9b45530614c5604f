// The normalisation proof, through the CLI as a process: for every seed system, with only its
// pre-existing world built in moto, `plan` shows each declared resource as to be created (exit 2);
// after the same resources are built by hand with the SDK exactly as declared, `plan` shows no
// changes (exit 0). A converged resource must never show a diff.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import type { PlanJson } from '../../src/reconcilers/format-plan.js';
import { renderDesired, SEED_SYSTEMS } from '../../src/demo/worlds/seed-systems.js';
import { awsEnv, runCli } from '../support/cli-process.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';

let clients: TestClients;
beforeAll(() => {
  clients = createTestClients(motoUrl());
});
beforeEach(async () => {
  await resetMoto();
});
afterAll(() => clients.destroy());

async function planJson(dir: string): Promise<{ code: number; plan: PlanJson; stderr: string }> {
  const run = await runCli(['plan', dir, '--json'], { env: awsEnv(motoUrl()) });
  return { code: run.code, plan: JSON.parse(run.stdout) as PlanJson, stderr: run.stderr };
}

describe.each(SEED_SYSTEMS.map((s) => [s.name, s] as const))('plan %s', (_name, system) => {
  it('shows every declared resource as new on the hand-built world, and no change once built by hand', async () => {
    const world = await system.buildWorld(clients);
    const dir = await mkdtemp(join(tmpdir(), `plan-${system.name}-`));
    await renderDesired([system.desiredFile], world.ids, dir);

    const before = await planJson(dir);
    expect(before.code, before.stderr).toBe(2);
    expect(before.plan.conflicts).toEqual([]);
    const adopted = new Set(system.adopted.map((a) => `${a.kind}/${a.name}`));
    for (const change of before.plan.changes) {
      if (adopted.has(change.id)) {
        // the guide's ALB wizard made it: found under its declared name, tagged on apply
        expect(change.action, change.id).not.toBe('create');
      } else if (change.kind === 'SecurityGroupIngress') {
        // the group itself is pre-existing infrastructure; every declared rule is to be authorised
        expect(change.action, change.id).toBe('update');
        expect(change.authorize?.length, change.id).toBeGreaterThan(0);
        expect(change.revoke, change.id).toEqual([]);
      } else {
        expect(change.action, change.id).toBe('create');
      }
    }

    await system.buildManaged(clients, world.ids);
    const after = await planJson(dir);
    const pending = after.plan.changes.filter((c) => c.action !== 'noop' && !c.tagOnly);
    expect(pending.map((c) => `${c.id}: ${JSON.stringify(c.diffs)}`)).toEqual([]);
    expect(after.code, after.stderr).toBe(0);
  });
});
