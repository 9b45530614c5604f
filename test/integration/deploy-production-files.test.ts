// The runtime stage of the Dockerfile, rebuilt without Docker: in a temp dir, follow the runtime
// stage's COPY and `npm ci` lines (read from the Dockerfile itself, so the two cannot drift), then
// run the production CLI there. Docker is not available on these machines: this checks the file
// set and the production dependencies, not the image.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySteps, parseDockerfile } from '../deploy/dockerfile-model.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../src/demo/aws-demo-clients.js';
import { freePort } from '../../src/demo/moto-server.js';
import { motoUrl } from '../support/moto-test-context.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function filesUnder(dir: string, skip: (rel: string) => boolean, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const rel = path.slice(base.length + 1);
    if (skip(rel)) continue;
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, skip, base));
    else out.push(rel);
  }
  return out;
}

const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const runtime = stages[stages.length - 1]!;
const workdir = runtime.instructions.filter((i) => i.op === 'WORKDIR').at(-1)?.args ?? '/app';
/** RUN steps of the runtime stage that only touch the OS (apt packages, the user's home). */
const SYSTEM_STEP = /^(apt-get |mkdir |rm -rf \/var\/lib\/apt)/;

let tmp = '';
let app = '';
const npmLog: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cli.js'))) {
    const built = await run('npm', ['run', 'build'], root);
    if (built.code !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'ecs-reconciler-prod-'));
  app = join(tmp, workdir.replace(/^\//, ''));
  mkdirSync(app, { recursive: true });
  for (const i of runtime.instructions) {
    if (i.op === 'COPY') {
      const [step] = copySteps({ ...runtime, instructions: [i] });
      const dest = join(app, step!.dest);
      for (const src of step!.sources) {
        // COPY --from=build /app/x: the build stage's output is this checkout's built x
        const from = step!.from === 'build' ? join(root, src.replace(new RegExp(`^${workdir}/?`), '')) : join(root, src);
        const target = step!.sources.length > 1 || step!.dest.endsWith('/') ? join(dest, src.split('/').at(-1)!) : dest;
        cpSync(from, target, { recursive: true });
      }
    } else if (i.op === 'RUN') {
      for (const part of i.args.split('&&').map((p) => p.trim())) {
        if (part.startsWith('npm ci')) {
          // the cache first (fast, works offline), the registry when it misses
          const args = [...part.split(/\s+/).slice(1), '--prefer-offline'];
          const r = await run('npm', args, app);
          npmLog.push(`npm ${args.join(' ')} -> ${r.code}`);
          if (r.code !== 0) throw new Error(`npm ${args.join(' ')} failed in ${app}:\n${r.stderr}`);
        } else if (!part.startsWith('npm cache clean') && !SYSTEM_STEP.test(part) && !/^chown /.test(part)) {
          throw new Error(`Dockerfile:${i.line}: runtime step "${part}" is not reproduced by this test: teach it`);
        }
      }
    }
  }
}, 180_000);

afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

describe('the production file set (Dockerfile runtime stage, without Docker)', () => {
  it('installed production dependencies only', () => {
    expect(npmLog.some((l) => l.includes('--omit=dev') && l.endsWith('-> 0'))).toBe(true);
    const modules = readdirSync(join(app, 'node_modules'));
    for (const dev of ['typescript', 'vitest', '@typescript', '@vitest', 'vite']) expect(modules).not.toContain(dev);
    for (const dep of Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: object }).dependencies)) {
      expect(existsSync(join(app, 'node_modules', dep)), dep).toBe(true);
    }
  });

  it('holds dist, schemas and the health check, and no tests or TypeScript sources', () => {
    const files = filesUnder(app, (rel) => rel === 'node_modules');
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('healthcheck.mjs');
    expect(files.some((f) => f.startsWith('schemas/') && f.endsWith('.schema.json'))).toBe(true);
    expect(files.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) || f.startsWith('test/') || /\.test\.js$/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(\.env|\.git|\.npmrc)/.test(f))).toEqual([]);
  });

  it('`node dist/cli.js --help` lists the commands', async () => {
    const r = await run(process.execPath, ['dist/cli.js', '--help'], app);
    expect(r.code, r.stderr).toBe(0);
    for (const cmd of ['validate', 'plan', 'apply', 'run']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  it('`node dist/cli.js validate` accepts the repository desired state', async () => {
    const desired = join(tmp, 'desired');
    cpSync(join(root, 'desired'), desired, { recursive: true });
    const r = await run(process.execPath, ['dist/cli.js', 'validate', desired], app);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/resources valid/);
  });

  it('`node dist/cli.js validate` reports a broken file by file:line, without a stack trace', async () => {
    const broken = join(tmp, 'broken');
    mkdirSync(broken);
    writeFileSync(
      join(broken, 'bad.yaml'),
      'apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: bad-tg }\nspec:\n  vpcId: vpc-0abc\n  protocol: HTTP\n  port: "eighty"\n',
    );
    const r = await run(process.execPath, ['dist/cli.js', 'validate', broken], app);
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/bad\.yaml:7:\d+/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at /);
  });
});

describe('`run` in the production file set, configured like deploy/task-definition.json', () => {
  const secrets = {
    GIT_TOKEN: 'ghp_productionTestTokenMustNotLeak0001',
    SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/services/T0000/B0000/productionTestWebhookSecret',
    WEBHOOK_SECRET: 'whsec-production-test-must-not-leak',
  };

  it('answers the container health check, and stops on SIGTERM with exit 0 inside the 30 s stopTimeout', async () => {
    const td = JSON.parse(readFileSync(join(root, 'deploy/task-definition.json'), 'utf8')) as {
      containerDefinitions: { environment: { name: string; value: string }[]; stopTimeout: number }[];
    };
    const container = td.containerDefinitions[0]!;
    const port = await freePort();
    const desired = join(tmp, 'run-desired');
    cpSync(join(root, 'desired'), desired, { recursive: true });
    // the task's environment, with the git source swapped for a local directory, AWS for moto,
    // writes off (dry run), and the three ECS secrets set the way ECS sets them
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: tmp,
      ...Object.fromEntries(container.environment.filter((e) => e.name !== 'ECS_RECONCILER_BRANCH').map((e) => [e.name, e.value])),
      ...secrets,
      ECS_RECONCILER_SOURCE: desired,
      ECS_RECONCILER_PATH: '.',
      ECS_RECONCILER_PORT: String(port),
      ECS_RECONCILER_HOST: '127.0.0.1',
      ECS_RECONCILER_DRY_RUN: 'true',
      ECS_RECONCILER_WORK_DIR: join(tmp, 'work'),
      AWS_ENDPOINT_URL: motoUrl(),
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: TEST_REGION,
    };
    const child = spawn(process.execPath, ['dist/cli.js', 'run'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let healthy: Run = { code: -1, stdout: '', stderr: '' };
      for (let i = 0; i < 40 && healthy.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        healthy = await run(process.execPath, ['healthcheck.mjs'], app, { ECS_RECONCILER_PORT: String(port) });
      }
      expect(healthy.code, `health check never passed:\n${healthy.stderr}\n${output}`).toBe(0);
    } finally {
      const stopAt = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      const stopMs = Date.now() - stopAt;
      expect(code, output).toBe(0);
      expect(stopMs).toBeLessThan(container.stopTimeout * 1000);
    }
    expect(output).toMatch(/"event":"server.listening"/);
    for (const value of Object.values(secrets)) expect(output).not.toContain(value);
  }, 60_000);
});
