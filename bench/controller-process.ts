// Runs the real controller CLI (dist/cli.js) as its own process, the way it runs in production,
// pointed at an AWS endpoint (the fault proxy or moto) with fake credentials; samples its RSS
// from /proc and reads its pino JSON lines (the daemon's cycle events) as they come.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: the nearest directory up from this file with the ecs-reconciler package.json (source or bench/out/build). */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'ecs-reconciler') return dir;
    } catch {
      // no package.json here
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the ecs-reconciler repository above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const REPO_ROOT = findRepoRoot();
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');
/** the compiled probe next to this file (bench/out/build/bench/rss-probe.js); absent when run from source */
const RSS_PROBE_FILE = fileURLToPath(new URL('./rss-probe.js', import.meta.url));

export interface LogLine {
  /** 0-based index among the JSON lines */
  index: number;
  event?: string;
  msg?: string;
  [key: string]: unknown;
}

export interface RssSample {
  /** ms since the process started */
  t: number;
  rssKb: number;
}

export interface ControllerProcess {
  pid: number;
  lines: LogLine[];
  samples: RssSample[];
  /** resolves when `match` holds for a JSON line at or after `from`; rejects when the process exits first or after timeoutMs */
  waitFor(match: (line: LogLine) => boolean, timeoutMs: number, from?: number): Promise<LogLine>;
  /** current VmRSS / VmHWM (peak so far), kB; undefined once exited */
  memory(): { rssKb: number; hwmKb: number } | undefined;
  exited: Promise<{ code: number | null; signal: string | null; maxRssKb: number | undefined; seconds: number }>;
  /** SIGTERM, then SIGKILL after graceMs */
  stop(graceMs?: number): Promise<void>;
  /** the last lines of non-JSON output (stderr, plain stdout), for error messages */
  tail(): string;
}

export interface ControllerEnvOptions {
  endpoint: string;
  extra?: Record<string, string | undefined>;
}

/** A clean environment: fake credentials, one endpoint for every service, nothing from the caller's AWS setup. */
export function controllerEnv(opts: ControllerEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: opts.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // BENCH_CONTROLLER_NODE_OPTIONS: node flags for the controller only, e.g. a heap cap to compare
  if (process.env.BENCH_CONTROLLER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_CONTROLLER_NODE_OPTIONS;
  for (const [k, v] of Object.entries(opts.extra ?? {})) if (v !== undefined) env[k] = v;
  return env;
}

function readStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)/.exec(text);
    const hwm = /VmHWM:\s+(\d+)/.exec(text);
    if (!rss || !hwm) return undefined;
    return { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) };
  } catch {
    return undefined;
  }
}

export function startController(args: string[], env: NodeJS.ProcessEnv, sampleEveryMs = 100): ControllerProcess {
  const rssFile = join(tmpdir(), `ecs-reconciler-bench-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const probe = existsSync(RSS_PROBE_FILE) ? ['--import', new URL('./rss-probe.js', import.meta.url).href] : [];
  const child = spawn(process.execPath, [...probe, CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...env, BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${CLI}`);
  const pid = child.pid;
  const started = performance.now();
  const lines: LogLine[] = [];
  const plain: string[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; from: number; resolve: (l: LogLine) => void }>();
  const samples: RssSample[] = [];
  let alive = true;

  const onLine = (text: string): void => {
    if (text.startsWith('{')) {
      try {
        const line = { ...(JSON.parse(text) as Record<string, unknown>), index: lines.length } as LogLine;
        lines.push(line);
        for (const w of waiters) {
          if (line.index >= w.from && w.match(line)) {
            waiters.delete(w);
            w.resolve(line);
          }
        }
        return;
      } catch {
        // not JSON after all
      }
    }
    plain.push(text);
    if (plain.length > 200) plain.shift();
  };
  const splitter = (): ((chunk: Buffer) => void) => {
    let rest = '';
    return (chunk) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') onLine(p);
    };
  };
  child.stdout.on('data', splitter());
  child.stderr.on('data', splitter());

  const timer = setInterval(() => {
    const m = readStatus(pid);
    if (m) samples.push({ t: performance.now() - started, rssKb: m.rssKb });
  }, sampleEveryMs);

  const exited = new Promise<{ code: number | null; signal: string | null; maxRssKb: number | undefined; seconds: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      void readFile(rssFile, 'utf8')
        .then((t) => (JSON.parse(t) as { maxRssKb: number }).maxRssKb)
        .catch(() => undefined)
        .then((maxRssKb) => resolve({ code, signal, maxRssKb, seconds }));
    });
  });
  const tail = (): string => plain.slice(-15).join('\n');

  return {
    pid,
    lines,
    samples,
    waitFor(match, timeoutMs, from = 0) {
      const found = lines.find((l) => l.index >= from && match(l));
      if (found) return Promise.resolve(found);
      return new Promise<LogLine>((resolve, reject) => {
        const w = { match, from, resolve: (l: LogLine) => (clearTimeout(t), resolve(l)) };
        const t = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`controller (pid ${pid}): no matching log line within ${timeoutMs / 1000} s; last output:\n${tail()}`));
        }, timeoutMs);
        waiters.add(w);
        void exited.then((e) => {
          if (!waiters.has(w)) return;
          waiters.delete(w);
          clearTimeout(t);
          reject(new Error(`controller (pid ${pid}) exited (code ${e.code}, signal ${e.signal}) before the awaited log line; last output:\n${tail()}`));
        });
      });
    },
    memory: () => (alive ? readStatus(pid) : undefined),
    exited,
    async stop(graceMs = 30_000) {
      if (!alive) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
    tail,
  };
}
