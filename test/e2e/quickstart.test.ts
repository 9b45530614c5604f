// The README's quick start, as a person runs it: `npm start -- --port N` in a terminal of its own
// (its own process group: Ctrl-C reaches npm, its shell and node at once). It builds, starts its
// own moto, builds the world, converges desired/, then, once the first cycle has finished and
// after its log lines, prints `watching: N resources in sync` and an `aws` CLI command that makes
// a drift, once. The test runs that command with the aws CLI, sees the drift detected and
// corrected, checks the log lines (an `event` on each, `server.listening` once, on the port
// asked for), that a second quick start on the same port stops with one line, then sends Ctrl-C
// to the group: npm exits 0. Its first 5 cycles log no drift (issue 12: none made by moto's CreateService).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/demo/moto-server.js';
import { waitFor } from './daemon-process.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUICKSTART = fileURLToPath(new URL('../../dist/quickstart.js', import.meta.url));

const port = await freePort();
const env = { PATH: process.env.PATH, HOME: process.env.HOME, ECS_RECONCILER_INTERVAL: '2s', ECS_RECONCILER_LOG_FORMAT: 'json' };
let text = '';
const lines = (): string[] => text.split('\n');
const child = spawn('npm', ['start', '--', '--port', String(port)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
for (const stream of [child.stdout, child.stderr]) {
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk; // whole text: a chunk may end in the middle of a line
  });
}
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
const events = (name: string) => lines().filter((l) => l.includes(`"event":"${name}"`));
const tail = () => lines().slice(-30).join('\n');
/** The three printed lines: credentials, `aws --endpoint-url ... elbv2 modify-target-group \`, the arguments. */
const DRIFT_COMMAND = /^ *(AWS_ACCESS_KEY_ID=.*) \\\n *aws (.*elbv2 modify-target-group) \\\n *(--target-group-arn \S+ --health-check-path \S+) *$/m;

afterAll(() => {
  if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
});

describe('npm start (quick start)', () => {
  it('converges desired/ on moto and prints a drift command that works, once, after the first cycle', async () => {
    await waitFor(() => events('cycle.completed').some((l) => l.includes('"result":"success"')), 90_000, () => tail());
    const printed = await waitFor(() => DRIFT_COMMAND.exec(text) ?? undefined, 20_000, tail);
    const all = lines();
    const watching = all.findIndex((l) => /^watching: \d+ resources in sync$/.test(l));
    const firstCycleEnd = all.findIndex((l) => l.includes('"event":"cycle.completed"'));
    expect(watching, tail()).toBeGreaterThan(firstCycleEnd);
    expect(all[watching + 1]).toMatch(/^Make a drift behind the controller's back/);
    // no false drift in the first 5 cycles: what CreateService did not keep was sent again in the
    // first apply (read after write), so nothing is found changed behind the controller's back
    await waitFor(() => (events('cycle.completed').length >= 5 ? true : undefined), 60_000, () => tail());
    const ends = lines().flatMap((l, i) => (l.includes('"event":"cycle.completed"') ? [i] : []));
    const firstFive = lines().slice(0, ends[4]! + 1);
    expect(firstFive.filter((l) => l.includes('"event":"drift.detected"')), tail()).toEqual([]);
    // the printed command, run with the aws CLI exactly as shown (credentials from the first line)
    const cmdEnv = Object.fromEntries((printed[1] ?? '').split(/\s+/).map((w) => w.split('=') as [string, string]));
    const args = `${printed[2]} ${printed[3]}`.split(/\s+/);
    const before = events('drift.corrected').length;
    await run('aws', args, { env: { ...process.env, ...cmdEnv } });
    await waitFor(() => events('drift.corrected').slice(before).some((l) => l.includes('healthCheck.path')), 30_000, () => tail());
    // several cycles later, still printed once
    expect(lines().filter((l) => l.startsWith('watching: '))).toHaveLength(1);
    expect(lines().filter((l) => l.includes('--health-check-path /hacked'))).toHaveLength(1);
  }, 150_000);

  it('logs an event on every line and server.listening once, on the port asked for', () => {
    const json = lines().filter((l) => l.startsWith('{'));
    expect(json.length).toBeGreaterThan(10);
    for (const l of json) expect((JSON.parse(l) as { event?: unknown }).event, l).toEqual(expect.any(String));
    const listening = events('server.listening');
    expect(listening).toHaveLength(1);
    expect(JSON.parse(listening[0]!)).toMatchObject({ port, url: `http://127.0.0.1:${port}` });
  });

  it('a second quick start on the same port stops with one line, not a stack trace', async () => {
    const second = await run(process.execPath, [QUICKSTART, '--port', String(port)], { env, timeout: 90_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }),
    );
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(`error: port ${port} on 0.0.0.0 is already in use: pass another --port (ECS_RECONCILER_PORT)`);
  }, 100_000);

  it('stops on Ctrl-C with exit 0 (npm, its shell and node all get the SIGINT)', async () => {
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(text).not.toMatch(/ERR!|\n\s+at /);
  }, 35_000);
});
