// Runs `node dist/cli.js run ...` as a real process and reads what it says: every output line
// is kept (the secret-leak check greps them all), JSON log lines are parsed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface LogLine {
  event?: string;
  msg?: string;
  [key: string]: unknown;
}

/** The environment a daemon under test gets: nothing of the test run's own, AWS on `endpoint` with fake keys. */
export function daemonEnv(home: string, endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
}

export class DaemonProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly logs: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `maxOpenFiles`: run under `ulimit -n` (a container's usual limit is 1,024) */
  constructor(args: string[], env: NodeJS.ProcessEnv, options: { maxOpenFiles?: number } = {}) {
    const argv = [CLI, 'run', ...args];
    this.child =
      options.maxOpenFiles === undefined
        ? spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('/bin/sh', ['-c', `ulimit -n ${options.maxOpenFiles} && exec "$0" "$@"`, process.execPath, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) this.#line(line);
      });
      stream?.on('end', () => rest && this.#line(rest));
    }
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  #line(line: string): void {
    this.output.push(line);
    try {
      this.logs.push(JSON.parse(line) as LogLine);
    } catch {
      // not JSON: kept in output only
    }
  }

  events(name: string): LogLine[] {
    return this.logs.filter((l) => l.event === name);
  }

  /** The HTTP base URL the daemon announced. */
  async url(timeoutMs = 20_000): Promise<string> {
    const line = await waitFor(() => this.logs.find((l) => l.event === 'server.listening' && typeof l.url === 'string'), timeoutMs, () => this.tail());
    return String(line.url).replace('0.0.0.0', '127.0.0.1');
  }

  tail(n = 30): string {
    return this.output.slice(-n).join('\n');
  }
}

/** Polls `probe` until it returns something truthy; fails with `describe()` after the timeout. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, describe: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms\n${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

/** POST /webhook/git as GitHub sends a push of `sha` to main, signed with `secret`; the HTTP status. */
export async function sendSignedPush(base: string, secret: string, sha: string): Promise<number> {
  const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const res = await fetch(`${base}/webhook/git`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature },
  });
  return res.status;
}
