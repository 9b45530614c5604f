// `apply` (runApply, in process) on the docto system: the output a person reads (plan, each write,
// summary), dry run, and the prune safety cases: an empty directory, an invalid file, a directory
// whose every resource was removed, and more deletions than --max-deletes. In each, nothing is
// deleted and the output says why. Writes are counted at the fault proxy (no faults).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import type { Output } from '../../src/commands/cli-output.js';
import { TEST_AWS_ENV, withEnv } from '../aws/fake-aws-server.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { seedWorld } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let docto: string;
let root: string;

interface CliRun {
  code: number;
  out: string;
  err: string;
  writes: string[];
}

async function apply(dir: string, flags: { prune?: boolean; dryRun?: boolean; maxDeletes?: number } = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (l) => out.push(l), err: (l) => err.push(l) };
  proxy.resetCounts();
  const code = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: proxy.url }, () =>
    runApply(dir, { ownerId: 'ecs-reconciler', ...flags }, output),
  );
  return { code, out: out.join('\n'), err: err.join('\n'), writes: proxy.writes().map((c) => c.operation) };
}

function freshDir(name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  docto = (await seedWorld('docto', clients)).dir;
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  root = mkdtempSync(join(tmpdir(), 'apply-safety-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('apply output', () => {
  it('dry run prints the plan and writes nothing', async () => {
    const run = await apply(docto, { dryRun: true });
    expect(run.code).toBe(0);
    expect(run.writes).toEqual([]);
    expect(run.out).toContain('+ create TargetGroup/docto-website');
    expect(run.out).toContain('Dry run: 7 changes would be applied; nothing was written.');
  });

  it('prints the plan, each write as it happens, then the summary', async () => {
    const run = await apply(docto);
    if (process.env.SHOW_APPLY_OUTPUT) console.log(run.out);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/Plan: \d+ to create/);
    expect(run.out).toContain('  creating target group docto-website');
    expect(run.out).toMatch(/ {2}created target group docto-website arn:aws:elasticloadbalancing:\S+:targetgroup\/docto-website\//);
    expect(run.out).toMatch(/ {2}created listener rule docto-fastapi arn:\S+ \(priority 100\)|created listener rule docto-fastapi \(priority 100\) arn:/);
    expect(run.out.split('\n').at(-1)).toBe(`Apply: ${run.writes.length} writes made, 0 failed, 0 skipped.`);
    expect(run.out + run.err).not.toMatch(/\n\s+at /);
  });
});

describe('prune safety: nothing is deleted and the output says why', () => {
  it('an empty directory', async () => {
    const run = await apply(freshDir('empty'), { prune: true });
    expect(run.code).toBe(1);
    expect(run.writes).toEqual([]);
    expect(run.err).toContain('nothing was applied');
    expect(run.err).toContain('prune refused: the desired state failed to load');
  });

  it('an invalid file', async () => {
    const dir = freshDir('invalid');
    const text = readFileSync(join(docto, 'docto.yaml'), 'utf8').replace('port: 8000', 'port: "eight thousand"');
    writeFileSync(join(dir, 'docto.yaml'), text);
    const run = await apply(dir, { prune: true });
    expect(run.code).toBe(1);
    expect(run.writes).toEqual([]);
    expect(run.err).toMatch(/docto\.yaml:\d+:\d+/);
    expect(run.err).toContain('prune refused');
  });

  it('a directory where every resource was removed (only comments left)', async () => {
    const dir = freshDir('removed');
    writeFileSync(join(dir, 'docto.yaml'), '# everything that was here was removed\n');
    const run = await apply(dir, { prune: true });
    expect(run.code).toBe(1);
    expect(run.writes).toEqual([]);
    expect(run.err).toContain('prune refused');
  });

  it('more deletions than --max-deletes', async () => {
    // keep the target groups and the listener: both rules on it become prunable, and the 4
    // ingress rules of the two SecurityGroupIngress documents left out (found by their owner tag)
    const dir = freshDir('few-left');
    const keep = readFileSync(join(docto, 'docto.yaml'), 'utf8').split(/^---$/m).slice(0, 3).join('---');
    writeFileSync(join(dir, 'docto.yaml'), keep);
    const run = await apply(dir, { prune: true, maxDeletes: 1 });
    expect(run.code).toBe(1);
    expect(run.writes).toEqual([]);
    expect(run.out).toContain('prune refused: this apply would delete 6 resources, more than --max-deletes 1');
    expect(run.out).toMatch(/skipped {2}ListenerRule\/docto-fastapi: prune refused/);
  });

  it('and the resources are all still there: the next plan of the full files is empty', async () => {
    const run = await apply(docto);
    expect(run.code).toBe(0);
    expect(run.writes).toEqual([]);
  });
});
