// The events bench's arithmetic and report: the proxy's calls split by time into the resync's
// full cycle, each edit's window (its PutEvents to the next edit's) and the idle time before the
// first edit; reads per hour for a resync every --resync and 20 edits an hour against a full
// cycle every 60 s; the must-holds; the Markdown tables.
import type { RecordedCall } from '../test/support/fault-proxy.js';
import type { EditKind } from './events-edits.js';
import type { ScaleSize } from './scale-inventory.js';
import { percentile, type Check } from './scale-summary.js';

export const EDITS_PER_HOUR = 20;
export const POLL_INTERVAL_S = 60;
export const READS_BOUND = 0.2;
export const CORRECTED_BOUND_MS = 5_000;

export interface CallWindow {
  /** Date.now() times, from inclusive, to exclusive */
  from: number;
  to: number;
}

export interface EditResult {
  label: string;
  kind: EditKind;
  resource: string;
  eventName: string;
  /** the edit changed what the probe reads (else the edit proves nothing) */
  editTookEffect: boolean;
  putAt: number;
  /** PutEvents sent -> the edited fields read back as declared (undefined: not within 60 s) */
  correctedMs: number | undefined;
  /** PutEvents sent -> the daemon's events.received line */
  receivedMs: number | undefined;
  /** the drift.detected line's author */
  author: string | undefined;
  authorNamesUser: boolean;
}

export interface EditCalls extends EditResult {
  reads: number;
  writes: number;
  byService: Record<string, number>;
  calls: Record<string, number>;
}

export interface EventsInput {
  startedAt: string;
  loadStart: number[];
  loadEnd: number[];
  options: { size: ScaleSize; latencyMs: number; edits: number; resyncMs: number; intervalMs: number; waitSeconds: number };
  inventory: Record<string, number>;
  setupSeconds: number;
  adoptSeconds: number;
  warm: { window: CallWindow; result: string };
  resync: { window: CallWindow; result: string };
  idle: CallWindow;
  endAt: number;
  edits: EditResult[];
  during: EditResult | undefined;
  calls: RecordedCall[];
  /** SQS attempts per operation over the daemon's life (from its /metrics: they do not pass the proxy) */
  sqsCalls: Record<string, number>;
  /** drift.detected lines of the resync cycle, the during-resync edit's left out */
  driftOnResync: number;
  cyclesRun: number;
  fallbacks: number;
  exitCode: number | null;
  totalSeconds: number;
}

export interface EventsReport {
  startedAt: string;
  loadAverage: { start: number[]; end: number[] };
  options: EventsInput['options'];
  inventory: Record<string, number>;
  setupSeconds: number;
  adoptSeconds: number;
  warmUp: { seconds: number; reads: number; result: string };
  resync: { seconds: number; reads: number; writes: number; byService: Record<string, number>; calls: Record<string, number>; result: string };
  edits: EditCalls[];
  during: EditCalls | undefined;
  corrected: { p50Ms: number; p95Ms: number; maxMs: number; received: { p50Ms: number; maxMs: number } };
  perEdit: { reads: number; writes: number; byService: Record<string, number> };
  idle: { seconds: number; reads: number; readsPerHour: number };
  sqs: { seconds: number; calls: Record<string, number> };
  throttled: number;
  hourly: { resyncsPerHour: number; eventsReadsPerHour: number; pollingReadsPerHour: number; ratio: number };
  driftOnResync: number;
  cyclesRun: number;
  fallbacks: number;
  exitCode: number | null;
  checks: Check[];
  ok: boolean;
  totalSeconds: number;
}

/** ECS, ELBv2, EC2, Application Auto Scaling: the calls that draw from AWS's buckets (SQS and STS do not). */
const isBucketCall = (c: RecordedCall): boolean => c.service !== 'sqs' && c.service !== 'sts';
const inWindow = (c: RecordedCall, w: CallWindow): boolean => c.at >= w.from && c.at < w.to;
const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

function tally(calls: readonly RecordedCall[]): { reads: number; writes: number; byService: Record<string, number>; calls: Record<string, number> } {
  const byService: Record<string, number> = {};
  const ops: Record<string, number> = {};
  let reads = 0;
  let writes = 0;
  for (const c of calls) {
    const op = `${c.service}:${c.operation}`;
    ops[op] = (ops[op] ?? 0) + 1;
    if (c.write) writes += 1;
    else {
      reads += 1;
      byService[c.service] = (byService[c.service] ?? 0) + 1;
    }
  }
  return { reads, writes, byService, calls: ops };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export function summariseEvents(input: EventsInput): EventsReport {
  const aws = input.calls.filter(isBucketCall);
  const resyncCalls = aws.filter((c) => inWindow(c, input.resync.window));
  const resync = tally(resyncCalls);
  const warmReads = aws.filter((c) => inWindow(c, input.warm.window) && !c.write).length;
  // an edit's window: its PutEvents up to the next edit's (the last: up to the resync)
  const edits: EditCalls[] = input.edits.map((e, i) => {
    const to = input.edits[i + 1]?.putAt ?? input.resync.window.from;
    return { ...e, ...tally(aws.filter((c) => inWindow(c, { from: e.putAt, to }) && !inWindow(c, input.resync.window))) };
  });
  const during = input.during === undefined ? undefined : { ...input.during, ...tally(aws.filter((c) => inWindow(c, { from: input.during?.putAt ?? 0, to: input.endAt }) && !inWindow(c, input.resync.window))) };
  const idleSeconds = (input.idle.to - input.idle.from) / 1000;
  const idleReads = aws.filter((c) => inWindow(c, input.idle) && !c.write).length;
  const sqsWindow = { from: input.warm.window.from, to: input.endAt };
  const sqs = input.sqsCalls;

  const corrected = input.edits.map((e) => e.correctedMs ?? Infinity);
  const received = input.edits.map((e) => e.receivedMs ?? Infinity);
  const perEditReads = mean(edits.map((e) => e.reads));
  const services = [...new Set(edits.flatMap((e) => Object.keys(e.byService)))].sort();
  const perEditByService = Object.fromEntries(services.map((s) => [s, round(mean(edits.map((e) => e.byService[s] ?? 0)))]));
  const resyncsPerHour = 3_600_000 / input.options.resyncMs;
  const readsPerHourIdle = idleSeconds > 0 ? (idleReads / idleSeconds) * 3600 : 0;
  const eventsReadsPerHour = resyncsPerHour * resync.reads + EDITS_PER_HOUR * perEditReads + readsPerHourIdle;
  const pollingReadsPerHour = (3600 / POLL_INTERVAL_S) * resync.reads;
  const ratio = pollingReadsPerHour === 0 ? Infinity : eventsReadsPerHour / pollingReadsPerHour;
  const throttled = aws.filter((c) => c.outcome === 'rate-limited').length;
  const slow = input.edits.filter((e) => (e.correctedMs ?? Infinity) > CORRECTED_BOUND_MS);
  const fmt = (v: number): string => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)} s` : 'never');

  const checks: Check[] = [
    {
      name: `AWS reads per hour at most ${READS_BOUND}x of a ${POLL_INTERVAL_S} s polling interval`,
      ok: ratio <= READS_BOUND,
      detail: `${round(eventsReadsPerHour, 0)} = ${round(resyncsPerHour, 1)} resyncs x ${resync.reads} + ${EDITS_PER_HOUR} edits x ${round(perEditReads, 1)} + ${round(readsPerHourIdle, 0)} idle, vs ${round(pollingReadsPerHour, 0)} = 60 x ${resync.reads}: ${round(ratio, 3)}x`,
    },
    {
      name: `every edit corrected within ${CORRECTED_BOUND_MS / 1000} s of its event`,
      ok: slow.length === 0 && input.edits.length === input.options.edits,
      detail: `${input.edits.length - slow.length} of ${input.edits.length}; p50 ${fmt(percentile(corrected, 50))}, p95 ${fmt(percentile(corrected, 95))}, max ${fmt(Math.max(...corrected))}${slow.length > 0 ? `; over: ${slow.map((e) => `${e.label} ${e.kind} ${fmt(e.correctedMs ?? Infinity)}`).join(', ')}` : ''}`,
    },
    { name: 'every edit changed what it edits (else it proves nothing)', ok: input.edits.every((e) => e.editTookEffect) && input.during?.editTookEffect !== false, detail: `${input.edits.filter((e) => e.editTookEffect).length} of ${input.edits.length}` },
    {
      name: "every edit's drift message names the user and the call",
      ok: input.edits.every((e) => e.authorNamesUser),
      detail: `${input.edits.filter((e) => e.authorNamesUser).length} of ${input.edits.length}${input.edits[0]?.author ? `, e.g. "${input.edits[0].author}"` : ''}`,
    },
    {
      // else the baseline (60 x the resync's reads) would be inflated by reads a steady cycle does not make
      name: 'the resync is a steady cycle: no task definition read again (the targeted runs kept the cache)',
      ok: (resync.calls['ecs:DescribeTaskDefinition'] ?? 0) === 0,
      detail: `${resync.calls['ecs:DescribeTaskDefinition'] ?? 0} ecs:DescribeTaskDefinition`,
    },
    { name: 'the resync found nothing the events left', ok: input.driftOnResync === 0, detail: `${input.driftOnResync} drift(s) detected by the resync cycle` },
    { name: 'no full cycle but the first and the resync, no fallback', ok: input.cyclesRun === 2 && input.fallbacks === 0, detail: `${input.cyclesRun} cycles, ${input.fallbacks} fallbacks` },
    { name: 'zero throttling errors returned by the proxy', ok: throttled === 0, detail: String(throttled) },
    { name: 'both cycles succeeded, daemon exited 0 on SIGTERM', ok: input.warm.result === 'success' && input.resync.result === 'success' && input.exitCode === 0, detail: `${input.warm.result}, ${input.resync.result}, exit ${input.exitCode}` },
  ];
  return {
    startedAt: input.startedAt,
    loadAverage: { start: input.loadStart.map((v) => round(v)), end: input.loadEnd.map((v) => round(v)) },
    options: input.options,
    inventory: input.inventory,
    setupSeconds: round(input.setupSeconds, 1),
    adoptSeconds: round(input.adoptSeconds, 1),
    warmUp: { seconds: round((input.warm.window.to - input.warm.window.from) / 1000), reads: warmReads, result: input.warm.result },
    resync: { seconds: round((input.resync.window.to - input.resync.window.from) / 1000), ...resync, result: input.resync.result },
    edits,
    during,
    corrected: { p50Ms: percentile(corrected, 50), p95Ms: percentile(corrected, 95), maxMs: Math.max(...corrected), received: { p50Ms: percentile(received, 50), maxMs: Math.max(...received) } },
    perEdit: { reads: round(perEditReads), writes: round(mean(edits.map((e) => e.writes))), byService: perEditByService },
    idle: { seconds: round(idleSeconds, 1), reads: idleReads, readsPerHour: round(readsPerHourIdle, 1) },
    sqs: { seconds: round((sqsWindow.to - sqsWindow.from) / 1000, 1), calls: sqs },
    throttled,
    hourly: { resyncsPerHour, eventsReadsPerHour: round(eventsReadsPerHour, 0), pollingReadsPerHour, ratio: round(ratio, 3) },
    driftOnResync: input.driftOnResync,
    cyclesRun: input.cyclesRun,
    fallbacks: input.fallbacks,
    exitCode: input.exitCode,
    checks,
    ok: checks.every((c) => c.ok),
    totalSeconds: round(input.totalSeconds, 1),
  };
}

const s = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'never' : `${(v / 1000).toFixed(2)} s`);
const ops = (calls: Record<string, number>): string =>
  Object.entries(calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

export function eventsMarkdown(r: EventsReport): string {
  const edit = (e: EditCalls): string =>
    `| ${e.label} | ${e.kind} | ${e.resource} | ${e.eventName} | ${s(e.receivedMs)} | ${s(e.correctedMs)} | ${e.reads} (${ops(e.byService)}) | ${e.writes} |`;
  return [
    `## Events at scale: ${r.inventory.services} services, resync ${r.options.resyncMs / 1000} s, ${r.options.edits} edits`,
    '',
    `${r.startedAt}, load ${r.loadAverage.start.join(' / ')} -> ${r.loadAverage.end.join(' / ')}; latency ${r.options.latencyMs} ms, AWS's buckets (ELBv2 40/10); --events-wait ${r.options.waitSeconds}s; world ${r.setupSeconds} s, adopt ${r.adoptSeconds} s, total ${r.totalSeconds} s.`,
    '',
    '| edit | kind | resource | event | received | corrected | reads (per service) | writes |',
    '|---|---|---|---|---:|---:|---|---:|',
    ...r.edits.map(edit),
    ...(r.during === undefined ? [] : [edit(r.during)]),
    '',
    `Event -> corrected over ${r.edits.length} edits: p50 ${s(r.corrected.p50Ms)}, p95 ${s(r.corrected.p95Ms)}, max ${s(r.corrected.maxMs)} (event -> received p50 ${s(r.corrected.received.p50Ms)}, max ${s(r.corrected.received.maxMs)}).`,
    '',
    '| | reads | by service |',
    '|---|---:|---|',
    `| warm-up cycle (first of the process) | ${r.warmUp.reads} | ${r.warmUp.seconds} s |`,
    `| resync full cycle | ${r.resync.reads} | ${ops(r.resync.byService)}; ${r.resync.seconds} s, ${r.resync.writes} writes |`,
    `| per edit (mean, its window) | ${r.perEdit.reads} | ${ops(r.perEdit.byService)}; ${r.perEdit.writes} writes |`,
    `| idle (${r.idle.seconds} s before the first edit) | ${r.idle.reads} | ${r.idle.readsPerHour} an hour |`,
    `| SQS over the daemon's life (~${r.sqs.seconds} s; no ECS/ELB/EC2 bucket; from its /metrics) | | ${ops(r.sqs.calls)} |`,
    '',
    `Reads an hour: ${r.hourly.resyncsPerHour} x ${r.resync.reads} + ${EDITS_PER_HOUR} x ${r.perEdit.reads} + ${r.idle.readsPerHour} = ${r.hourly.eventsReadsPerHour}, against ${POLL_INTERVAL_S === 60 ? 60 : 3600 / POLL_INTERVAL_S} x ${r.resync.reads} = ${r.hourly.pollingReadsPerHour} at a 60 s interval: ${r.hourly.ratio}x.`,
    '',
    '| must hold | result | measured |',
    '|---|---|---|',
    ...r.checks.map((c) => `| ${c.name} | ${c.ok ? 'PASS' : '**FAIL**'} | ${c.detail} |`),
  ].join('\n');
}
