// The Dockerfile and .dockerignore, checked without Docker (it is not available here): the
// stages, base image, non-root user, init, entrypoint, health check, what the build context
// holds, and that no secret is baked into the image.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copySteps, execForm, inBuildContext, parseDockerfile, parseDockerignore } from './dockerfile-model.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string): string => readFileSync(`${root}${p}`, 'utf8');

const stages = parseDockerfile(read('Dockerfile'));
const build = stages.find((s) => s.name === 'build');
const runtime = stages[stages.length - 1];
const ignore = parseDockerignore(read('.dockerignore'));
const taskDefinition = JSON.parse(read('deploy/task-definition.json')) as {
  containerDefinitions: { healthCheck: { command: string[] }; portMappings: { containerPort: number }[] }[];
};

const argsOf = (op: string): string[] => (runtime?.instructions ?? []).filter((i) => i.op === op).map((i) => i.args);

describe('parsing (the model the checks rely on)', () => {
  it('joins continuation lines and skips comments', () => {
    const [s] = parseDockerfile('FROM a AS b\n# c\nRUN x \\\n  # inside\n  && y\n');
    expect(s?.instructions.map((i) => [i.op, i.args, i.line])).toEqual([
      ['FROM', 'a AS b', 1],
      ['RUN', 'x && y', 3],
    ]);
  });

  it.each([
    ['src/cli.ts', true],
    ['src/x/y.test.ts', false],
    ['node_modules/yaml/index.js', false],
    ['deploy/healthcheck.mjs', true],
    ['deploy/iam-policy.json', false],
    ['npm-debug.log', false],
  ])('.dockerignore semantics on a sample: %s -> %s', (path, expected) => {
    const rules = parseDockerignore('*\n!src/\n!deploy/healthcheck.mjs\n**/*.log\n**/*.test.ts\n');
    expect(inBuildContext(rules, path)).toBe(expected);
  });
});

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage on the same official Node LTS slim image', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of stages) expect(s.from).toMatch(/^node:\d+-bookworm-slim$/);
    expect(new Set(stages.map((s) => s.from)).size).toBe(1);
    const major = Number(/^node:(\d+)-/.exec(runtime?.from ?? '')?.[1]);
    expect(major % 2, 'LTS lines are even majors').toBe(0);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(major).toBeGreaterThanOrEqual(Number(/\d+/.exec(engines)?.[0]));
  });

  it('builds with dev dependencies and runs with production ones only', () => {
    const buildRuns = (build?.instructions ?? []).filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(buildRuns.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(buildRuns.some((r) => r.includes('npm run build'))).toBe(true);
    const ci = argsOf('RUN').filter((r) => /\bnpm ci\b/.test(r));
    expect(ci).toHaveLength(1);
    expect(ci[0]).toContain('--omit=dev');
    expect(argsOf('RUN').some((r) => r.includes('npm run build') || r.includes('tsc'))).toBe(false);
  });

  it('installs git, CA certificates, ssh and tini, without recommends, and cleans apt lists', () => {
    const apt = argsOf('RUN').find((r) => r.includes('apt-get install')) ?? '';
    for (const pkg of ['git', 'ca-certificates', 'openssh-client', 'tini']) expect(apt.split(/\s+/)).toContain(pkg);
    expect(apt).toContain('--no-install-recommends');
    expect(apt).toContain('rm -rf /var/lib/apt/lists/*');
  });

  it('runs as a non-root user, under tini, with `run` as the default command', () => {
    const users = argsOf('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    expect(execForm(argsOf('ENTRYPOINT').at(-1) ?? '')).toEqual(['/usr/bin/tini', '--', 'node', 'dist/cli.js']);
    expect(execForm(argsOf('CMD').at(-1) ?? '')).toEqual(['run']);
    expect(argsOf('WORKDIR').at(-1)).toBe('/app');
  });

  it('checks /healthz with node (no curl), the same command as the task definition', () => {
    const hc = argsOf('HEALTHCHECK').at(-1) ?? '';
    const cmd = execForm(hc.slice(hc.indexOf('CMD') + 3)) ?? [];
    expect(cmd[0]).toBe('node');
    expect(hc).not.toMatch(/curl|wget/);
    const container = taskDefinition.containerDefinitions[0];
    expect(container?.healthCheck.command).toEqual(['CMD', ...cmd]);
    // the script it runs is the one copied into the image
    const copied = copySteps(runtime!).find((c) => c.sources.includes('deploy/healthcheck.mjs'));
    expect(`/app/${copied?.dest.replace(/^\.\//, '')}`).toBe(cmd[1]);
    expect(read('deploy/healthcheck.mjs')).toContain('/healthz');
    expect(argsOf('EXPOSE')).toEqual([String(container?.portMappings[0]?.containerPort)]);
  });

  it('bakes no secret into the image', () => {
    const secretish = /(TOKEN|SECRET|PASSWORD|WEBHOOK_URL|ACCESS_KEY|PRIVATE_KEY)/i;
    for (const s of stages) {
      for (const i of s.instructions.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
        expect(i.args, `Dockerfile:${i.line}`).not.toMatch(secretish);
      }
    }
    for (const c of stages.flatMap(copySteps)) {
      for (const src of c.sources) expect(src, `Dockerfile:${c.line}`).not.toMatch(/(^|\/)\.(env|npmrc|git)\b|id_rsa|\.pem$/);
    }
  });
});

describe('.dockerignore (the build context)', () => {
  it.each(['node_modules', 'dist', 'test', 'bench', '.git', '.ci', 'desired', 'docs', 'coverage'])('keeps %s out', (dir) => {
    expect(inBuildContext(ignore, `${dir}/anything.js`)).toBe(false);
  });

  it.each(['npm-debug.log', 'src/debug.log', '.env', 'src/.env', '.env.production', 'src/spec/load.test.ts'])('keeps %s out', (file) => {
    expect(inBuildContext(ignore, file)).toBe(false);
  });

  it('sends every file the Dockerfile copies from the context', () => {
    const fromContext = stages.flatMap(copySteps).filter((c) => c.from === undefined);
    const sources = fromContext.flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      // a directory source: a file under it must be in the context
      const probe = src.includes('.') ? src : `${src}/probe.ts`;
      expect(inBuildContext(ignore, probe), `${src} is copied but excluded by .dockerignore`).toBe(true);
    }
  });
});
