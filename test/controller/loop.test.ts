import { describe, expect, it, vi, afterEach } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { ControllerLoop } from '../../src/controller/loop.js';
import type { CycleResult } from '../../src/server/controller-status.js';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { ControllerMetrics } from '../../src/server/metrics.js';

afterEach(() => vi.useRealTimers());

function harness(cycle: (signal: AbortSignal) => Promise<CycleResult>, extra: Partial<ConstructorParameters<typeof ControllerLoop>[0]> = {}) {
  const status = new ControllerStatus({ intervalMs: 10_000 });
  const loop = new ControllerLoop({
    cycle,
    intervalMs: 10_000,
    jitter: 0,
    cycleTimeoutMs: 5_000,
    logger: silentLogger(),
    status,
    metrics: new ControllerMetrics({ defaultMetrics: false }),
    ...extra,
  });
  return { loop, status };
}

describe('ControllerLoop', () => {
  it('never runs two cycles at once and coalesces triggers into one follow-up cycle', async () => {
    vi.useFakeTimers();
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const { loop } = harness(async () => {
      calls += 1;
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 1_000));
      running -= 1;
      return 'success';
    });
    loop.start();
    loop.trigger('push');
    loop.trigger('push');
    loop.trigger('push');
    await vi.advanceTimersByTimeAsync(2_500);
    expect(calls).toBe(2);
    expect(maxRunning).toBe(1);
    await loop.stop(1_000);
  });

  it('runs every interval when cycles succeed', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { loop } = harness(async () => {
      calls += 1;
      return 'success';
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(35_000);
    expect(calls).toBe(4); // t=0, 10, 20, 30 s
    await loop.stop(1_000);
  });

  it('backs off exponentially after failures, capped at the interval, and resets on success', async () => {
    vi.useFakeTimers();
    const starts: number[] = [];
    let fail = 4;
    const { loop, status } = harness(async () => {
      starts.push(Date.now());
      if (fail > 0) {
        fail -= 1;
        throw new Error('AWS unreachable');
      }
      return 'success';
    }, { backoffBaseMs: 1_000, intervalMs: 5_000 });
    const t0 = Date.now();
    loop.start();
    await vi.advanceTimersByTimeAsync(30_000);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? t0));
    expect(gaps.slice(0, 5)).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(status.snapshot().lastCycle?.result).toBe('success');
    await loop.stop(1_000);
  });

  it('reports a cycle that runs past the timeout and waits for it before the next one', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let running = 0;
    let overlap = false;
    const { loop, status } = harness(async () => {
      calls += 1;
      if (running > 0) overlap = true;
      running += 1;
      await new Promise((r) => setTimeout(r, calls === 1 ? 8_000 : 10));
      running -= 1;
      return 'success';
    }, { cycleTimeoutMs: 2_000, backoffBaseMs: 100 });
    loop.start();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(status.snapshot().lastCycle?.result).toBe('timeout');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(overlap).toBe(false);
    await loop.stop(1_000);
  });

  it('aborts a timed-out cycle\'s signal; the cycle ends on it and the next one starts right after', async () => {
    vi.useFakeTimers();
    const starts: number[] = [];
    const { loop, status } = harness((signal) => {
      starts.push(Date.now());
      if (starts.length > 1) return Promise.resolve<CycleResult>('success');
      // stands for a cycle whose AWS requests are refused once it timed out
      return new Promise<CycleResult>((_resolve, reject) => signal.addEventListener('abort', () => setTimeout(() => reject(signal.reason as Error), 500)));
    }, { cycleTimeoutMs: 2_000, backoffBaseMs: 100 });
    const t0 = Date.now();
    loop.start();
    await vi.advanceTimersByTimeAsync(2_400);
    expect(starts).toHaveLength(1); // the timed-out cycle has not settled yet: never two at once
    expect(status.snapshot().lastCycle?.result).toBe('timeout');
    await vi.advanceTimersByTimeAsync(300);
    expect(starts.map((t) => t - t0)).toEqual([0, 2_600]); // settled at 2.5 s, backoff 100 ms
    await loop.stop(1_000);
  });

  it('stop() takes no new cycles and waits for the running one', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let finished = false;
    const { loop } = harness(async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 3_000));
      finished = true;
      return 'success';
    });
    loop.start();
    const stopped = loop.stop(25_000);
    loop.trigger('push');
    await vi.advanceTimersByTimeAsync(4_000);
    await expect(stopped).resolves.toBe(true);
    expect(finished).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
  });

  it('stop() gives up after the grace period', async () => {
    vi.useFakeTimers();
    const { loop } = harness(() => new Promise<CycleResult>(() => undefined), { cycleTimeoutMs: 600_000 });
    loop.start();
    const stopped = loop.stop(25_000);
    await vi.advanceTimersByTimeAsync(25_001);
    await expect(stopped).resolves.toBe(false);
  });
});
