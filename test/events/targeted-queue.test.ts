// The targeted queue: a flood of events is coalesced into few reconciles, never two of a
// resource at once; a message is deleted only after every resource it touched was reconciled
// by a run that started after it arrived; a failed resource keeps its messages for SQS to redeliver.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { TargetedQueue, type TargetedRun } from '../../src/events/targeted-queue.js';
import { ControllerLoop } from '../../src/controller/loop.js';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { ControllerMetrics } from '../../src/server/metrics.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

function harness(opts: { fail?: (id: string) => boolean; runMs?: number } = {}) {
  const runs: string[][] = [];
  const removed: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const perResource = new Map<string, number>();
  let maxPerResource = 0;
  const queue = new TargetedQueue({
    run: async (ids): Promise<TargetedRun> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      for (const id of ids) {
        perResource.set(id, (perResource.get(id) ?? 0) + 1);
        maxPerResource = Math.max(maxPerResource, perResource.get(id) ?? 0);
      }
      runs.push([...ids]);
      await tick(opts.runMs ?? 5);
      for (const id of ids) perResource.set(id, (perResource.get(id) ?? 1) - 1);
      inFlight -= 1;
      const failed = ids.filter((id) => opts.fail?.(id) === true);
      return { reconciled: ids.filter((id) => !failed.includes(id)), failed };
    },
    between: (work) => work(),
    remove: async (handle) => {
      removed.push(handle);
    },
    logger: silentLogger(),
  });
  return { queue, runs, removed, stats: () => ({ maxInFlight, maxPerResource }) };
}

describe('TargetedQueue', () => {
  it('coalesces 1,000 events on 20 resources into a few runs, one at a time, and deletes every message', async () => {
    const h = harness();
    for (let i = 0; i < 1_000; i++) {
      h.queue.add(`m${i}`, `h${i}`, [`ListenerRule/r${i % 20}`]);
      if (i % 100 === 0) await tick(1);
    }
    await h.queue.idle();
    expect(h.stats()).toEqual({ maxInFlight: 1, maxPerResource: 1 });
    expect(h.runs.length).toBeLessThan(40);
    expect(new Set(h.runs.flat()).size).toBe(20);
    expect(h.removed).toHaveLength(1_000);
    expect(h.queue.held).toBe(0);
  });

  it('keeps the messages of a resource whose reconcile failed (SQS redelivers them, then dead-letters)', async () => {
    const h = harness({ fail: (id) => id === 'Service/api' });
    h.queue.add('m1', 'h1', ['Service/api']);
    h.queue.add('m2', 'h2', ['ListenerRule/users']);
    h.queue.add('m3', 'h3', ['ListenerRule/users', 'Service/api']);
    await h.queue.idle();
    expect(h.removed).toEqual(['h2']);
    expect(h.queue.held).toBe(0);
  });

  it('a message that arrives while its resource is being reconciled waits for the next run', async () => {
    const h = harness({ runMs: 30 });
    h.queue.add('m1', 'h1', ['ListenerRule/users']);
    await tick(10); // the first run has started and read AWS
    h.queue.add('m2', 'h2', ['ListenerRule/users']);
    await tick(25);
    expect(h.removed).toEqual(['h1']);
    await h.queue.idle();
    expect(h.removed).toEqual(['h1', 'h2']);
    expect(h.runs).toEqual([['ListenerRule/users'], ['ListenerRule/users']]);
  });

  it('the same message redelivered is deleted once, with its newest receipt handle', async () => {
    const h = harness({ runMs: 20 });
    h.queue.add('m1', 'old', ['ListenerRule/users']);
    h.queue.add('m1', 'new', ['ListenerRule/users']);
    await h.queue.idle();
    expect(h.removed).toEqual(['new']);
  });

  it('a run that throws (AWS unreachable) keeps every message of the batch', async () => {
    const removed: string[] = [];
    const queue = new TargetedQueue({
      run: () => Promise.reject(new Error('connect ECONNREFUSED')),
      between: (work) => work(),
      remove: async (h) => void removed.push(h),
      logger: silentLogger(),
    });
    queue.add('m1', 'h1', ['ListenerRule/users']);
    await queue.idle();
    expect(removed).toEqual([]);
    expect(queue.held).toBe(0);
  });
});

describe('ControllerLoop.between', () => {
  it('runs work only when no cycle runs, and a cycle asked for meanwhile runs after it', async () => {
    const log: string[] = [];
    let running = 0;
    let overlap = false;
    const status = new ControllerStatus({ intervalMs: 60_000 });
    const loop = new ControllerLoop({
      cycle: async () => {
        running += 1;
        overlap ||= running > 1;
        log.push('cycle');
        await tick(30);
        running -= 1;
        return 'success';
      },
      intervalMs: 60_000,
      cycleTimeoutMs: 5_000,
      logger: silentLogger(),
      status,
      metrics: new ControllerMetrics(),
    });
    loop.trigger('start');
    const work = loop.between(async () => {
      running += 1;
      overlap ||= running > 1;
      log.push('targeted');
      loop.trigger('push'); // asked for while the targeted reconcile runs
      await tick(30);
      running -= 1;
      return 7;
    });
    expect(await work).toBe(7);
    await tick(60);
    await loop.stop(1_000);
    expect(overlap).toBe(false);
    expect(log).toEqual(['cycle', 'targeted', 'cycle']);
  });
});

describe('confirming a correction', () => {
  it('reads a corrected resource once more, and only once (a tool fighting back is no loop)', async () => {
    const runs: string[][] = [];
    const queue = new TargetedQueue({
      run: async (ids) => {
        runs.push([...ids]);
        return { reconciled: [...ids], failed: [], corrected: [...ids] };
      },
      between: (work) => work(),
      remove: async () => undefined,
      logger: silentLogger(),
    });
    queue.add('m1', 'h1', ['ListenerRule/users']);
    await queue.idle();
    expect(runs).toEqual([['ListenerRule/users'], ['ListenerRule/users']]);
  });
});
