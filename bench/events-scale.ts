// bench/events-scale: issue 17's second must-hold. The scale world (500 services, 1415 declared
// resources) in moto, adopted by one `apply` straight to moto (no limiter: the ~5.5 min
// bucket-bound cold apply is the scale bench's business, not this one's); the daemon as its own
// process through the fault proxy (AWS's buckets, a fixed latency) with `--interval 60s
// --resync 10m --events-queue <url>`; console-style edits straight to moto, each followed by
// its CloudTrail event put on EventBridge (the rule of deploy/events-rule-pattern.json targets
// the queue). Per edit: PutEvents -> the edited fields read back as declared. Per AWS service:
// every call the proxy saw, split into the resync's full cycle, each edit's window and the
// idle time between, so reads per hour can be derived for 20 edits an hour.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createTestClients } from '../src/demo/aws-demo-clients.js';
import { startMotoServer } from '../src/demo/moto-server.js';
import { ALICE } from '../test/events/cloudtrail-fixtures.js';
import { FaultProxy, type RecordedCall } from '../test/support/fault-proxy.js';
import { awsBuckets, refillSeconds } from './aws-buckets.js';
import { controllerEnv, type ControllerProcess, type LogLine, startController } from './controller-process.js';
import { type Edit, type EditWorld, makeEdit, pickEdits, probe } from './events-edits.js';
import { createEventsQueue } from './events-queue-setup.js';
import { type CallWindow, type EventsReport, type EditResult, summariseEvents } from './events-summary.js';
import { writeScaleDesired } from './scale-desired.js';
import { buildInventory, inventoryCounts, type ScaleSize } from './scale-inventory.js';
import { buildScaleWorld } from './scale-world.js';

export interface EventsBenchOptions {
  size: ScaleSize;
  latencyMs: number;
  /** console edits spread over the time up to the first resync */
  edits: number;
  resyncMs: number;
  intervalMs: number;
  /** the daemon's SQS long-poll wait (--events-wait), seconds */
  waitSeconds: number;
  workDir: string;
  log: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (at: number): Promise<void> => sleep(Math.max(0, at - Date.now()));
const ms = (d: string): number => Date.parse(d);

/** Polls `probe` straight to moto every 100 ms until it equals `declared`; returns when it did (Date.now()). */
async function waitDeclared(w: EditWorld, edit: Edit, declared: string, timeoutMs: number): Promise<number | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await probe(w, edit)) === declared) return Date.now();
    await sleep(100);
  }
  return undefined;
}

async function statusOf(url: string): Promise<{ nextCycleAt: string | null; runningCycle: unknown; events?: { mode: string; intervalMs: number } }> {
  return (await (await fetch(`${url}/status`)).json()) as never;
}

/** One edit: the change in moto, its event, then the wait until it reads as declared again. */
async function runEdit(w: EditWorld, edit: Edit, put: (e: Parameters<Awaited<ReturnType<typeof createEventsQueue>>['put']>[0]) => Promise<void>, daemon: ControllerProcess, label: string): Promise<EditResult> {
  const declared = await probe(w, edit);
  const event = await makeEdit(w, edit);
  const edited = await probe(w, edit);
  const from = daemon.lines.length;
  const putAt = Date.now();
  await put({ ...event, userArn: ALICE, eventTime: new Date(putAt).toISOString().replace(/\.\d+Z$/, 'Z') });
  const correctedAt = await waitDeclared(w, edit, declared, 60_000);
  const lines = daemon.lines.slice(from);
  const received = lines.find((l) => l.event === 'events.received' && Array.isArray(l.resources) && (l.resources as unknown[]).includes(edit.resource));
  const detected = lines.find((l) => l.event === 'drift.detected' && l.resource === edit.resource);
  return {
    label,
    kind: edit.kind,
    resource: edit.resource,
    eventName: event.eventName,
    editTookEffect: edited !== declared,
    putAt,
    correctedMs: correctedAt === undefined ? undefined : correctedAt - putAt,
    receivedMs: received === undefined ? undefined : ms(String(received.time)) - putAt,
    author: detected === undefined ? undefined : String(detected.author ?? ''),
    authorNamesUser: detected !== undefined && String(detected.author ?? '').includes(ALICE) && String(detected.author ?? '').includes(event.eventName),
  };
}

/** SQS attempts per operation since the daemon started (ecs_reconciler_aws_calls_total). */
function sqsFromMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^ecs_reconciler_aws_calls_total\{([^}]*)\} (\d+)/gm)) {
    const labels = m[1] ?? '';
    if (!/service="sqs"/.test(labels)) continue;
    const op = /operation="([^"]+)"/.exec(labels)?.[1] ?? 'unknown';
    out[`sqs:${op}`] = (out[`sqs:${op}`] ?? 0) + Number(m[2]);
  }
  return out;
}

function cycleWindow(done: LogLine): CallWindow {
  const end = ms(String(done.time));
  return { from: end - Number(done.durationMs), to: end };
}

export async function runEventsBench(opts: EventsBenchOptions): Promise<EventsReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadStart = loadavg();
  const { log } = opts;
  const inv = buildInventory(opts.size);
  log(`inventory: ${JSON.stringify(inventoryCounts(inv))}`);
  const moto = await startMotoServer();
  const direct = createTestClients(moto.url);
  const buckets = awsBuckets();
  const proxy = new FaultProxy({ target: moto.url, latencyMs: opts.latencyMs, rateLimits: buckets });
  let daemon: ControllerProcess | undefined;
  const queue = await createEventsQueue(moto.url);
  try {
    const world = await buildScaleWorld(direct, inv);
    log(`world built in moto: ${world.timing.totalSeconds.toFixed(1)} s`);
    const desiredDir = join(opts.workDir, 'desired');
    await writeScaleDesired(inv, world.ids, desiredDir);
    // adopt everything (tags, the scaling targets) straight to moto, limiter off
    const adopt = startController(['apply', desiredDir], controllerEnv({ endpoint: moto.url, extra: { ECS_RECONCILER_RATE_LIMITS: 'off' } }));
    const adopted = await adopt.exited;
    if (adopted.code !== 0) throw new Error(`apply (adopt) exited ${adopted.code}: ${adopt.tail()}`);
    log(`adopted by apply straight to moto in ${adopted.seconds.toFixed(1)} s`);

    const endpoint = await proxy.start();
    daemon = startController(
      [
        'run',
        '--source', desiredDir,
        '--interval', `${opts.intervalMs / 1000}s`,
        '--resync', `${opts.resyncMs / 1000}s`,
        '--events-queue', queue.queueUrl,
        '--events-wait', `${opts.waitSeconds}s`,
        // with --prune, as the exclusive group's opened rule is revoked (without, it is only reported)
        '--prune',
        '--git-poll', '24h',
        '--port', '0',
        '--host', '127.0.0.1',
      ],
      controllerEnv({ endpoint, extra: { LOG_LEVEL: 'info' } }),
    );
    const listening = await daemon.waitFor((l) => l.event === 'server.listening' && typeof l.url === 'string', 60_000);
    const url = String(listening.url);
    const warm = await daemon.waitFor((l) => (l.event === 'cycle.completed' || l.event === 'cycle.failed') && l.cycle === 1, 10 * 60_000);
    const warmWindow = cycleWindow(warm);
    log(`warm-up cycle (task definitions uncached): ${warm.result}, ${(Number(warm.durationMs) / 1000).toFixed(1)} s`);
    const warmReads = Object.fromEntries(Object.entries(proxy.counts()).filter(([op]) => /^[a-z0-9-]+:(Describe|List|Get)/.test(op) && !op.startsWith('sqs:') && !op.startsWith('sts:')));
    await sleep(Math.ceil(refillSeconds(warmReads, buckets) * 1000) + 500);
    const status = await statusOf(url);
    if (status.nextCycleAt === null) throw new Error('the daemon shows no next cycle after its first');
    const resyncAt = ms(status.nextCycleAt);
    log(`events mode ${status.events?.mode}, full cycles every ${(status.events?.intervalMs ?? 0) / 1000} s; the resync is due at ${status.nextCycleAt}`);

    const edits = pickEdits(inv, opts.edits + 1);
    const during = edits.pop() as Edit;
    const w: EditWorld = { inv, ids: world.ids, clients: direct };
    const idleFrom = Date.now();
    const first = idleFrom + 5_000;
    const last = resyncAt - 20_000;
    const spacing = opts.edits > 1 ? Math.max(0, (last - first) / (opts.edits - 1)) : 0;
    const results: EditResult[] = [];
    for (const [i, edit] of edits.entries()) {
      await sleepUntil(first + i * spacing);
      const r = await runEdit(w, edit, queue.put, daemon, `edit ${i + 1}`);
      results.push(r);
      log(`${r.label}/${opts.edits} ${r.kind} ${r.resource} (${r.eventName}): ${r.correctedMs === undefined ? 'NOT corrected in 60 s' : `corrected ${(r.correctedMs / 1000).toFixed(2)} s after PutEvents`} (received ${r.receivedMs ?? '?'} ms)`);
    }
    // one more edit while the resync's full cycle runs: the targeted run waits for the cycle
    let duringResult: EditResult | undefined;
    const waitingSince = Date.now();
    const resyncDone = (): boolean => daemon?.lines.some((l) => (l.event === 'cycle.completed' || l.event === 'cycle.failed') && l.cycle === 2) === true;
    let running = false;
    while (!running && !resyncDone()) {
      running = (await statusOf(url)).runningCycle !== null;
      if (Date.now() - waitingSince > opts.resyncMs * 0.2 + 60_000) throw new Error('the resync cycle did not start');
      if (!running) await sleep(200);
    }
    if (running) {
      await sleep(1_000);
      duringResult = await runEdit(w, during, queue.put, daemon, 'during the resync');
      log(`edit during the resync ${during.kind} ${during.resource}: ${duringResult.correctedMs === undefined ? 'NOT corrected in 60 s' : `corrected ${(duringResult.correctedMs / 1000).toFixed(2)} s after PutEvents`}`);
    } else log('the resync ran before the edits were done: no edit during it');
    const resync = await daemon.waitFor((l) => (l.event === 'cycle.completed' || l.event === 'cycle.failed') && l.cycle === 2, 5 * 60_000);
    await sleep(3_000); // the during-resync edit's confirming read
    const endAt = Date.now();
    // the SDK sends SQS calls to the queue URL's host (moto), past the proxy: counted from /metrics
    const sqsCalls = sqsFromMetrics(await (await fetch(`${url}/metrics`)).text());
    const fallbacks = daemon.lines.filter((l) => l.event === 'events.fallback').length;
    const cyclesRun = daemon.lines.filter((l) => l.event === 'cycle.completed' || l.event === 'cycle.failed').length;
    await daemon.stop();
    const exit = await daemon.exited;
    const calls: RecordedCall[] = [...proxy.calls];
    return summariseEvents({
      startedAt,
      loadStart,
      loadEnd: loadavg(),
      options: { size: opts.size, latencyMs: opts.latencyMs, edits: opts.edits, resyncMs: opts.resyncMs, intervalMs: opts.intervalMs, waitSeconds: opts.waitSeconds },
      inventory: inventoryCounts(inv),
      setupSeconds: world.timing.totalSeconds,
      adoptSeconds: adopted.seconds,
      warm: { window: warmWindow, result: String(warm.result) },
      resync: { window: cycleWindow(resync), result: String(resync.result) },
      idle: { from: idleFrom, to: results[0]?.putAt ?? endAt },
      endAt,
      edits: results,
      during: duringResult,
      calls,
      sqsCalls,
      driftOnResync: daemon.lines.filter((l) => l.event === 'drift.detected' && ms(String(l.time)) >= cycleWindow(resync).from && ms(String(l.time)) <= cycleWindow(resync).to && l.resource !== during.resource).length,
      cyclesRun,
      fallbacks,
      exitCode: exit.code,
      totalSeconds: (performance.now() - started) / 1000,
    });
  } finally {
    await daemon?.stop(5_000);
    await proxy.stop();
    queue.destroy();
    direct.destroy();
    await moto.stop();
  }
}
