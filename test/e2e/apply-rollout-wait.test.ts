// `ecs-reconciler apply` waits for the ECS rollouts it started, the CLI as a process against moto
// behind the fault proxy with the deployment simulator (test/support/deployment-simulator.ts): a
// rollout that completes after 3 s exits 0 after it; one that fails exits 1 with ECS's reason;
// --no-wait exits at once; past --wait-timeout it exits 1. A failed rollout is then held (plan lists it, apply does not redeploy
// it) until --retry-failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { replacePlaceholders, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { tempDir } from '../source/git-fixtures.js';
import { awsEnv, runCli, type CliResult } from '../support/cli-process.js';
import { DeploymentSimulator } from '../support/deployment-simulator.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';

const SERVICE = 'chronous-payments-api';
const STOPPED = 'CannotPullContainerError: manifest for chronous-payments-web-api:2.0-typo not found';

let clients: TestClients;
let proxy: FaultProxy;
let sim: DeploymentSimulator;
let yaml: string;
let dir: string;

const withImage = (tag: string): string => yaml.replace(/(image: \S+chronous-payments-web-api):1\.0/, `$1:${tag}`);
const updates = (): number => proxy.writes().filter((w) => w.operation === 'UpdateService' && w.params?.service === SERVICE).length;

async function apply(content: string, ...flags: string[]): Promise<CliResult & { ms: number }> {
  writeFileSync(join(dir, 'chronous-payments.yaml'), content);
  const started = Date.now();
  const result = await runCli(['apply', dir, ...flags], { env: awsEnv(proxy.url), timeoutMs: 60_000 });
  return { ...result, ms: Date.now() - started };
}

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  const system = seedSystem('chronous-payments');
  const world = await system.buildWorld(clients);
  yaml = replacePlaceholders(await readFile(system.desiredFile, 'utf8'), world.ids, system.desiredFile);
  dir = join(tempDir('apply-rollout-wait'), 'desired');
  mkdirSync(dir);
  sim = new DeploymentSimulator();
  sim.script(
    SERVICE,
    { outcome: 'complete', afterMs: 3_000 },
    { outcome: 'fail', afterMs: 1_000, stoppedReason: STOPPED },
    { outcome: 'complete', afterMs: 0 }, // the retry
    { outcome: 'complete', afterMs: 5_000 }, // --no-wait: a wait would take 5 s
    { outcome: 'complete', afterMs: 60_000 }, // past --wait-timeout
  );
  proxy = new FaultProxy({ target: motoUrl(), simulator: sim });
  await proxy.start();
  // create, then correct what moto's CreateService drops (deploymentConfiguration): no rollout to follow
  expect((await apply(yaml)).code).toBe(0);
  expect((await apply(yaml)).code).toBe(0);
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await proxy?.stop();
});

describe('apply waits for the rollouts it started', () => {
  it('a rollout that completes after 3 s: exits 0 after it', async () => {
    const r = await apply(withImage('1.1'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(3_000);
    expect(r.stdout).toMatch(/rolling out chronous-payments-web-api:\d+: running 0\/1/);
    expect(r.stdout).toContain(`rollout completed Service/${SERVICE}`);
    expect(sim.deploymentsOf(SERVICE)).toHaveLength(1);
  }, 60_000);

  it('a rollout that fails: exits 1 with the reason', async () => {
    const r = await apply(withImage('2.0-typo'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`rollout rollout-failed Service/${SERVICE}`);
    expect(r.stdout).toContain('ECS deployment circuit breaker: tasks failed to start.');
    expect(r.stdout).toContain(STOPPED);
  }, 60_000);

  it('the failed hash is held: plan lists it, apply records the hold and does not redeploy it, --retry-failed does', async () => {
    const before = updates();
    expect((await apply(withImage('2.0-typo'), '--no-wait')).code).toBe(0); // writes the hold tag only
    expect(updates()).toBe(before);
    const plan = await runCli(['plan', dir], { env: awsEnv(proxy.url) });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Failed rollouts (held');
    expect(plan.stdout).toContain(`Service/${SERVICE}  rollout-failed`);
    expect((await apply(withImage('2.0-typo'), '--no-wait')).code).toBe(0);
    expect(updates()).toBe(before);
    const retried = await apply(withImage('2.0-typo'), '--retry-failed', '--no-wait');
    expect(retried.code, retried.stdout).toBe(0);
    expect(updates()).toBe(before + 1);
  }, 60_000);

  it('--no-wait: exits at once', async () => {
    const r = await apply(withImage('1.2'), '--no-wait');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('rollout completed');
    expect(r.ms).toBeLessThan(3_000);
  }, 60_000);

  it('--wait-timeout: a rollout still going when it passes exits 1 and says so', async () => {
    const r = await apply(withImage('1.3'), '--wait-timeout', '2s');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`rollout timeout Service/${SERVICE}: still rolling out after 2 s (--wait-timeout)`);
    expect(r.ms).toBeGreaterThanOrEqual(2_000);
    expect(r.ms).toBeLessThan(10_000);
  }, 60_000);
});
