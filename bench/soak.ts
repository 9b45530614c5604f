// bench/soak (issue 5): the real daemon process, `run --interval 50ms --max-cycles 500`, against
// moto holding the world desired/ refers to (the five seed systems and the controller's own
// deployment; desired/ rendered with the ids moto generated), its
// RSS sampled from /proc after every cycle. The client-side limiter is off (moto has no quota;
// AWS's ELBv2 bucket would pace this desired state to ~1.7 s a cycle). Reports the growth (must stay under 20 MB) and
// the per-cycle slope over the warm part of the run, which is what a leak shows up as.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestClients } from '../src/demo/aws-demo-clients.js';
import { startMotoServer } from '../src/demo/moto-server.js';
import { buildDesiredDirWorld, renderDesired } from '../src/demo/worlds/seed-systems.js';
import { controllerEnv, REPO_ROOT, startController } from './controller-process.js';
import { percentile } from './scale-summary.js';
import type { Check } from './scale-summary.js';
import { checksTable } from './scale-report.js';

export interface SoakOptions {
  cycles: number;
  intervalMs: number;
  log: (line: string) => void;
}

export interface SoakReport {
  startedAt: string;
  loadAverage: { start: number[]; end: number[] };
  cycles: number;
  intervalMs: number;
  exitCode: number | null;
  failedCycles: number;
  seconds: number;
  cycleP50Ms: number;
  cycleP95Ms: number;
  /** RSS when cycle 1, 10, 50 and the last cycle finished, MB */
  rssAfterMb: Record<string, number>;
  /** highest RSS sampled after the first cycle, MB */
  rssMaxMb: number;
  /** last - first */
  growthMb: number;
  /** highest - first */
  peakGrowthMb: number;
  /** least-squares slope of RSS over the cycles after the 50th, kB per cycle */
  slopeKbPerCycle: number;
  /** RSS after each cycle, MB (cycle i at index i - 1) */
  rssSeriesMb: number[];
  /** getrusage peak of the process, MB */
  maxRssMb: number | undefined;
  checks: Check[];
  ok: boolean;
}

const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const { log } = opts;
  const startedAt = new Date().toISOString();
  const loadStart = (await import('node:os')).loadavg();
  const moto = await startMotoServer();
  const direct = createTestClients(moto.url);
  const dir = await mkdtemp(join(tmpdir(), 'ecs-reconciler-soak-'));
  try {
    const ids = await buildDesiredDirWorld(direct);
    const desiredDir = join(REPO_ROOT, 'desired');
    const files = (await readdir(desiredDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    await renderDesired(
      files.map((f) => join(desiredDir, f)),
      ids,
      dir,
    );
    log(`soak: the worlds of desired/ (${files.join(', ')}) in moto, desired rendered to ${dir}; ${opts.cycles} cycles at ${opts.intervalMs} ms`);
    const started = performance.now();
    const proc = startController(
      ['run', '--source', dir, '--interval', `${opts.intervalMs}ms`, '--max-cycles', String(opts.cycles), '--port', '0', '--host', '127.0.0.1', '--owner-id', 'ecs-reconciler-soak'],
      // moto has no AWS quota to protect: with AWS's buckets in force a 50 ms interval would
      // be paced by the ELBv2 bucket (about 1.7 s a cycle at this size) instead of the loop
      controllerEnv({ endpoint: moto.url, extra: { LOG_LEVEL: 'info', ECS_RECONCILER_RATE_LIMITS: 'off' } }),
    );
    const after: { cycle: number; rssKb: number; durationMs: number; result: string }[] = [];
    let next = 1;
    let from = 0;
    while (next <= opts.cycles) {
      const line = await proc.waitFor((l) => (l.event === 'cycle.completed' || l.event === 'cycle.failed') && l.cycle === next, 120_000, from);
      from = line.index + 1;
      const m = proc.memory();
      after.push({ cycle: next, rssKb: m?.rssKb ?? 0, durationMs: Number(line.durationMs), result: String(line.result) });
      if (next % 100 === 0) log(`soak: cycle ${next}, RSS ${mb(m?.rssKb ?? 0)} MB`);
      next += 1;
    }
    const exit = await Promise.race([proc.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 60_000))]);
    if (exit === undefined) await proc.stop(5_000);
    const ended = await proc.exited;
    const rss = after.filter((a) => a.rssKb > 0);
    const marks = [1, 10, 50, opts.cycles].filter((c, i, all) => c <= opts.cycles && all.indexOf(c) === i);
    const first = rss[0]?.rssKb ?? 0;
    const last = rss[rss.length - 1]?.rssKb ?? 0;
    const max = Math.max(0, ...rss.map((a) => a.rssKb));
    const at = (c: number): number => mb(rss.find((a) => a.cycle === c)?.rssKb ?? 0);
    const durations = after.map((a) => a.durationMs);
    const failedCycles = after.filter((a) => a.result !== 'success').length;
    const growthMb = mb(last - first);
    const peakGrowthMb = mb(max - first);
    const slopeKb = slope(rss.filter((a) => a.cycle > 50).map((a) => ({ x: a.cycle, y: a.rssKb })));
    const checks: Check[] = [
      { name: `soak: ${opts.cycles} cycles ran, none failed`, ok: after.length === opts.cycles && failedCycles === 0, detail: `${after.length} cycles, ${failedCycles} failed` },
      { name: 'soak: RSS growth (last - first cycle) < 20 MB', ok: growthMb < 20, detail: `${growthMb} MB (${mb(first)} -> ${mb(last)} MB)` },
      { name: 'soak: exit 0 after --max-cycles', ok: ended.code === 0, detail: `exit ${ended.code}` },
    ];
    return {
      startedAt,
      loadAverage: { start: loadStart.map((l) => Math.round(l * 100) / 100), end: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100) },
      cycles: after.length,
      intervalMs: opts.intervalMs,
      exitCode: ended.code,
      failedCycles,
      seconds: (performance.now() - started) / 1000,
      cycleP50Ms: percentile(durations, 50),
      cycleP95Ms: percentile(durations, 95),
      rssAfterMb: Object.fromEntries(marks.map((c) => [String(c), at(c)])),
      rssMaxMb: mb(max),
      growthMb,
      peakGrowthMb,
      slopeKbPerCycle: Math.round(slopeKb * 100) / 100,
      rssSeriesMb: after.map((a) => mb(a.rssKb)),
      maxRssMb: ended.maxRssKb === undefined ? undefined : mb(ended.maxRssKb),
      checks,
      ok: checks.every((c) => c.ok),
    };
  } finally {
    direct.destroy();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function soakMarkdown(r: SoakReport): string {
  const rows = Object.entries(r.rssAfterMb).map(([c, v]) => `${v} MB after cycle ${c}`);
  return [
    `### Daemon soak (${r.startedAt})`,
    '',
    `\`ECS_RECONCILER_RATE_LIMITS=off ecs-reconciler run --interval ${r.intervalMs}ms --max-cycles ${r.cycles}\` against moto holding the world of desired/ (five seed systems + the controller's own service); ` +
      `${r.cycles} cycles in ${r.seconds.toFixed(0)} s (cycle p50 ${r.cycleP50Ms} ms, p95 ${r.cycleP95Ms} ms); load average ${r.loadAverage.start.join(' / ')} at the start, ${r.loadAverage.end.join(' / ')} at the end.`,
    '',
    `RSS: ${rows.join(', ')}; highest ${r.rssMaxMb} MB; growth ${r.growthMb} MB (peak ${r.peakGrowthMb} MB above the first cycle); ` +
      `slope after cycle 50: ${r.slopeKbPerCycle} kB per cycle; getrusage peak ${r.maxRssMb ?? '-'} MB.`,
    '',
    ...checksTable(r.checks),
    '',
  ].join('\n');
}
