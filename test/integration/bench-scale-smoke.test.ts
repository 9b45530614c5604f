// A smoke-sized run of bench/scale (issue 7) against the test run's moto: the benchmark's own
// machinery (world builder, desired files, proxy buckets, daemon driven by webhook, drift
// injection, minimum-call arithmetic) works end to end, and at this size the controller
// already reads exactly the minimum, writes nothing when nothing changed, and corrects every
// drift with one write per resource. Needs dist/ (npm test builds it first).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScaleBench, type ScaleReport } from '../../bench/scale.js';
import { SMOKE_SIZE } from '../../bench/scale-inventory.js';
import { motoUrl } from '../support/moto-test-context.js';

describe('bench/scale, smoke size', () => {
  let workDir: string | undefined;
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('cold apply, steady cycles at the minimum with no writes, drifts corrected with grouped writes', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    const report: ScaleReport = await runScaleBench({
      size: SMOKE_SIZE,
      latencyMs: 10,
      steadyCycles: 2,
      drifts: 8,
      seed: 7,
      elbv2Quotas: [{ capacity: 40, refillPerSecond: 10 }],
      calibrationCycles: 0,
      workDir,
      motoUrl: motoUrl(),
      log: () => undefined,
    });
    const run = report.runs[0];
    expect(run).toBeDefined();
    if (!run) return;
    // the cold apply adopted every declared resource
    expect(run.first.result).toBe('success');
    expect(Object.values(run.first.writes).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(run.steady.readsPerCycle).toBe(run.steady.minimumReads);
    expect(run.steady.writes).toBe(0);
    expect(run.cycles.reduce((n, c) => n + c.throttled, 0)).toBe(0);
    expect(run.drift?.undetected).toEqual([]);
    expect(run.drift?.uncorrected).toEqual([]);
    expect(run.drift?.actualWrites).toEqual(run.drift?.expectedWrites);
    expect(run.drift?.followUpWrites).toBe(0);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  }, 60_000);
});
