// The normalisation proof, through the CLI as a process: for every seed system, with only its
// pre-existing world built in moto, `plan --detailed-exitcode` shows each declared resource as to
// be created (exit 2; plain `plan` exits 0: it succeeded); after the same resources are built by
// hand with the SDK exactly as declared, `plan` shows no field change, only the adoption tags the
// next apply writes, and those count as pending (exit 2 with --detailed-exitcode). A converged
// resource must never show a diff.
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
  const run = await runCli(['plan', dir, '--json', '--detailed-exitcode'], { env: awsEnv(motoUrl()) });
  return { code: run.code, plan: JSON.parse(run.stdout) as PlanJson, stderr: run.stderr };
}

describe.each(SEED_SYSTEMS.map((s) => [s.name, s] as const))('plan %s', (_name, system) => {
  it('shows every declared resource as new on the hand-built world, and no change once built by hand', async () => {
    const world = await system.buildWorld(clients);
    const dir = await mkdtemp(join(tmpdir(), `plan-${system.name}-`));
    await renderDesired([system.desiredFile], world.ids, dir);

    const before = await planJson(dir);
    expect(before.code, before.stderr).toBe(2);
    const plain = await runCli(['plan', dir], { env: awsEnv(motoUrl()) });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^Plan: [1-9]\d* to create, /m);
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
    // nothing of ours is tagged yet: the next apply writes the tags, so they are pending changes
    const toTag = after.plan.changes.filter((c) => c.tagOnly).length;
    expect(toTag).toBeGreaterThan(0);
    expect(after.plan.summary).toMatchObject({ hasChanges: true, hasFieldChanges: false, tagOnly: toTag });
    expect(after.code, after.stderr).toBe(2);
    const text = await runCli(['plan', dir], { env: awsEnv(motoUrl()) });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, ${toTag} to tag; 0 drifted.`);
    expect(text.stdout).not.toContain('No changes');
  });
});
