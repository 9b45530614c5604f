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

const output: string[] = [];
const child = spawn(process.execPath, [QUICKSTART], {
  env: { PATH: process.env.PATH, HOME: process.env.HOME, ECS_RECONCILER_PORT: '0', ECS_RECONCILER_INTERVAL: '2s', ECS_RECONCILER_LOG_FORMAT: 'json' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
for (const stream of [child.stdout, child.stderr]) {
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => output.push(...chunk.split('\n')));
}
const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
const events = (name: string) => output.filter((l) => l.includes(`"event":"${name}"`));

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm start (quick start)', () => {
  it('converges desired/ on moto and prints a drift command that works', async () => {
    await waitFor(() => events('cycle.completed').some((l) => l.includes('"result":"success"')), 60_000, () => output.slice(-30).join('\n'));
    const printed = await waitFor(() => {
      const at = output.findIndex((l) => l.includes('elbv2 modify-target-group'));
      return at >= 0 && output[at + 1]?.includes('--target-group-arn') ? [output[at - 1] ?? '', output[at] ?? '', output[at + 1] ?? ''] : undefined;
    }, 20_000, () => output.slice(-30).join('\n'));
    // the printed command, run with the aws CLI exactly as shown (credentials from the first line)
    const words = printed.join(' ').replace(/\\/g, ' ').split(/\s+/).filter(Boolean);
    const env = Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split('=') as [string, string]));
    const args = words.slice(words.indexOf('aws') + 1);
    const before = events('drift.corrected').length;
    await run('aws', args, { env: { ...process.env, ...env } });
    await waitFor(() => events('drift.corrected').slice(before).some((l) => l.includes('healthCheck.path')), 30_000, () => output.slice(-30).join('\n'));
  }, 120_000);

  it('stops on Ctrl-C with exit 0', async () => {
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 35_000);
});
