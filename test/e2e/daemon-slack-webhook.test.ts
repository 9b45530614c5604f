// The daemon as a process with a Slack that hangs, then answers 500: drifts are still corrected
// within 2 intervals and no cycle slows down. A signed push starts a cycle within 1 s.
import { readFile } from 'node:fs/promises';
import { DescribeTargetGroupsCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { replacePlaceholders, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { startFakeSlack, type FakeSlack } from '../notify/slack-fixtures.js';
import { tempDir, TestRepo } from '../source/git-fixtures.js';
import { awsEnv } from '../support/cli-process.js';
import { motoUrl } from '../support/moto-test-context.js';
import { DaemonProcess, sendSignedPush, waitFor } from './daemon-process.js';

const INTERVAL_MS = 2_000;
const SECRET = 'webhook-secret-e2e-slack-0004';
const FILE = 'desired/docto.yaml';

let clients: TestClients;
let slack: FakeSlack;
let repo: TestRepo;
let daemon: DaemonProcess;
let base: string;
let yaml: string;

const durations = (): number[] => daemon.events('cycle.completed').map((l) => Number(l.durationMs));

async function drift(path: string): Promise<void> {
  const tg = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['docto-fastapi'] }))).TargetGroups?.[0];
  await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn, HealthCheckPath: path }));
  const corrected = async () =>
    (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['docto-fastapi'] }))).TargetGroups?.[0]?.HealthCheckPath !== path;
  const started = Date.now();
  await waitFor(corrected, 2 * INTERVAL_MS * 1.1 + 2_000, () => daemon.tail());
  expect(Date.now() - started).toBeLessThanOrEqual(2 * INTERVAL_MS * 1.1 + 2_000);
}

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  const system = seedSystem('docto');
  const world = await system.buildWorld(clients);
  yaml = replacePlaceholders(await readFile(system.desiredFile, 'utf8'), world.ids, system.desiredFile);
  repo = new TestRepo(tempDir('daemon-slack'));
  repo.commit({ [FILE]: yaml }, 'docto');
  slack = await startFakeSlack();
  slack.fallback = 'hang';
  daemon = new DaemonProcess(
    ['--source', repo.bare, '--branch', 'main', '--path', 'desired', '--interval', '2s', '--git-poll', '60s', '--port', '0', '--host', '127.0.0.1'],
    { PATH: process.env.PATH, HOME: repo.root, ...awsEnv(motoUrl()), SLACK_WEBHOOK_URL: slack.url, WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'debug' },
  );
  base = await daemon.url();
  await waitFor(() => daemon.events('cycle.completed').some((l) => l.result === 'success'), 30_000, () => daemon.tail());
}, 60_000);

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  await slack?.close();
  clients?.destroy();
});

describe('ecs-reconciler run with a broken Slack', () => {
  it('Slack hanging: the drift is corrected within 2 intervals and cycles stay short', async () => {
    await drift('/hanging-slack');
    expect(slack.posts.length).toBeGreaterThan(0); // messages were attempted (and hung)
    expect(Math.max(...durations())).toBeLessThan(INTERVAL_MS);
  }, 30_000);

  it('Slack answering 500: the same', async () => {
    slack.fallback = 500;
    const before = slack.posts.length;
    await drift('/failing-slack');
    await waitFor(() => slack.posts.length > before, 10_000);
    expect(Math.max(...durations())).toBeLessThan(INTERVAL_MS);
  }, 30_000);

  it('a signed push starts a cycle within 1 s', async () => {
    const sha = repo.commit({ [FILE]: yaml.replace('["/fastapi*"]', '["/api*"]') }, 'route /api*');
    const seen = daemon.logs.length;
    const status = await sendSignedPush(base, SECRET, sha);
    const pushedAt = Date.now();
    expect(status).toBeLessThan(300);
    await waitFor(() => daemon.logs.slice(seen).some((l) => l.event === 'cycle.started' && (l.reason === 'push' || l.reason === 'queued')), 5_000, () => daemon.tail());
    expect(Date.now() - pushedAt).toBeLessThan(1_000);
    await waitFor(() => daemon.logs.some((l) => l.event === 'source.updated' && l.commit === sha), 5_000, () => daemon.tail());
  }, 20_000);
});
