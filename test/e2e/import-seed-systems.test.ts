// `import` on the five seed systems built by hand in moto (their world and, by the SDK, every
// resource their desired file declares): the CLI, run as a process through the fault proxy
// (which counts writes: none), writes files that `validate` accepts and `plan` shows with no
// change but adoption tags; `apply` then only tags, and the next plan is clean.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import type { PlanJson } from '../../src/reconcilers/format-plan.js';
import { SEED_SYSTEMS, type SeedSystem, type WorldIds } from '../../src/demo/worlds/seed-systems.js';
import { awsEnv, runCli } from '../support/cli-process.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';

let clients: TestClients;
let proxy: FaultProxy;
let proxyUrl: string;
beforeAll(async () => {
  clients = createTestClients(motoUrl());
  proxy = new FaultProxy({ target: motoUrl() });
  proxyUrl = await proxy.start();
});
beforeEach(async () => {
  await resetMoto();
  proxy.resetCounts();
});
afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

/** The selectors a user would give for a system: its clusters, load balancers, security groups. */
async function selectorsOf(system: SeedSystem, ids: WorldIds): Promise<string[]> {
  const docs = parseAllDocuments(await readFile(system.desiredFile, 'utf8')).map((d) => d.toJS() as { kind: string; spec: Record<string, any> });
  const args = new Set<string>();
  for (const d of docs) {
    if (d.kind === 'Service') args.add(`--cluster=${d.spec.cluster}`);
    if (d.kind === 'Listener') args.add(`--load-balancer=${d.spec.loadBalancer}`);
    if (d.kind === 'ListenerRule' && d.spec.listener.loadBalancer) args.add(`--load-balancer=${d.spec.listener.loadBalancer}`);
    if (d.kind === 'SecurityGroupIngress') args.add(`--security-group=${ids[d.spec.groupId] ?? d.spec.groupId}`);
  }
  return [...args].flatMap((a) => a.split('='));
}

async function planJson(dir: string): Promise<{ code: number; plan: PlanJson; stderr: string }> {
  const run = await runCli(['plan', dir, '--json'], { env: awsEnv(motoUrl()) });
  return { code: run.code, plan: JSON.parse(run.stdout) as PlanJson, stderr: run.stderr };
}

describe.each(SEED_SYSTEMS.map((s) => [s.name, s] as const))('import %s', (_name, system) => {
  it('writes files that validate, plan empty (adoption tags only) and apply by tagging only', async () => {
    const world = await system.buildWorld(clients);
    await system.buildManaged(clients, world.ids);
    const out = join(await mkdtemp(join(tmpdir(), `import-${system.name}-`)), 'imported');

    const imported = await runCli(['import', ...(await selectorsOf(system, world.ids)), '--out', out], { env: awsEnv(proxyUrl) });
    expect(imported.code, imported.stderr + imported.stdout).toBe(0);
    expect(proxy.writes(), 'import wrote to AWS').toEqual([]);
    expect(proxy.counts()).not.toEqual({});

    const files = await readdir(out);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await readFile(join(out, file), 'utf8');
      const docs = text.split(/^---$/m);
      // the editor's schema line heads every document of the file, not only the first
      for (const doc of docs) expect(doc.trimStart()).toMatch(/^# yaml-language-server: \$schema=\S+document\.schema\.json\n/);
      expect(text).not.toMatch(/ecs-reconciler\/(owner|resource|spec-hash|content-hash)/);
    }

    const validated = await runCli(['validate', out], { env: awsEnv(motoUrl()) });
    expect(validated.code, validated.stderr).toBe(0);

    const before = await planJson(out);
    expect(before.code, before.stderr + JSON.stringify(before.plan.changes.filter((c) => !c.tagOnly && c.action !== 'noop'), null, 1)).toBe(0);
    expect(before.plan.conflicts).toEqual([]);
    for (const change of before.plan.changes) {
      expect(change.action === 'noop' || change.tagOnly, `${change.id}: ${JSON.stringify(change.diffs)}`).toBe(true);
    }
    // what the desired file declares was imported: target groups and services under their AWS
    // names, and at least as many documents of every kind
    const importedIds = new Set(before.plan.changes.map((c) => c.id));
    const declared = parseAllDocuments(await readFile(system.desiredFile, 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    for (const d of declared.filter((x) => x.kind === 'TargetGroup' || x.kind === 'Service')) expect(importedIds).toContain(`${d.kind}/${d.metadata.name}`);
    for (const kind of new Set(declared.map((d) => d.kind))) {
      expect(before.plan.changes.filter((c) => c.kind === kind).length, kind).toBeGreaterThanOrEqual(declared.filter((d) => d.kind === kind).length);
    }

    proxy.resetCounts();
    const applied = await runCli(['apply', out], { env: awsEnv(proxyUrl) });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const writes = [...new Set(proxy.writes().map((w) => `${w.service}:${w.operation}`))];
    for (const w of writes) expect(w, 'apply after import only tags').toMatch(/:(AddTags|CreateTags|TagResource)$/);

    const after = await planJson(out);
    expect(after.code, after.stderr).toBe(0);
    expect(after.plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
  });
});
