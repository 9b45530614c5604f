// bench/targets (issue 16): the 500-service world in 3 accounts, each in a moto of its own
// (reached through AssumeRole; the fault proxy routes each account's calls to its moto), adopted
// beforehand (`apply --target` through a routing-only proxy, no limiter), then one
// controller process (`run --config`) through the fault proxy, whose buckets are per account
// and region as AWS's are: first with one target, then with all three. Must hold: the steady
// cycle of 3 targets no slower than 1.2x one target's; peak RSS (VmHWM) of the 3-target
// process under 300 MB.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startMotoServer } from '../src/demo/moto-server.js';
import { assumedRoleClients, roleIn } from '../test/support/assumed-role-clients.js';
import { FaultProxy } from '../test/support/fault-proxy.js';
import { awsBuckets, refillSeconds, type AwsBucket } from './aws-buckets.js';
import { controllerEnv, startController } from './controller-process.js';
import { type CycleRecord, DaemonDriver } from './daemon-driver.js';
import { writeScaleDesired } from './scale-desired.js';
import { buildInventory, type ScaleSize } from './scale-inventory.js';
import { type Check, percentile } from './scale-summary.js';
import { buildScaleWorld } from './scale-world.js';

export const ACCOUNTS = ['111111111111', '222222222222', '333333333333'] as const;
export const TARGETS_SLOWDOWN_BOUND = 1.2;
export const TARGETS_RSS_BOUND_MB = 300;

export interface TargetsOptions {
  size: ScaleSize;
  latencyMs: number;
  steadyCycles: number;
  workDir: string;
  log: (line: string) => void;
}

export interface TargetsRun {
  targets: number;
  warmUpMs: number;
  /** whole cycle (every target) p50 / max */
  cycleP50Ms: number;
  cycleMaxMs: number;
  /** per target: p50 of its part of the steady cycles */
  perTargetP50Ms: Record<string, number>;
  /** steady reads per cycle per account (mean) */
  readsPerAccount: Record<string, number>;
  writes: number;
  throttled: number;
  failedCycles: number;
  peakRssMb: number;
}

export interface TargetsReport {
  startedAt: string;
  loadAverage: { start: number[]; end: number[] };
  options: Omit<TargetsOptions, 'log' | 'workDir'>;
  setupSeconds: number;
  adoptSeconds: number;
  runs: TargetsRun[];
  checks: Check[];
  ok: boolean;
  totalSeconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb: number | undefined): number => Math.round(((kb ?? 0) / 1024) * 10) / 10;
const names = (n: number): string[] => ['a', 'b', 'c'].slice(0, n);

function configYaml(count: number): string {
  const lines = names(count).map((name, i) => `  - { name: ${name}, account: "${ACCOUNTS[i]}", region: us-east-1, roleArn: "${roleIn(ACCOUNTS[i]!)}", path: ${name} }`);
  return `targets:\n${lines.join('\n')}\n`;
}

async function refill(record: CycleRecord, buckets: readonly AwsBucket[], accounts: number): Promise<void> {
  // every account's buckets refill side by side: one account's share of the calls decides
  const reads = Object.fromEntries(Object.entries(record.calls).filter(([op]) => /^[a-z0-9-]+:(Describe|List|Get)/.test(op)).map(([op, n]) => [op, Math.ceil(n / accounts)]));
  await sleep(Math.ceil(refillSeconds(reads, buckets) * 1000) + 300);
}

async function runTargets(count: number, motos: Record<string, string>, sourceDir: string, configFile: string, opts: TargetsOptions): Promise<TargetsRun> {
  const buckets = awsBuckets();
  const proxy = new FaultProxy({ target: motos[ACCOUNTS[0]]!, targetsByAccount: motos, latencyMs: opts.latencyMs, rateLimits: buckets });
  const endpoint = await proxy.start();
  const daemon = await DaemonDriver.start({ sourceDir, configFile, endpoint, proxy });
  try {
    const warm = await daemon.nextCycle('warm-up', false);
    opts.log(`[${count} targets] warm-up: ${(warm.durationMs / 1000).toFixed(1)} s, ${warm.reads} reads, ${warm.writes.length} writes, ${JSON.stringify(warm.targets)}`);
    const steady: CycleRecord[] = [];
    let last = warm;
    for (let c = 1; c <= opts.steadyCycles; c++) {
      await refill(last, buckets, count);
      last = await daemon.nextCycle(`steady ${c}`, true);
      steady.push(last);
      const parts = Object.entries(last.targets).map(([t, r]) => `${t} ${(r.durationMs / 1000).toFixed(2)} s`).join(', ');
      opts.log(`[${count} targets] steady ${c}/${opts.steadyCycles}: ${(last.durationMs / 1000).toFixed(2)} s (${parts}), ${last.reads} reads, ${last.writes.length} writes, ${last.throttled} throttled`);
    }
    const peak = daemon.process.memory()?.hwmKb;
    await daemon.stop();
    const perTargetP50Ms = Object.fromEntries(names(count).map((t) => [t, percentile(steady.map((r) => r.targets[t]?.durationMs ?? Number.NaN), 50)]));
    const readsPerAccount = Object.fromEntries(
      ACCOUNTS.slice(0, count).map((a) => [a, steady.reduce((sum, r) => sum + (r.callsByCaller[a] ?? 0), 0) / Math.max(1, steady.length)]),
    );
    return {
      targets: count,
      warmUpMs: warm.durationMs,
      cycleP50Ms: percentile(steady.map((r) => r.durationMs), 50),
      cycleMaxMs: Math.max(...steady.map((r) => r.durationMs)),
      perTargetP50Ms,
      readsPerAccount,
      writes: steady.reduce((sum, r) => sum + r.writes.length, 0),
      throttled: steady.reduce((sum, r) => sum + r.throttled, 0),
      failedCycles: [warm, ...steady].filter((r) => r.result !== 'success').length,
      peakRssMb: mb(peak),
    };
  } finally {
    await daemon.process.stop(5_000);
    await proxy.stop();
  }
}

export async function runTargetsBench(opts: TargetsOptions): Promise<TargetsReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const inv = buildInventory(opts.size);
  // one moto per account, as AWS serves each account apart: one Python process answering three
  // accounts' calls would make the emulator, not the controller, what three targets wait on
  const motoServers = await Promise.all(ACCOUNTS.map(() => startMotoServer()));
  const motos: Record<string, string> = Object.fromEntries(ACCOUNTS.map((a, i) => [a, motoServers[i]!.url]));
  // the adoptions' way to each account's moto: routing only, no latency, no buckets
  const router = new FaultProxy({ target: motos[ACCOUNTS[0]]!, targetsByAccount: motos });
  const routed = await router.start();
  const sourceDir = join(opts.workDir, 'source');
  mkdirSync(sourceDir, { recursive: true });
  const runs: TargetsRun[] = [];
  let setupSeconds = 0;
  let adoptSeconds = 0;
  try {
    const t0 = performance.now();
    for (const [i, account] of ACCOUNTS.entries()) {
      const clients = await assumedRoleClients(motos[account]!, account);
      try {
        const world = await buildScaleWorld(clients, inv);
        await writeScaleDesired(inv, world.ids, join(sourceDir, names(3)[i]!));
        opts.log(`world in account ${account}: ${world.timing.totalSeconds.toFixed(1)} s`);
      } finally {
        clients.destroy();
      }
    }
    setupSeconds = (performance.now() - t0) / 1000;
    const configs = [1, 3].map((n) => {
      const file = join(opts.workDir, `controller-${n}.yaml`);
      writeFileSync(file, configYaml(n));
      return file;
    });
    // adopt every account first (tags written straight to moto, no limiter): the runs measure steady
    // cycles. One account at a time: three unlimited applies at once overload moto
    // (calls time out at 500 services)
    const t1 = performance.now();
    const adopted: number[] = [];
    for (const t of names(3)) {
      const p = startController(
        ['apply', sourceDir, '--config', configs[1]!, '--target', t, '--no-wait', '--owner-id', 'ecs-reconciler-bench'],
        controllerEnv({ endpoint: routed, extra: { ECS_RECONCILER_RATE_LIMITS: 'off' } }),
      );
      const done = await p.exited;
      if (done.code !== 0) throw new Error(`apply --target ${t} exited ${done.code}:\n${p.tail()}`);
      adopted.push(done.seconds);
    }
    adoptSeconds = (performance.now() - t1) / 1000;
    opts.log(`adopted 3 accounts in ${adoptSeconds.toFixed(1)} s (${adopted.map((s) => s.toFixed(1)).join(', ')} s)`);
    runs.push(await runTargets(1, motos, sourceDir, configs[0]!, opts));
    runs.push(await runTargets(3, motos, sourceDir, configs[1]!, opts));
  } finally {
    await router.stop();
    await Promise.all(motoServers.map((m) => m.stop()));
  }
  const [one, three] = runs as [TargetsRun, TargetsRun];
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const slowest = Math.max(...Object.values(three.perTargetP50Ms));
  const checks: Check[] = [
    {
      name: `steady cycle of 3 targets <= ${TARGETS_SLOWDOWN_BOUND}x one target`,
      ok: three.cycleP50Ms <= one.cycleP50Ms * TARGETS_SLOWDOWN_BOUND,
      detail: `p50 ${s(three.cycleP50Ms)} vs ${s(one.cycleP50Ms)} = ${(three.cycleP50Ms / one.cycleP50Ms).toFixed(2)}x; slowest target p50 ${s(slowest)}`,
    },
    { name: `peak RSS of one process with 3 targets < ${TARGETS_RSS_BOUND_MB} MB`, ok: three.peakRssMb < TARGETS_RSS_BOUND_MB, detail: `${three.peakRssMb} MB (one target: ${one.peakRssMb} MB)` },
    { name: 'zero writes and zero throttles in steady cycles', ok: one.writes + three.writes + one.throttled + three.throttled === 0, detail: `${one.writes + three.writes} writes, ${one.throttled + three.throttled} throttled` },
    { name: 'no failed cycle', ok: one.failedCycles + three.failedCycles === 0, detail: `${one.failedCycles + three.failedCycles}` },
  ];
  return {
    startedAt,
    loadAverage: { start: loadStart.map((v) => Math.round(v * 100) / 100), end: loadavg().map((v) => Math.round(v * 100) / 100) },
    options: { size: opts.size, latencyMs: opts.latencyMs, steadyCycles: opts.steadyCycles },
    setupSeconds,
    adoptSeconds,
    runs,
    checks,
    ok: checks.every((c) => c.ok),
    totalSeconds: (performance.now() - started) / 1000,
  };
}

export function targetsMarkdown(r: TargetsReport): string {
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  const out = [
    `### Targets benchmark (${r.startedAt})`,
    '',
    `${r.options.size.clusters * r.options.size.servicesPerCluster} services per account, 3 accounts, each in a moto of its own; latency ${r.options.latencyMs} ms; ${r.options.steadyCycles} steady cycles per run; world ${r.setupSeconds.toFixed(1)} s, adoption ${r.adoptSeconds.toFixed(1)} s; whole run ${(r.totalSeconds / 60).toFixed(1)} min; load ${r.loadAverage.start.join(' / ')} -> ${r.loadAverage.end.join(' / ')}.`,
    '',
    '| targets | warm-up | steady cycle p50 / max | per target p50 | reads per account per cycle | peak RSS |',
    '|---:|---:|---:|---|---|---:|',
    ...r.runs.map(
      (run) =>
        `| ${run.targets} | ${s(run.warmUpMs)} s | ${s(run.cycleP50Ms)} / ${s(run.cycleMaxMs)} s | ${Object.entries(run.perTargetP50Ms).map(([t, v]) => `${t} ${s(v)} s`).join(', ')} | ${Object.values(run.readsPerAccount).map((v) => v.toFixed(0)).join(', ')} | ${run.peakRssMb} MB |`,
    ),
    '',
    '| must hold | result | measured |',
    '|---|---|---|',
    ...r.checks.map((c) => `| ${c.name} | ${c.ok ? 'PASS' : '**FAIL**'} | ${c.detail} |`),
  ];
  return `${out.join('\n')}\n`;
}
