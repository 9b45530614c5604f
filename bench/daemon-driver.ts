// Drives a running daemon (`ecs-reconciler run`) one cycle at a time: the interval is set far
// away and each cycle is started with a signed push on /webhook/git (GitLab token header),
// so the benchmark decides exactly when cycles run and can count each cycle's calls alone.
import type { FaultProxy } from '../test/support/fault-proxy.js';
import { type ControllerProcess, controllerEnv, type LogLine, startController } from './controller-process.js';

export const WEBHOOK_SECRET = 'bench-webhook-secret';

export interface CycleRecord {
  cycle: number;
  label: string;
  result: string;
  durationMs: number;
  /** `service:Operation` -> calls the proxy saw (all outcomes) */
  calls: Record<string, number>;
  reads: number;
  /** write calls in order, `service:Operation` */
  writes: string[];
  /** calls the proxy answered with a throttling error */
  throttled: number;
  /** drift.detected / drift.corrected events of this cycle: resource -> drifted field paths */
  driftDetected: Record<string, string[]>;
  driftCorrected: string[];
  /** when the writes ran, from the daemon's apply.write lines (ms from the cycle's start): the cold apply's timeline */
  writeTimeline: WriteTimeline | undefined;
  /** with --config: each target's part of the cycle (its target.completed line) */
  targets: Record<string, { result: string; durationMs: number }>;
  /** calls per caller (the account of an assumed role, else the access key; see FaultProxy) */
  callsByCaller: Record<string, number>;
  /** VmHWM of the daemon after the cycle (peak RSS so far), kB */
  peakRssKb: number | undefined;
  rssKb: number | undefined;
}

export interface WriteTimeline {
  /** first write started: load, observe and plan before it */
  firstWriteMs: number;
  /** last write done */
  lastWriteMs: number;
  /** per kind: its first write started, its last write done (kinds of different AWS services overlap) */
  byKind: Record<string, { firstMs: number; lastMs: number; writes: number }>;
}

/** From the apply.write lines of one cycle ending with `done` (pino's ISO `time`). */
function writeTimeline(lines: readonly LogLine[], done: LogLine): WriteTimeline | undefined {
  const end = Date.parse(String(done.time));
  const start = end - Number(done.durationMs);
  const writes = lines.filter((l) => l.event === 'apply.write' && (l.phase === 'started' || l.phase === 'done'));
  if (writes.length === 0 || Number.isNaN(start)) return undefined;
  const byKind: WriteTimeline['byKind'] = {};
  for (const l of writes) {
    const at = Date.parse(String(l.time)) - start;
    const k = (byKind[String(l.kind)] ??= { firstMs: at, lastMs: at, writes: 0 });
    k.firstMs = Math.min(k.firstMs, at);
    k.lastMs = Math.max(k.lastMs, at);
    if (l.phase === 'done') k.writes += 1;
  }
  const all = Object.values(byKind);
  return { firstWriteMs: Math.min(...all.map((k) => k.firstMs)), lastWriteMs: Math.max(...all.map((k) => k.lastMs)), byKind };
}

export interface DaemonDriverOptions {
  sourceDir: string;
  /** `--config`: the controller config file listing targets (paths inside sourceDir) */
  configFile?: string;
  endpoint: string;
  proxy: FaultProxy;
  /** extra environment, e.g. ECS_RECONCILER_RATE_LIMITS */
  env?: Record<string, string | undefined>;
  /** per-cycle timeout (default 30 min: a cold apply at AWS's write rates takes minutes) */
  cycleTimeoutMs?: number;
}

export class DaemonDriver {
  readonly process: ControllerProcess;
  #url: string | undefined;
  #cycles = 0;

  private constructor(
    private readonly opts: DaemonDriverOptions,
    proc: ControllerProcess,
  ) {
    this.process = proc;
  }

  /** Starts the daemon; its first cycle starts at once (run `nextCycle` to wait for it). */
  static async start(opts: DaemonDriverOptions): Promise<DaemonDriver> {
    const timeout = opts.cycleTimeoutMs ?? 30 * 60_000;
    const proc = startController(
      ['run', '--source', opts.sourceDir, ...(opts.configFile === undefined ? [] : ['--config', opts.configFile]), '--interval', '24h', '--git-poll', '24h', '--cycle-timeout', `${Math.ceil(timeout / 1000)}s`, '--port', '0', '--host', '127.0.0.1', '--owner-id', 'ecs-reconciler-bench'],
      controllerEnv({ endpoint: opts.endpoint, extra: { WEBHOOK_SECRET, LOG_LEVEL: 'info', ...opts.env } }),
    );
    const driver = new DaemonDriver(opts, proc);
    const listening = await proc.waitFor((l) => l.event === 'server.listening' && typeof l.url === 'string', 60_000);
    driver.#url = String(listening.url);
    return driver;
  }

  get cycles(): number {
    return this.#cycles;
  }

  /** Asks for a cycle now (a push for the followed branch). */
  async trigger(): Promise<void> {
    const response = await fetch(`${this.#url}/webhook/git`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-token': WEBHOOK_SECRET, 'x-gitlab-event': 'Push Hook' },
      body: JSON.stringify({ ref: 'refs/heads/main' }),
    });
    const text = await response.text();
    if (response.status !== 202 || !text.includes('accepted')) throw new Error(`webhook answered ${response.status}: ${text}`);
  }

  /**
   * Waits for the next cycle to finish and returns what it did. `start` triggers it first
   * (the first cycle needs no trigger: the daemon starts with one).
   */
  async nextCycle(label: string, start: boolean): Promise<CycleRecord> {
    const { proxy } = this.opts;
    const from = this.process.lines.length;
    proxy.resetCounts();
    const n = this.#cycles + 1;
    if (start) await this.trigger();
    const done = await this.process.waitFor(
      (l) => (l.event === 'cycle.completed' || l.event === 'cycle.failed') && l.cycle === n,
      this.opts.cycleTimeoutMs ?? 30 * 60_000,
      from,
    );
    this.#cycles = n;
    const mem = this.process.memory();
    const lines = this.process.lines.slice(from, done.index + 1);
    const calls = proxy.counts();
    const writes = proxy.writes().map((w) => `${w.service}:${w.operation}`);
    return {
      cycle: n,
      label,
      result: String(done.result ?? done.event),
      durationMs: Number(done.durationMs),
      calls,
      reads: Object.values(calls).reduce((a, b) => a + b, 0) - writes.length,
      writes,
      throttled: proxy.count('ecs', undefined, { outcome: 'rate-limited' }) + proxy.count('elbv2', undefined, { outcome: 'rate-limited' }) + proxy.count('ec2', undefined, { outcome: 'rate-limited' }),
      driftDetected: Object.fromEntries(lines.filter((l) => l.event === 'drift.detected').map((l) => [String(l.resource), fieldPaths(l)])),
      driftCorrected: lines.filter((l) => l.event === 'drift.corrected').map((l) => String(l.resource)),
      writeTimeline: writeTimeline(lines, done),
      targets: Object.fromEntries(
        lines.filter((l) => l.event === 'target.completed').map((l) => [String(l.target), { result: String(l.result), durationMs: Number(l.durationMs) }]),
      ),
      callsByCaller: proxy.calls.reduce<Record<string, number>>((acc, c) => {
        const who = c.caller ?? 'unsigned';
        acc[who] = (acc[who] ?? 0) + 1;
        return acc;
      }, {}),
      peakRssKb: mem?.hwmKb,
      rssKb: mem?.rssKb,
    };
  }

  /** SIGTERM; resolves with the exit code and the process's peak RSS. */
  async stop(): Promise<{ code: number | null; maxRssKb: number | undefined }> {
    await this.process.stop();
    const e = await this.process.exited;
    return { code: e.code, maxRssKb: e.maxRssKb };
  }
}

function fieldPaths(line: LogLine): string[] {
  const fields = Array.isArray(line.fields) ? (line.fields as { path?: unknown }[]) : [];
  return fields.map((f) => String(f.path));
}
