// Rollouts followed to their outcome by the daemon as a process, with a real git source, the
// Slack stand-in and the deployment simulator (test/support/deployment-simulator.ts) in the fault
// proxy: a commit with a bad image fails (one rollout.failed line, one Slack message with ECS's
// reason, /status rollout-failed), the circuit breaker rolls it back, the held spec hash is not
// deployed again (0 UpdateService in 10 cycles, nor after a restart, and no repeated alert), a
// POST /retry deploys it once more (it fails again: announced again, held again), and the fixing
// commit completes with one resolved message and state in-sync.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { replacePlaceholders, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { startFakeSlack, type FakeSlack } from '../notify/slack-fixtures.js';
import { tempDir, TestRepo } from '../source/git-fixtures.js';
import { DeploymentSimulator } from '../support/deployment-simulator.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';
import { DaemonProcess, daemonEnv, getJson, waitFor } from './daemon-process.js';

const FILE = 'desired/chronous-payments.yaml';
const SERVICE = 'chronous-payments-api';
const ID = `Service/${SERVICE}`;
const STOPPED = 'CannotPullContainerError: pull image manifest has been retried 5 time(s): manifest for chronous-payments-web-api:2.0-typo not found';

interface Status {
  lastCycle: { result?: string } | null;
  resources: { id: string; state: string; detail?: string }[];
}

let clients: TestClients;
let proxy: FaultProxy;
let sim: DeploymentSimulator;
let slack: FakeSlack;
let repo: TestRepo;
let daemon: DaemonProcess;
let base: string;
let yaml: string;
let stateDir: string;
const statesSeen: string[] = [];
/** moto's CreateService drops deploymentConfiguration: the first cycles correct that one drift */
let driftsAtStart = 0;

function startDaemon(): DaemonProcess {
  return new DaemonProcess(
    ['--source', repo.bare, '--branch', 'main', '--path', 'desired', '--interval', '1s', '--git-poll', '1s', '--port', '0', '--bind', '127.0.0.1', '--state-dir', stateDir],
    { ...daemonEnv(repo.root, proxy.url), SLACK_WEBHOOK_URL: slack.url },
  );
}

const serviceState = async (): Promise<{ state: string; detail?: string } | undefined> =>
  (await getJson<Status>(`${base}/status`)).resources.find((r) => r.id === ID);
const updateServiceCalls = (): number => proxy.writes().filter((w) => w.operation === 'UpdateService' && w.params?.service === SERVICE).length;
const cycles = (d: DaemonProcess): number => d.events('cycle.completed').length;

async function watchStates(until: () => boolean): Promise<void> {
  await waitFor(async () => {
    const s = await serviceState();
    if (s !== undefined && statesSeen.at(-1) !== s.state) statesSeen.push(s.state);
    return until();
  }, 30_000, () => `${statesSeen.join(' -> ')}\n${daemon.tail()}`);
}

/** the desired file with the service's image tag changed (the comments name the image too) */
const withImage = (tag: string): string => yaml.replace(/(image: \S+chronous-payments-web-api):1\.0/, `$1:${tag}`);

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  const system = seedSystem('chronous-payments');
  const world = await system.buildWorld(clients);
  yaml = replacePlaceholders(await readFile(system.desiredFile, 'utf8'), world.ids, system.desiredFile);
  expect(withImage('x')).not.toBe(yaml);
  sim = new DeploymentSimulator();
  const bad = { outcome: 'fail', afterMs: 1_500, stoppedReason: STOPPED, rollback: true, rollbackAfterMs: 3_000 } as const;
  sim.script(SERVICE, bad, bad, { outcome: 'complete', afterMs: 2_000 }); // the bad commit, its retry, the fix
  proxy = new FaultProxy({ target: motoUrl(), simulator: sim });
  await proxy.start();
  slack = await startFakeSlack();
  repo = new TestRepo(tempDir('daemon-rollouts'));
  stateDir = tempDir('daemon-rollouts-state');
  repo.commit({ [FILE]: yaml }, 'chronous payments');
  daemon = startDaemon();
  base = await daemon.url();
  await waitFor(async () => (await serviceState())?.state === 'in-sync' && cycles(daemon) >= 2, 30_000, () => daemon.tail());
  driftsAtStart = daemon.events('drift.detected').filter((l) => l.resource === ID).length;
}, 60_000);

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  await slack?.close();
  await proxy?.stop();
  clients?.destroy();
});

const failureMessages = (): string[] => slack.delivered().filter((t) => t.includes('Rollout of commit') && t.includes('failed'));
const resolvedMessages = (): string[] => slack.delivered().filter((t) => t.includes('Rollout completed') && t.includes('resolved'));

describe('the daemon follows a rollout to its outcome', () => {
  it('a bad image: one rollout.failed line and one Slack message with the reason, /status rollout-failed, then rolled-back', async () => {
    repo.commit({ [FILE]: withImage('2.0-typo') }, 'bad image');
    await watchStates(() => daemon.events("rollout.rolled_back").length > 0 && statesSeen.includes("rolled-back"));
    expect(statesSeen).toContain('rolling-out');
    expect(statesSeen).toContain('rollout-failed');
    expect(statesSeen.at(-1)).toBe('rolled-back');
    const failed = daemon.events('rollout.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.reason).toContain('circuit breaker');
    expect(failed[0]?.stoppedReason).toContain('CannotPullContainerError');
    await waitFor(() => failureMessages().length > 0, 10_000);
    expect(failureMessages()).toHaveLength(1);
    expect(failureMessages()[0]).toContain('ECS deployment circuit breaker: tasks failed to start.');
    expect(failureMessages()[0]).toContain('CannotPullContainerError');
    expect(sim.deploymentsOf(SERVICE)).toHaveLength(1);
  }, 40_000);

  it('held: the next 10 cycles make 0 UpdateService calls for it and say nothing more', async () => {
    const updates = updateServiceCalls();
    const from = cycles(daemon);
    await waitFor(() => cycles(daemon) >= from + 10, 30_000, () => daemon.tail());
    expect(updateServiceCalls()).toBe(updates);
    expect(daemon.events('rollout.failed')).toHaveLength(1);
    expect(daemon.events('drift.detected').filter((l) => l.resource === ID)).toHaveLength(driftsAtStart); // a rollback is not drift
    expect(failureMessages()).toHaveLength(1);
    expect((await serviceState())?.state).toBe('rolled-back');
  }, 40_000);

  it('after a restart: no redeploy of the held hash, no repeated alert', async () => {
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
    const updates = updateServiceCalls();
    const messages = slack.delivered().length;
    daemon = startDaemon();
    base = await daemon.url();
    await waitFor(() => cycles(daemon) >= 5, 30_000, () => daemon.tail());
    expect(updateServiceCalls()).toBe(updates);
    expect(daemon.events('rollout.failed')).toEqual([]);
    expect(slack.delivered().slice(messages).filter((t) => t.includes('Rollout'))).toEqual([]);
    expect((await serviceState())?.state).toBe('rolled-back');
  }, 40_000);

  it('POST /retry: one redeploy of the held hash; it fails again: announced again, held again', async () => {
    const updates = updateServiceCalls();
    const alerts = failureMessages().length;
    const res = await fetch(`${base}/retry`, { method: 'POST' });
    expect(res.status).toBe(202);
    await waitFor(() => daemon.events('rollout.rolled_back').length > 0, 30_000, () => daemon.tail());
    expect(updateServiceCalls()).toBe(updates + 1);
    expect(daemon.events('rollout.started')).toHaveLength(1);
    expect(daemon.events('rollout.failed')).toHaveLength(1);
    await waitFor(() => failureMessages().length > alerts, 10_000);
    const from = cycles(daemon);
    await waitFor(() => cycles(daemon) >= from + 5, 30_000, () => daemon.tail());
    expect(updateServiceCalls()).toBe(updates + 1);
    expect(failureMessages()).toHaveLength(alerts + 1);
    expect(sim.deploymentsOf(SERVICE).map((d) => d.outcome)).toEqual(['fail', 'fail']);
  }, 60_000);

  it('the fixing commit: the rollout completes, one resolved message, state in-sync', async () => {
    statesSeen.length = 0;
    repo.commit({ [FILE]: withImage('1.1') }, 'fix the image');
    await watchStates(() => daemon.events('rollout.completed').length > 0 && statesSeen.at(-1) === 'in-sync');
    expect(statesSeen).toContain('rolling-out');
    await waitFor(() => resolvedMessages().length > 0, 10_000);
    expect(resolvedMessages()).toHaveLength(1);
    expect(sim.deploymentsOf(SERVICE).map((d) => d.outcome)).toEqual(['fail', 'fail', 'complete']);
    const from = cycles(daemon);
    await waitFor(() => cycles(daemon) >= from + 3, 10_000);
    expect(resolvedMessages()).toHaveLength(1);
    expect(failureMessages()).toHaveLength(2); // the bad commit's, the retry's
    expect((await serviceState())?.state).toBe('in-sync');
  }, 40_000);
});
