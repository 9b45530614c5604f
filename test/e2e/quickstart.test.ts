// The README's quick start, as a person runs it: `node dist/quickstart.js` (what `npm start` runs
// after the build) starts its own moto, builds the world, converges desired/, and prints an `aws`
// CLI command that makes a drift. The test runs that command with the aws CLI, sees the drift
// detected and corrected, then stops the quick start with Ctrl-C (SIGINT): exit 0.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './daemon-process.js';

const run = promisify(execFile);
const QUICKSTART = fileURLToPath(new URL('../../dist/quickstart.js', import.meta.url));

let text = '';
const lines = (): string[] => text.split('\n');
const child = spawn(process.execPath, [QUICKSTART], {
  env: { PATH: process.env.PATH, HOME: process.env.HOME, ECS_RECONCILER_PORT: '0', ECS_RECONCILER_INTERVAL: '2s', ECS_RECONCILER_LOG_FORMAT: 'json' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
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
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start (quick start)', () => {
  it('converges desired/ on moto and prints a drift command that works', async () => {
    await waitFor(() => events('cycle.completed').some((l) => l.includes('"result":"success"')), 60_000, () => tail());
    const printed = await waitFor(() => DRIFT_COMMAND.exec(text) ?? undefined, 20_000, tail);
    // the printed command, run with the aws CLI exactly as shown (credentials from the first line)
    const env = Object.fromEntries((printed[1] ?? '').split(/\s+/).map((w) => w.split('=') as [string, string]));
    const args = `${printed[2]} ${printed[3]}`.split(/\s+/);
    const before = events('drift.corrected').length;
    await run('aws', args, { env: { ...process.env, ...env } });
    await waitFor(() => events('drift.corrected').slice(before).some((l) => l.includes('healthCheck.path')), 30_000, () => tail());
  }, 120_000);

  it('stops on Ctrl-C with exit 0', async () => {
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 35_000);
});
