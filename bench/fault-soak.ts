// bench/fault-soak (issue 11): the real daemon (`dist/cli.js run --interval 1s`) behind the fault
// proxy for N minutes (default 30): 30 % of calls throttled, 5 % answered 500, and every 5 minutes
// a 20 s window in which every answer is trickled (1 body byte a second). moto holds the world of
// desired/ plus three FOREIGN resources where the controller looks (an untagged rule on a managed
// listener, an untagged ingress rule in a non-exclusive managed group, an untagged target group).
// Every minute a drift is made by hand straight in moto and must be corrected. Every second:
// /healthz, /readyz, the daemon's VmRSS. At the end: stuck loops, /readyz honesty, duplicates,
// foreign resources touched, RSS growth, writes per drift.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestClients } from '../src/demo/aws-demo-clients.js';
import { startMotoServer } from '../src/demo/moto-server.js';
import { buildDesiredDirWorld, renderDesired } from '../src/demo/worlds/seed-systems.js';
import { listenerArn } from '../src/demo/worlds/world-building-blocks.js';
import { loadDesiredState } from '../src/spec/load-desired-state.js';
import type { DesiredState } from '../src/spec/types.js';
import { FaultProxy, type FaultRule, type RecordedCall } from '../test/support/fault-proxy.js';
import { controllerEnv, REPO_ROOT, startController } from './controller-process.js';
import {
  createForeign,
  type Drift,
  DRIFT_KINDS,
  duplicateCensus,
  type DuplicateCensus,
  foreignPlacement,
  foreignState,
  makeDrift,
  revisionBaseline,
} from './fault-soak-world.js';
import { checksTable } from './scale-report.js';
import { type Check, percentile } from './scale-summary.js';

export interface FaultSoakOptions {
  minutes: number;
  intervalMs: number;
  throttle: number;
  error500: number;
  /** a trickle window starts every this many seconds (the first one after one period) */
  trickleEverySec: number;
  trickleSec: number;
  /** ms between two trickled body bytes */
  trickleByteMs: number;
  driftEverySec: number;
  seed: number;
  log: (line: string) => void;
}

interface Sample {
  /** ms since t0, when the probe was sent */
  t: number;
  sentAt: number;
  readyAt: number;
  healthz: number;
  readyz: number;
  readyReason: string;
  rssKb: number | undefined;
  inTrickle: boolean;
}

interface CycleEnd {
  cycle: number;
  at: number;
  result: string;
  durationMs: number;
  error?: string;
}

interface WriteCall {
  at: number;
  call: RecordedCall;
}

interface DriftRecord {
  n: number;
  kind: string;
  resource: string;
  detail: string;
  /** s since t0 */
  injectedAtS: number;
  inTrickle: boolean;
  corrected: boolean;
  correctedAfterS: number | null;
  /** write attempts the proxy saw from this drift until the next one (all outcomes) */
  writeAttempts: number;
  /** of those, the ones moto answered with success */
  writesLanded: number;
  writes: Record<string, number>;
  error?: string;
}

interface TrickleWindow {
  startS: number;
  endS: number;
  /** s after the window start of the first /readyz 503 */
  first503AfterS: number | null;
  /** s after the window end of the first /readyz 200 after the 503s */
  ready200AfterEndS: number | null;
  /** s after the window end of the first reconciled cycle */
  reconciledAfterEndS: number | null;
  /** longest gap between two finished cycles that overlaps the window, s */
  longestGapS: number;
}

export interface FaultSoakReport {
  startedAt: string;
  loadAverage: { start: number[]; end: number[] };
  options: Omit<FaultSoakOptions, 'log'>;
  setupSeconds: number;
  /** s from the daemon's start to its first successful cycle (cold apply under faults) */
  firstSuccessAfterS: number;
  coldApplyWrites: Record<string, number>;
  seconds: number;
  cycles: { total: number; byResult: Record<string, number>; p50Ms: number; p95Ms: number; maxMs: number };
  proxy: { calls: number; byOutcome: Record<string, number> };
  stuck: { maxGapS: number; maxGapAtS: number; stallBoundS: number; gapsOverBound: number; gapsOver3Intervals: number; healthz503: number; stuckLoops: number };
  readiness: {
    samples: number;
    ready200: number;
    ready503: number;
    falseReady: number;
    false503: number;
    dishonest: { tS: number; readyz: number; reason: string; lastReconciledAgoS: number | null }[];
    windows: TrickleWindow[];
  };
  rss: { warmupS: number; windowS: number; firstMeanMb: number; lastMeanMb: number; growthMb: number; minMb: number; maxMb: number; maxRssMb: number | undefined; seriesMb: number[] };
  drifts: DriftRecord[];
  /** writes between the first successful cycle and the first drift (the cold apply's tail) */
  writesOutsideDrifts: number;
  writesOutsideDriftsByOp: Record<string, number>;
  duplicates: DuplicateCensus;
  foreign: { ids: Record<string, string>; changed: string[]; writesNaming: string[] };
  exitCode: number | null;
  errorsLogged: Record<string, number>;
  checks: Check[];
  ok: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (kb: number): number => Math.round((kb / 1024) * 10) / 10;
const r1 = (n: number): number => Math.round(n * 10) / 10;
const RECONCILED = new Set(['success', 'partial']);

function steadyFaults(o: FaultSoakOptions): FaultRule[] {
  return [
    { fault: 'throttle', probability: o.throttle },
    // 5 % of all calls: the rule sees the 70 % the throttle rule let through
    { fault: 'error500', probability: o.error500 / (1 - o.throttle) },
  ];
}

async function probe(url: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { status: 0, body: (e as Error).message };
  }
}

export async function runFaultSoak(opts: FaultSoakOptions): Promise<FaultSoakReport> {
  const { log } = opts;
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const setupStarted = performance.now();
  const moto = await startMotoServer();
  const direct = createTestClients(moto.url);
  const dir = await mkdtemp(join(tmpdir(), 'ecs-reconciler-fault-soak-'));
  let proxy: FaultProxy | undefined;
  let proc: ReturnType<typeof startController> | undefined;
  try {
    const ids = await buildDesiredDirWorld(direct);
    const desiredDir = join(REPO_ROOT, 'desired');
    const files = (await readdir(desiredDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    await renderDesired(files.map((f) => join(desiredDir, f)), ids, dir);
    const loaded = await loadDesiredState(dir);
    if (!loaded.ok) throw new Error(`fault-soak: the rendered desired state does not load: ${JSON.stringify(loaded.errors.slice(0, 3))}`);
    const state: DesiredState = loaded.state;
    const baseline = await revisionBaseline(direct, state);
    const placement = foreignPlacement(state);

    proxy = new FaultProxy({ target: moto.url, seed: opts.seed, faults: steadyFaults(opts) });
    const endpoint = await proxy.start();
    const byOutcome: Record<string, number> = {};
    let callsSeen = 0;
    const writes: WriteCall[] = [];
    /** moves the proxy's recorded calls into our tallies (the proxy keeps none between drains) */
    const drain = (): void => {
      const calls = proxy!.calls.slice();
      proxy!.resetCounts();
      const at = Date.now();
      for (const c of calls) {
        callsSeen += 1;
        byOutcome[c.outcome] = (byOutcome[c.outcome] ?? 0) + 1;
        if (c.write) writes.push({ at, call: c });
      }
    };

    log(`fault-soak: world of desired/ (${files.join(', ')}) in moto; the daemon behind the proxy (${opts.throttle * 100} % throttle, ${opts.error500 * 100} % 500)`);
    const daemonStarted = Date.now();
    proc = startController(
      ['run', '--source', dir, '--interval', `${opts.intervalMs}ms`, '--port', '0', '--host', '127.0.0.1', '--owner-id', 'ecs-reconciler-fault-soak'],
      controllerEnv({ endpoint, extra: { LOG_LEVEL: 'info' } }),
      1_000,
    );
    const listening = await proc.waitFor((l) => l.event === 'server.listening' && typeof l.url === 'string', 60_000);
    const base = String(listening.url);
    const firstSuccess = await proc.waitFor((l) => l.event === 'cycle.completed' && l.result === 'success', 10 * 60_000);
    const firstSuccessAfterS = (Date.parse(String(firstSuccess.time)) - daemonStarted) / 1000;
    drain();
    const coldApplyWrites: Record<string, number> = {};
    for (const w of writes) coldApplyWrites[`${w.call.service}:${w.call.operation}`] = (coldApplyWrites[`${w.call.service}:${w.call.operation}`] ?? 0) + 1;
    writes.length = 0;
    await listenerArn(direct, placement.listener.loadBalancer, placement.listener.port);
    const foreign = await createForeign(direct, placement);
    const foreignBefore = await foreignState(direct, foreign);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    log(`fault-soak: first successful cycle ${firstSuccessAfterS.toFixed(1)} s after start; foreign resources placed (${foreign.ruleArn.split('/').pop()}, ${foreign.securityGroupRuleId}, target group)`);

    // ---------- the run ----------
    const t0 = Date.now();
    const durationMs = opts.minutes * 60_000;
    const end = t0 + durationMs;
    const windows: { start: number; end: number }[] = [];
    for (let s = opts.trickleEverySec * 1000; s + opts.trickleSec * 1000 <= durationMs - 30_000; s += opts.trickleEverySec * 1000) windows.push({ start: t0 + s, end: t0 + s + opts.trickleSec * 1000 });
    const driftTimes: number[] = [];
    // 5 s past the minute: the drift of every 5th minute falls inside that minute's trickle window
    for (let s = opts.driftEverySec * 1000 + 5_000; s <= durationMs - 45_000; s += opts.driftEverySec * 1000) driftTimes.push(t0 + s);
    const inTrickle = (at: number): boolean => windows.some((w) => at >= w.start && at < w.end);
    log(`fault-soak: ${opts.minutes} min from now: ${windows.length} trickle windows, ${driftTimes.length} drifts`);

    const samples: Sample[] = [];
    const drifts: DriftRecord[] = [];
    const driftTasks: Promise<void>[] = [];
    let trickling = false;
    let nextWindow = 0;
    let nextDrift = 0;
    let configs = 0;

    const runDrift = async (n: number, at: number): Promise<void> => {
      const kind = DRIFT_KINDS[n % DRIFT_KINDS.length]!;
      const record: DriftRecord = { n, kind, resource: '', detail: '', injectedAtS: r1((at - t0) / 1000), inTrickle: inTrickle(at), corrected: false, correctedAfterS: null, writeAttempts: 0, writesLanded: 0, writes: {} };
      drifts.push(record);
      let drift: Drift;
      try {
        drift = await makeDrift(direct, state, kind, n);
      } catch (e) {
        record.error = (e as Error).message;
        return;
      }
      record.resource = drift.resource;
      record.detail = drift.detail;
      const injected = Date.now();
      const giveUp = injected + 180_000;
      while (Date.now() < giveUp) {
        await sleep(500);
        if (await drift.corrected().catch(() => false)) {
          record.corrected = true;
          record.correctedAfterS = r1((Date.now() - injected) / 1000);
          return;
        }
      }
    };

    let lastLog = t0;
    for (let tick = 0; Date.now() < end; tick++) {
      const now = Date.now();
      // trickle windows: every answer trickled, one byte a second
      const w = windows[nextWindow];
      if (w && !trickling && now >= w.start) {
        proxy.configure({ seed: opts.seed + ++configs, faults: [{ fault: 'trickle', trickleMs: opts.trickleByteMs }] });
        trickling = true;
        log(`fault-soak: trickle window ${nextWindow + 1}/${windows.length} on (${opts.trickleSec} s)`);
      } else if (w && trickling && now >= w.end) {
        proxy.configure({ seed: opts.seed + ++configs, faults: steadyFaults(opts) });
        trickling = false;
        nextWindow += 1;
        log('fault-soak: trickle window off');
      }
      const d = driftTimes[nextDrift];
      if (d !== undefined && now >= d) {
        driftTasks.push(runDrift(nextDrift, now));
        nextDrift += 1;
      }
      const sentAt = Date.now();
      const [h, r] = await Promise.all([probe(`${base}/healthz`), probe(`${base}/readyz`)]);
      const readyAt = Date.now();
      let reason = '';
      try {
        reason = String((JSON.parse(r.body) as { reason?: string }).reason ?? '');
      } catch {
        reason = r.body.slice(0, 200);
      }
      samples.push({ t: sentAt - t0, sentAt, readyAt, healthz: h.status, readyz: r.status, readyReason: reason, rssKb: proc.memory()?.rssKb, inTrickle: trickling });
      drain();
      if (now - lastLog >= 60_000) {
        lastLog = now;
        const done = proc.lines.filter((l) => l.event === 'cycle.completed' || l.event === 'cycle.failed').length;
        log(`fault-soak: ${Math.round((now - t0) / 1000)} s, ${done} cycles finished, RSS ${mb(proc.memory()?.rssKb ?? 0)} MB, readyz ${r.status}, healthz ${h.status}`);
      }
      const next = t0 + (tick + 1) * 1000;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
    }
    if (trickling) proxy.configure({ seed: opts.seed + ++configs, faults: steadyFaults(opts) });
    await Promise.all(driftTasks);
    const runEnded = Date.now();
    drain();
    log('fault-soak: run over; SIGTERM to the daemon');
    await proc.stop(30_000);
    const exited = await proc.exited;
    await proxy.settled();
    drain();

    // ---------- what the daemon logged ----------
    const ends: CycleEnd[] = proc.lines
      .filter((l) => l.event === 'cycle.completed' || l.event === 'cycle.failed')
      .map((l) => ({ cycle: Number(l.cycle), at: Date.parse(String(l.time)), result: String(l.result), durationMs: Number(l.durationMs ?? l.runningMs ?? 0), ...(l.error ? { error: String(l.error) } : {}) }))
      .filter((c) => Number.isFinite(c.at));
    const inRun = ends.filter((c) => c.at >= t0 && c.at <= runEnded);
    const byResult: Record<string, number> = {};
    for (const c of inRun) byResult[c.result] = (byResult[c.result] ?? 0) + 1;
    const errorsLogged: Record<string, number> = {};
    for (const l of proc.lines) {
      const severe = typeof l.level === 'number' ? l.level >= 50 : l.level === 'error' || l.level === 'fatal';
      if (severe && Date.parse(String(l.time)) >= t0) {
        const key = String(l.error ?? l.msg ?? l.event).replace(/\d{3,}/g, 'N').slice(0, 160);
        errorsLogged[key] = (errorsLogged[key] ?? 0) + 1;
      }
    }

    // stuck loops: the longest time without a finished cycle
    const finishTimes = ends.map((c) => c.at).filter((at) => at >= t0 - 60_000 && at <= runEnded).sort((a, b) => a - b);
    const points = [t0, ...finishTimes.filter((a) => a > t0), runEnded];
    let maxGap = 0;
    let maxGapAt = 0;
    const gaps: { from: number; to: number }[] = [];
    for (let i = 1; i < points.length; i++) {
      const g = points[i]! - points[i - 1]!;
      gaps.push({ from: points[i - 1]!, to: points[i]! });
      if (g > maxGap) {
        maxGap = g;
        maxGapAt = points[i - 1]! - t0;
      }
    }
    const stallBoundMs = 2 * opts.intervalMs + 300_000 + 90_000;
    const gapsOverBound = gaps.filter((g) => g.to - g.from > stallBoundMs).length;
    const gapsOver3 = gaps.filter((g) => g.to - g.from > 3 * opts.intervalMs).length;
    const healthz503 = samples.filter((s) => s.healthz !== 200).length;

    // /readyz honesty: ready iff a reconciled cycle finished within the last 3 intervals; the
    // probe's answer was computed somewhere in [sentAt, readyAt]: honest when the truth takes the
    // answered value at some instant of that span (250 ms either side for the log's timestamps)
    const reconciled = ends.filter((c) => RECONCILED.has(c.result)).map((c) => c.at).sort((a, b) => a - b);
    const limit = 3 * opts.intervalMs;
    const lastReconciledBefore = (t: number): number | undefined => {
      let lo = 0;
      let hi = reconciled.length - 1;
      let found: number | undefined;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (reconciled[mid]! <= t) {
          found = reconciled[mid];
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    };
    const truth = (t: number): boolean => {
      const last = lastReconciledBefore(t);
      return last !== undefined && t - last <= limit;
    };
    const dishonest: FaultSoakReport['readiness']['dishonest'] = [];
    let falseReady = 0;
    let false503 = 0;
    for (const s of samples) {
      if (s.readyz !== 200 && s.readyz !== 503) {
        dishonest.push({ tS: r1(s.t / 1000), readyz: s.readyz, reason: s.readyReason, lastReconciledAgoS: null });
        continue;
      }
      const said = s.readyz === 200;
      let honest = false;
      for (let t = s.sentAt - 250; t <= s.readyAt + 250; t += 25) {
        if (truth(t) === said) {
          honest = true;
          break;
        }
      }
      if (!honest) {
        if (said) falseReady += 1;
        else false503 += 1;
        const last = lastReconciledBefore(s.readyAt);
        dishonest.push({ tS: r1(s.t / 1000), readyz: s.readyz, reason: s.readyReason, lastReconciledAgoS: last === undefined ? null : r1((s.readyAt - last) / 1000) });
      }
    }
    const windowReports: TrickleWindow[] = windows.map((w) => {
      const first503 = samples.find((s) => s.sentAt >= w.start && s.readyz === 503);
      const after503 = first503 ? samples.find((s) => s.sentAt > first503.sentAt && s.sentAt >= w.end && s.readyz === 200) : undefined;
      const rec = reconciled.find((at) => at >= w.end);
      const overlapping = gaps.filter((g) => g.to >= w.start && g.from <= w.end);
      return {
        startS: (w.start - t0) / 1000,
        endS: (w.end - t0) / 1000,
        first503AfterS: first503 && first503.sentAt < w.end + 60_000 ? r1((first503.sentAt - w.start) / 1000) : null,
        ready200AfterEndS: after503 ? r1((after503.sentAt - w.end) / 1000) : null,
        reconciledAfterEndS: rec === undefined ? null : r1((rec - w.end) / 1000),
        longestGapS: r1(Math.max(0, ...overlapping.map((g) => g.to - g.from)) / 1000),
      };
    });

    // RSS: mean of the first window after the warm-up vs the last window
    const totalS = (runEnded - t0) / 1000;
    const warmupS = Math.min(120, Math.floor(totalS / 4));
    const windowS = Math.min(300, Math.floor((totalS - warmupS) / 3));
    const rssAt = samples.filter((s) => s.rssKb !== undefined) as (Sample & { rssKb: number })[];
    const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
    const firstMean = mean(rssAt.filter((s) => s.t >= warmupS * 1000 && s.t < (warmupS + windowS) * 1000).map((s) => s.rssKb));
    const lastMean = mean(rssAt.filter((s) => s.t >= (totalS - windowS) * 1000).map((s) => s.rssKb));

    // writes per drift: every write the proxy saw from the drift until the next one
    const sortedDrifts = [...drifts].sort((a, b) => a.n - b.n);
    for (const [i, dr] of sortedDrifts.entries()) {
      const from = t0 + dr.injectedAtS * 1000;
      const to = i + 1 < sortedDrifts.length ? t0 + sortedDrifts[i + 1]!.injectedAtS * 1000 : Date.now();
      const mine = writes.filter((w) => w.at >= from && w.at < to);
      dr.writeAttempts = mine.length;
      dr.writesLanded = mine.filter((w) => (w.call.outcome === 'forwarded' || w.call.outcome === 'trickle' || w.call.outcome === 'delay') && (w.call.status ?? 500) < 400).length;
      for (const w of mine) dr.writes[`${w.call.service}:${w.call.operation}/${w.call.outcome}`] = (dr.writes[`${w.call.service}:${w.call.operation}/${w.call.outcome}`] ?? 0) + 1;
    }
    const firstDriftAt = sortedDrifts[0] ? t0 + sortedDrifts[0].injectedAtS * 1000 : Date.now();
    const outside = writes.filter((w) => w.at < firstDriftAt);
    const writesOutsideDrifts = outside.length;
    const writesOutsideDriftsByOp: Record<string, number> = {};
    for (const w of outside) writesOutsideDriftsByOp[`${w.call.service}:${w.call.operation}/${w.call.outcome}`] = (writesOutsideDriftsByOp[`${w.call.service}:${w.call.operation}/${w.call.outcome}`] ?? 0) + 1;

    // duplicates and the foreign resources, with the daemon stopped
    const duplicates = await duplicateCensus(direct, state, baseline);
    const foreignAfter = await foreignState(direct, foreign);
    const changed = Object.keys(foreignBefore).filter((k) => foreignBefore[k] !== foreignAfter[k]);
    const foreignIds = [foreign.ruleArn, foreign.targetGroupArn, foreign.securityGroupRuleId];
    const writesNaming = writes.filter((w) => foreignIds.some((id) => JSON.stringify(w.call.params ?? {}).includes(id))).map((w) => `${w.call.service}:${w.call.operation}`);
    for (const k of changed) log(`fault-soak: foreign ${k} CHANGED:\n  before ${foreignBefore[k]}\n  after  ${foreignAfter[k]}`);

    const durations = inRun.map((c) => c.durationMs);
    const stuckLoops = gapsOverBound + (healthz503 > 0 ? 1 : 0);
    const growthMb = mb(lastMean - firstMean);
    const extras = duplicates.extraTaskDefinitions + duplicates.extraRules + duplicates.extraSgRules + duplicates.extraTargetGroups;
    const windowsOk = windowReports.every((w) => w.first503AfterS !== null && w.ready200AfterEndS !== null);
    const checks: Check[] = [
      {
        name: '0 stuck loops',
        ok: stuckLoops === 0,
        detail: `longest time without a finished cycle ${r1(maxGap / 1000)} s (at ${r1(maxGapAt / 1000)} s; /healthz bound ${stallBoundMs / 1000} s); ${gapsOverBound} gaps over the bound; /healthz non-200 in ${healthz503} of ${samples.length} samples`,
      },
      {
        name: '/readyz honest within 3 intervals',
        ok: dishonest.length === 0 && windowsOk,
        detail: `${dishonest.length} dishonest of ${samples.length} samples (${falseReady} ready while no cycle reconciled for 3 intervals, ${false503} not ready while one had); trickle windows: ${windowReports.map((w) => `503 after ${w.first503AfterS ?? '-'} s, 200 ${w.ready200AfterEndS ?? '-'} s after the end`).join('; ') || 'none'}`,
      },
      {
        name: '0 duplicates',
        ok: extras === 0,
        detail: `${duplicates.extraTaskDefinitions} extra task definition revisions, ${duplicates.extraRules} extra listener rules, ${duplicates.extraSgRules} duplicate SG rules, ${duplicates.extraTargetGroups} extra target groups`,
      },
      {
        name: '0 foreign resources touched',
        ok: changed.length === 0 && writesNaming.length === 0,
        detail: `${changed.length} of 3 changed${changed.length ? ` (${changed.join(', ')})` : ''}; ${writesNaming.length} writes naming them`,
      },
      {
        name: 'RSS growth < 20 MB',
        ok: growthMb < 20,
        detail: `${growthMb} MB (mean of the last ${windowS} s ${mb(lastMean)} MB - mean of ${warmupS}..${warmupS + windowS} s ${mb(firstMean)} MB)`,
      },
      {
        name: 'every drift corrected',
        ok: drifts.length > 0 && drifts.every((d) => d.corrected),
        detail: `${drifts.filter((d) => d.corrected).length} of ${drifts.length}; p50 ${percentile(drifts.filter((d) => d.corrected).map((d) => d.correctedAfterS ?? 0), 50)} s, max ${Math.max(0, ...drifts.map((d) => d.correctedAfterS ?? 0))} s`,
      },
      { name: 'exit 0 on SIGTERM', ok: exited.code === 0, detail: `exit ${exited.code}${exited.signal ? ` (${exited.signal})` : ''}` },
    ];
    return {
      startedAt,
      loadAverage: { start: loadStart.map((l) => Math.round(l * 100) / 100), end: loadavg().map((l) => Math.round(l * 100) / 100) },
      options: { minutes: opts.minutes, intervalMs: opts.intervalMs, throttle: opts.throttle, error500: opts.error500, trickleEverySec: opts.trickleEverySec, trickleSec: opts.trickleSec, trickleByteMs: opts.trickleByteMs, driftEverySec: opts.driftEverySec, seed: opts.seed },
      setupSeconds: r1(setupSeconds),
      firstSuccessAfterS: r1(firstSuccessAfterS),
      coldApplyWrites,
      seconds: r1(totalS),
      cycles: { total: inRun.length, byResult, p50Ms: percentile(durations, 50), p95Ms: percentile(durations, 95), maxMs: Math.max(0, ...durations) },
      proxy: { calls: callsSeen, byOutcome },
      stuck: { maxGapS: r1(maxGap / 1000), maxGapAtS: r1(maxGapAt / 1000), stallBoundS: stallBoundMs / 1000, gapsOverBound, gapsOver3Intervals: gapsOver3, healthz503, stuckLoops },
      readiness: { samples: samples.length, ready200: samples.filter((s) => s.readyz === 200).length, ready503: samples.filter((s) => s.readyz === 503).length, falseReady, false503, dishonest: dishonest.slice(0, 200), windows: windowReports },
      rss: { warmupS, windowS, firstMeanMb: mb(firstMean), lastMeanMb: mb(lastMean), growthMb, minMb: mb(Math.min(...rssAt.map((s) => s.rssKb))), maxMb: mb(Math.max(...rssAt.map((s) => s.rssKb))), maxRssMb: exited.maxRssKb === undefined ? undefined : mb(exited.maxRssKb), seriesMb: rssAt.filter((_, i) => i % 10 === 0).map((s) => mb(s.rssKb)) },
      drifts: sortedDrifts,
      writesOutsideDrifts,
      writesOutsideDriftsByOp,
      duplicates,
      foreign: { ids: { rule: foreign.ruleArn, targetGroup: foreign.targetGroupArn, securityGroupRule: foreign.securityGroupRuleId }, changed, writesNaming },
      exitCode: exited.code,
      errorsLogged,
      checks,
      ok: checks.every((c) => c.ok),
    };
  } finally {
    if (proc) await proc.stop(5_000);
    if (proxy) await proxy.stop();
    direct.destroy();
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export function faultSoakMarkdown(r: FaultSoakReport): string {
  const o = r.options;
  const drift = r.drifts;
  const corrected = drift.filter((d) => d.corrected);
  const attempts = drift.reduce((a, d) => a + d.writeAttempts, 0);
  const landed = drift.reduce((a, d) => a + d.writesLanded, 0);
  const rows: [string, string][] = [
    ['run', `${r.seconds} s (${o.minutes} min) after a ${r.setupSeconds} s setup (cold apply under faults: first successful cycle after ${r.firstSuccessAfterS} s)`],
    ['load average (1/5/15 min)', `${r.loadAverage.start.join(' / ')} at the start, ${r.loadAverage.end.join(' / ')} at the end`],
    ['cycles finished', `${r.cycles.total} (${Object.entries(r.cycles.byResult).map(([k, v]) => `${v} ${k}`).join(', ')}); p50 ${r.cycles.p50Ms} ms, p95 ${r.cycles.p95Ms} ms, max ${r.cycles.maxMs} ms`],
    ['calls the proxy saw', `${r.proxy.calls} (${Object.entries(r.proxy.byOutcome).map(([k, v]) => `${v} ${k}`).join(', ')})`],
    ['longest time without a finished cycle', `${r.stuck.maxGapS} s at ${r.stuck.maxGapAtS} s (bound ${r.stuck.stallBoundS} s); ${r.stuck.gapsOver3Intervals} gaps over 3 intervals`],
    ['/healthz', `${r.readiness.samples - r.stuck.healthz503} of ${r.readiness.samples} samples 200`],
    ['/readyz', `${r.readiness.ready200} x 200, ${r.readiness.ready503} x 503; dishonest: ${r.readiness.falseReady} ready when not, ${r.readiness.false503} not ready when ready`],
    ...r.readiness.windows.map((w, i): [string, string] => [
      `trickle window ${i + 1} (${w.startS}-${w.endS} s)`,
      `/readyz 503 ${w.first503AfterS ?? '-'} s after its start; first reconciled cycle ${w.reconciledAfterEndS ?? '-'} s and /readyz 200 ${w.ready200AfterEndS ?? '-'} s after its end; longest gap ${w.longestGapS} s`,
    ]),
    ['drifts', `${corrected.length} of ${drift.length} corrected (${drift.filter((d) => d.inTrickle).length} made inside a trickle window); correction p50 ${percentile(corrected.map((d) => d.correctedAfterS ?? 0), 50)} s, max ${Math.max(0, ...corrected.map((d) => d.correctedAfterS ?? 0))} s`],
    ['writes per drift', `${drift.length ? r1(attempts / drift.length) : 0} attempts (${drift.length ? r1(landed / drift.length) : 0} landed) per drift; ${r.writesOutsideDrifts} writes between the first successful cycle and the first drift${r.writesOutsideDrifts ? ` (${Object.entries(r.writesOutsideDriftsByOp).map(([k, v]) => `${k} x${v}`).join(', ')})` : ''}`],
    ['task definition revisions per family', Object.entries(r.duplicates.taskDefinitionRevisions).map(([k, v]) => `${k} ${v}`).join(', ')],
    ['RSS', `${r.rss.firstMeanMb} MB (mean ${r.rss.warmupS}-${r.rss.warmupS + r.rss.windowS} s) -> ${r.rss.lastMeanMb} MB (mean of the last ${r.rss.windowS} s); min ${r.rss.minMb}, max ${r.rss.maxMb} MB, getrusage peak ${r.rss.maxRssMb ?? '-'} MB`],
  ];
  const driftRows = drift.map(
    (d) => `| ${d.n + 1} | ${d.injectedAtS} s${d.inTrickle ? ' (trickle)' : ''} | ${d.resource} | ${d.detail || d.error || ''} | ${d.corrected ? `${d.correctedAfterS} s` : '**no**'} | ${d.writeAttempts} / ${d.writesLanded} | ${Object.entries(d.writes).map(([k, v]) => `${k} x${v}`).join(', ')} |`,
  );
  const errs = Object.entries(r.errorsLogged).sort((a, b) => b[1] - a[1]).slice(0, 8);
  return [
    `### Fault soak (${r.startedAt})`,
    '',
    `\`ecs-reconciler run --interval ${o.intervalMs}ms\` behind the fault proxy: ${o.throttle * 100} % throttled, ${o.error500 * 100} % 500s, a ${o.trickleSec} s trickle (1 byte every ${o.trickleByteMs} ms) every ${o.trickleEverySec} s, a drift by hand every ${o.driftEverySec} s.`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| drift | at | resource | what | corrected after | write attempts / landed | writes |',
    '|---:|---|---|---|---|---|---|',
    ...driftRows,
    '',
    ...checksTable(r.checks),
    '',
    ...(errs.length ? ['Errors the daemon logged (level >= error), most frequent first:', '', ...errs.map(([k, v]) => `- ${v} x ${k}`), ''] : []),
    ...(r.readiness.dishonest.length ? ['Dishonest /readyz samples (first 10):', '', ...r.readiness.dishonest.slice(0, 10).map((d) => `- ${d.tS} s: ${d.readyz}, last reconciled cycle ${d.lastReconciledAgoS ?? '-'} s before: ${d.reason}`), ''] : []),
  ].join('\n');
}
