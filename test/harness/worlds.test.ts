// Every seed system's world and hand-made managed resources build in moto, and they agree
// with desired/<system>.yaml: the world holds nothing the file declares (except what the guide's
// wizard made and the file adopts), and after buildManaged every declared value is live.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { resetMoto, motoUrl } from '../support/moto-test-context.js';
import { buildAllWorlds, renderDesired, SEED_SYSTEMS } from '../../src/demo/worlds/seed-systems.js';
import { declaredDocuments, differences, existingDeclared } from './declared-resources-check.js';

let clients: TestClients;
let outDir: string;

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  outDir = await mkdtemp(join(tmpdir(), 'worlds-test-'));
});
afterAll(async () => {
  clients.destroy();
  await rm(outDir, { recursive: true, force: true });
});

describe.each(SEED_SYSTEMS)('$name (seed $seed)', (system) => {
  beforeEach(async () => {
    await resetMoto();
  });

  it('builds the world; it holds only what the file adopts, and every placeholder maps to a live id', async () => {
    const { ids } = await system.buildWorld(clients);
    const docs = await declaredDocuments(system.desiredFile, ids);
    expect(await existingDeclared(clients, docs)).toEqual(system.adopted.map((resource) => `${resource.kind}/${resource.name}`));

    const text = await readFile(system.desiredFile, 'utf8');
    const used = [...new Set(text.match(/\b(?:vpc|sg|subnet)-[0-9a-f]{17}\b/g) ?? [])];
    expect(used.length).toBeGreaterThan(0);
    for (const placeholder of used) expect(ids).toHaveProperty([placeholder]);
    const real = (prefix: string) => used.filter((p) => p.startsWith(prefix)).map((p) => ids[p]!);
    const vpcs = await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: real('vpc-') }));
    expect(vpcs.Vpcs).toHaveLength(new Set(real('vpc-')).size);
    if (real('sg-').length > 0) {
      const groups = await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: real('sg-') }));
      expect(groups.SecurityGroups).toHaveLength(new Set(real('sg-')).size);
    }
  });

  it('builds the managed resources by hand exactly as the file declares them', async () => {
    const { ids } = await system.buildWorld(clients);
    const docs = await declaredDocuments(system.desiredFile, ids);
    expect(await differences(clients, docs)).not.toEqual([]);
    await system.buildManaged(clients, ids);
    expect(await differences(clients, docs)).toEqual([]);
  });

  it('renderDesired writes the file with real ids and an absolute schema path', async () => {
    const { ids } = await system.buildWorld(clients);
    const [written] = await renderDesired([system.desiredFile], ids, join(outDir, system.name));
    const rendered = await readFile(written!, 'utf8');
    expect(rendered).not.toMatch(/\b(?:vpc|sg|subnet)-0[1-5]0{13}[0-9a-f]{2}\b/);
    for (const real of Object.values(ids)) expect(rendered).toContain(real);
    // every document's modeline (one per document), not just the first
    const modelines = rendered.split('\n').filter((l) => l.startsWith('# yaml-language-server:'));
    expect(modelines.length).toBe(rendered.split(/^---$/m).length);
    for (const line of modelines) expect(line).toMatch(/^# yaml-language-server: \$schema=\/.*\/schemas\/document\.schema\.json$/);
  });
});

describe('all five systems in one emulator', () => {
  it('build side by side (names never collide) and render together', async () => {
    await resetMoto();
    const ids = await buildAllWorlds(clients);
    for (const system of SEED_SYSTEMS) await system.buildManaged(clients, ids);
    const written = await renderDesired(
      SEED_SYSTEMS.map((system) => system.desiredFile),
      ids,
      join(outDir, 'all'),
    );
    expect(written).toHaveLength(5);
    for (const system of SEED_SYSTEMS) {
      expect(await differences(clients, await declaredDocuments(system.desiredFile, ids))).toEqual([]);
    }
  });
});

describe('renderDesired', () => {
  it('names the file and line of a placeholder the ids do not cover', async () => {
    const docto = SEED_SYSTEMS.find((system) => system.name === 'docto')!;
    await expect(renderDesired([docto.desiredFile], {}, join(outDir, 'missing'))).rejects.toThrow(
      /docto\.yaml:\d+: vpc-05000000000000001/,
    );
  });
});
