// Turns the recorded cycles of one benchmark run into the figures the issue asks for and the
// pass/fail of each "must hold". Pure: records in, summary out.
import { type AwsBucket, bucketDemand } from './aws-buckets.js';
import type { CycleRecord } from './daemon-driver.js';
import { minimumDriftWrites, type MinimumCalls } from './minimum-calls.js';
import type { Drift } from './scale-drifts.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** the condition does not apply to this run (shown as n/a; counts as passed) */
  notApplicable?: boolean;
}

export interface SteadySummary {
  cycles: number;
  /** mean calls per cycle per `service:Operation`, beside the minimum */
  perOperation: { operation: string; perCycle: number; max: number; minimum: number }[];
  readsPerCycle: number;
  minimumReads: number;
  readRatio: number;
  writes: number;
  throttled: number;
  failedCycles: number;
  wallP50Ms: number;
  wallP95Ms: number;
  wallMaxMs: number;
  /** seconds AWS's buckets (full at the start) need for one cycle's calls */
  bucketSeconds: number;
  /** the same at the controller's 90 % share of each bucket */
  bucketSecondsAtLimiterShare: number;
  /** sequential round trips x latency: the floor when no bucket is the limit */
  latencyFloorSeconds: number;
  slowestBucket: string;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** ELBv2's chain: load balancers -> listeners -> rules -> tags (target groups run beside it). */
export const SEQUENTIAL_ROUND_TRIPS = 4;

export function summariseSteady(records: readonly CycleRecord[], minimum: MinimumCalls, buckets: readonly AwsBucket[], latencyMs: number, utilization = 0.9): SteadySummary {
  const ops = new Set<string>([...Object.keys(minimum.calls), ...records.flatMap((r) => Object.keys(r.calls))]);
  const writeOps = new Set(records.flatMap((r) => r.writes));
  const perOperation = [...ops]
    .filter((op) => !writeOps.has(op))
    .sort()
    .map((operation) => {
      const values = records.map((r) => r.calls[operation] ?? 0);
      return {
        operation,
        perCycle: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
        max: Math.max(0, ...values),
        minimum: minimum.calls[operation] ?? 0,
      };
    });
  const readsPerCycle = perOperation.reduce((n, o) => n + o.perCycle, 0);
  const maxCalls: Record<string, number> = Object.fromEntries(perOperation.map((o) => [o.operation, o.max]));
  const demand = bucketDemand(maxCalls, buckets);
  const slowest = demand.byBucket.reduce((a, b) => (b.seconds > a.seconds ? b : a), demand.byBucket[0] ?? { bucket: '-', seconds: 0 });
  const walls = records.map((r) => r.durationMs);
  return {
    cycles: records.length,
    perOperation,
    readsPerCycle,
    minimumReads: minimum.total,
    readRatio: minimum.total === 0 ? 0 : readsPerCycle / minimum.total,
    writes: records.reduce((n, r) => n + r.writes.length, 0),
    throttled: records.reduce((n, r) => n + r.throttled, 0),
    failedCycles: records.filter((r) => r.result !== 'success').length,
    wallP50Ms: percentile(walls, 50),
    wallP95Ms: percentile(walls, 95),
    wallMaxMs: Math.max(0, ...walls),
    bucketSeconds: demand.seconds,
    bucketSecondsAtLimiterShare: bucketDemand(maxCalls, buckets, utilization).seconds,
    latencyFloorSeconds: (SEQUENTIAL_ROUND_TRIPS * latencyMs) / 1000,
    slowestBucket: `${slowest.bucket}${'operation' in slowest && slowest.operation ? `:${slowest.operation}` : ''}`,
  };
}

export function steadyChecks(s: SteadySummary, label: string): Check[] {
  const bound = s.bucketSeconds * 1.5;
  const bucketBound = s.bucketSeconds > s.latencyFloorSeconds;
  return [
    { name: `${label}: reads <= 1.1x minimum`, ok: s.readRatio <= 1.1, detail: `${s.readsPerCycle.toFixed(1)} / ${s.minimumReads} = ${s.readRatio.toFixed(3)}x` },
    { name: `${label}: zero writes`, ok: s.writes === 0, detail: `${s.writes} writes in ${s.cycles} cycles` },
    { name: `${label}: zero throttling errors from the proxy`, ok: s.throttled === 0, detail: `${s.throttled}` },
    { name: `${label}: no failed cycle`, ok: s.failedCycles === 0 && s.cycles > 0, detail: `${s.failedCycles} failed of ${s.cycles}` },
    bucketBound
      ? {
          name: `${label}: cycle p95 within 1.5x of the buckets' time`,
          ok: s.wallP95Ms / 1000 <= bound,
          detail: `p95 ${(s.wallP95Ms / 1000).toFixed(2)} s vs buckets ${s.bucketSeconds.toFixed(2)} s: bound ${bound.toFixed(2)} s (${((s.wallP95Ms / 1000) / s.bucketSeconds).toFixed(2)}x)`,
        }
      : {
          name: `${label}: cycle p95 within 1.5x of the buckets' time`,
          ok: true,
          notApplicable: true,
          detail: `no bucket limits this cycle (buckets ${s.bucketSeconds.toFixed(2)} s < latency floor ${s.latencyFloorSeconds.toFixed(2)} s); p95 ${(s.wallP95Ms / 1000).toFixed(2)} s`,
        },
  ];
}

export interface DriftSummary {
  drifts: number;
  driftedResources: number;
  expectedWrites: Record<string, number>;
  actualWrites: Record<string, number>;
  /** drifted resources the controller did not report as drift.detected */
  undetected: string[];
  /** drifted resources not drift.corrected in that cycle */
  uncorrected: string[];
  /** resources reported as drifted that were not drifted */
  spurious: string[];
  wallMs: number;
  result: string;
  /** the cycle after: writes and drifts (both must be 0) */
  followUpWrites: number;
  followUpDrifts: number;
}

export function summariseDrift(drifts: readonly Drift[], cycle: CycleRecord, followUp: CycleRecord | undefined): DriftSummary {
  const resources = new Set(drifts.map((d) => d.resource));
  const actualWrites: Record<string, number> = {};
  for (const w of cycle.writes) actualWrites[w] = (actualWrites[w] ?? 0) + 1;
  const detected = new Set(Object.keys(cycle.driftDetected));
  const corrected = new Set(cycle.driftCorrected);
  return {
    drifts: drifts.length,
    driftedResources: resources.size,
    expectedWrites: minimumDriftWrites(drifts),
    actualWrites,
    undetected: [...resources].filter((r) => !detected.has(r)),
    uncorrected: [...resources].filter((r) => !corrected.has(r)),
    spurious: [...detected].filter((r) => !resources.has(r)),
    wallMs: cycle.durationMs,
    result: cycle.result,
    followUpWrites: followUp?.writes.length ?? -1,
    followUpDrifts: followUp === undefined ? -1 : Object.keys(followUp.driftDetected).length,
  };
}

export function driftChecks(d: DriftSummary): Check[] {
  const expectedTotal = Object.values(d.expectedWrites).reduce((a, b) => a + b, 0);
  const actualTotal = Object.values(d.actualWrites).reduce((a, b) => a + b, 0);
  const sameByOp = Object.keys({ ...d.expectedWrites, ...d.actualWrites }).every((op) => (d.expectedWrites[op] ?? 0) === (d.actualWrites[op] ?? 0));
  return [
    {
      name: 'drift: every drifted resource detected and corrected in the next cycle',
      ok: d.undetected.length === 0 && d.uncorrected.length === 0 && d.spurious.length === 0 && d.result === 'success',
      detail: `${d.drifts} drifts on ${d.driftedResources} resources; undetected ${d.undetected.length}, uncorrected ${d.uncorrected.length}, spurious ${d.spurious.length}`,
    },
    {
      name: 'drift: writes == drifted fields grouped per resource and write API',
      ok: sameByOp && expectedTotal === actualTotal,
      detail: `${actualTotal} writes, expected ${expectedTotal} (${Object.entries(d.actualWrites).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    },
    {
      name: 'drift: the cycle after is clean',
      ok: d.followUpWrites === 0 && d.followUpDrifts === 0,
      detail: `${d.followUpWrites} writes, ${d.followUpDrifts} drifts`,
    },
  ];
}
