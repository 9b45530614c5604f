// `import` at the benchmark's scale (issue 18): builds the scale world in moto (every managed
// resource made by hand, as scale-world.ts does), then runs `ecs-reconciler import` as a process
// through the fault proxy with a fixed latency on every call, selecting every cluster, load
// balancer and security group; then `validate` and `plan` on the files written. Measures the
// import's wall time and checks it wrote nothing to AWS and that the plan has no change.
// Used by `npm run bench -- import` (500 services) and by test/integration/import-scale.test.ts (smoke size).
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestClients } from '../src/demo/aws-demo-clients.js';
import { startMotoServer } from '../src/demo/moto-server.js';
import { resetMotoServer } from '../src/demo/moto-server.js';
import { FaultProxy } from '../test/support/fault-proxy.js';
import { CLI } from './controller-process.js';
import { buildInventory, type ScaleSize } from './scale-inventory.js';
import { buildScaleWorld } from './scale-world.js';

const run = promisify(execFile);

export interface ImportScaleOptions {
  size: ScaleSize;
  latencyMs: number;
  /** an empty moto to build in (default: one of its own); it is reset first */
  motoUrl?: string;
  /** where the files are written (must not exist) */
  outDir: string;
  log: (line: string) => void;
}

export interface ImportScaleReport {
  services: number;
  buildSeconds: number;
  importSeconds: number;
  importReads: number;
  importWrites: number;
  files: number;
  validateExit: number;
  planExit: number;
  /** changes other than noop and adoption tags */
  planChanges: number;
  adoptions: number;
}

async function cli(args: string[], endpoint: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
  try {
    const out = await run(process.execPath, [CLI, ...args], { env, maxBuffer: 256 << 20, timeout: 600_000 });
    return { code: 0, stdout: out.stdout, stderr: out.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export async function runImportScale(opts: ImportScaleOptions): Promise<ImportScaleReport> {
  const moto = opts.motoUrl === undefined ? await startMotoServer() : { url: opts.motoUrl, stop: async () => undefined };
  const proxy = new FaultProxy({ target: moto.url, latencyMs: opts.latencyMs });
  try {
    await resetMotoServer(moto.url);
    const inv = buildInventory(opts.size);
    const clients = createTestClients(moto.url);
    const { ids, timing } = await buildScaleWorld(clients, inv);
    clients.destroy();
    opts.log(`world built: ${inv.services.length} services in ${timing.totalSeconds.toFixed(1)} s`);

    const url = await proxy.start();
    const selectors = [
      ...inv.clusters.flatMap((c) => ['--cluster', c]),
      ...inv.loadBalancers.flatMap((lb) => ['--load-balancer', lb]),
      ...ids.securityGroupIds.flatMap((sg) => ['--security-group', sg]),
    ];
    const t0 = performance.now();
    const imported = await cli(['import', ...selectors, '--out', opts.outDir], url);
    const importSeconds = (performance.now() - t0) / 1000;
    if (imported.code !== 0) throw new Error(`import exited ${imported.code}: ${imported.stderr}`);
    const counts = proxy.counts();
    const importReads = Object.values(counts).reduce((a, b) => a + b, 0) - proxy.writes().length;
    const importWrites = proxy.writes().length;
    opts.log(`import: ${importSeconds.toFixed(1)} s at ${opts.latencyMs} ms latency, ${importReads} reads, ${importWrites} writes`);

    const validated = await cli(['validate', opts.outDir], moto.url);
    const planned = await cli(['plan', opts.outDir, '--json'], moto.url);
    const plan = JSON.parse(planned.stdout || '{"changes":[]}') as { changes: { action: string; tagOnly: boolean }[] };
    return {
      services: inv.services.length,
      buildSeconds: timing.totalSeconds,
      importSeconds,
      importReads,
      importWrites,
      files: (await readdir(opts.outDir)).length,
      validateExit: validated.code,
      planExit: planned.code,
      planChanges: plan.changes.filter((c) => c.action !== 'noop' && !c.tagOnly).length,
      adoptions: plan.changes.filter((c) => c.tagOnly).length,
    };
  } finally {
    await proxy.stop();
    await moto.stop();
  }
}

export function importScaleMarkdown(r: ImportScaleReport, latencyMs: number): string {
  return [
    `| services | world build | import (${latencyMs} ms latency) | reads | writes | files | validate | plan | changes | adoptions |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${r.services} | ${r.buildSeconds.toFixed(1)} s | ${r.importSeconds.toFixed(1)} s | ${r.importReads} | ${r.importWrites} | ${r.files} | exit ${r.validateExit} | exit ${r.planExit} | ${r.planChanges} | ${r.adoptions} |`,
  ].join('\n');
}
