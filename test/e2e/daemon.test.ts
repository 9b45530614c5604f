// The daemon end to end, all real processes and parts: a git repository served over smart HTTP
// with a token, moto as AWS, a local HTTP server as Slack, `node dist/cli.js run` at a 2 s
// interval. Converge; a drift made with the SDK is corrected with one drift and one resolved
// message; a pushed rule change rolls out with a rollout message and no drift message; an invalid
// commit is not applied and is reported once with file:line and its SHA; the next good commit is
// applied; /metrics and /status tell it all; SIGTERM exits 0; no secret is ever printed or posted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { motoUrl } from '../support/moto-test-context.js';
import { replacePlaceholders, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { startFakeSlack, type FakeSlack } from '../notify/slack-fixtures.js';
import { startGitHttpServer, tempDir, TestRepo, type GitHttpServer } from '../source/git-fixtures.js';
import { DaemonProcess, getJson, sendSignedPush, waitFor, daemonEnv } from './daemon-process.js';

const GIT_TOKEN = 'ghp_e2eTokenThatMustNeverBeLogged0001';
const URL_TOKEN = 'urlTokenNeverLogged0002';
const WEBHOOK_SECRET = 'webhook-secret-never-logged-0003';
const INTERVAL_MS = 2_000;
const FILE = 'desired/flask-react.yaml';

interface Status {
  revision: string | null;
  invalidRevision: { revision: string } | null;
  lastCycle: { result?: string } | null;
  resources: { id: string; state: string }[];
}

let clients: TestClients;
let slack: FakeSlack;
let gitServer: GitHttpServer;
let repo: TestRepo;
let daemon: DaemonProcess;
let base: string;
let yaml: string;

const usersTg = async () =>
  (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['flask-react-users-tg'] }))).TargetGroups?.[0];
const usersRule = async (listenerArn: string) =>
  (await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules?.find((r) => r.Priority === '1');
const texts = (): string[] => slack.delivered();
const inSync = (s: Status) => s.lastCycle?.result === 'success' && s.resources.length > 0 && s.resources.every((r) => r.state === 'in-sync');

async function push(content: string, message: string): Promise<string> {
  const sha = repo.commit({ [FILE]: content }, message);
  expect(await sendSignedPush(base, WEBHOOK_SECRET, sha)).toBeLessThan(300);
  return sha;
}

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  const system = seedSystem('flask-react');
  const world = await system.buildWorld(clients);
  yaml = replacePlaceholders(await readFile(system.desiredFile, 'utf8'), world.ids, system.desiredFile);
  const root = tempDir('daemon-e2e');
  repo = new TestRepo(root);
  repo.commit({ [FILE]: yaml }, 'flask-react as built by hand');
  gitServer = await startGitHttpServer(root, 'x-access-token', URL_TOKEN);
  slack = await startFakeSlack();
  const source = gitServer.url.replace('http://', `http://x-access-token:${URL_TOKEN}@`) + '/desired.git';
  daemon = new DaemonProcess(
    ['--source', source, '--branch', 'main', '--path', 'desired', '--interval', '2s', '--git-poll', '60s', '--port', '0', '--host', '127.0.0.1', '--state-dir', join(root, 'state')],
    {
      ...daemonEnv(root, motoUrl()),
      SLACK_WEBHOOK_URL: slack.url,
      GIT_TOKEN,
      WEBHOOK_SECRET,
      LOG_LEVEL: 'debug',
    },
  );
  base = await daemon.url();
}, 60_000);

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  await slack?.close();
  await gitServer?.close();
});

describe('ecs-reconciler run (git + moto + Slack, 2 s interval)', () => {
  it('converges the hand-built system and reports every resource in sync', async () => {
    const status = await waitFor(async () => {
      const s = await getJson<Status>(`${base}/status`);
      return inSync(s) ? s : undefined;
    }, 30_000, () => daemon.tail());
    expect(status.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(status.resources.map((r) => r.id)).toContain('TargetGroup/flask-react-users-tg');
    expect(texts().filter((t) => /drift/i.test(t))).toEqual([]);
  }, 40_000);

  it('corrects a drift within 2 intervals: one drift message, one resolved message', async () => {
    const tg = await usersTg();
    const before = texts().length;
    await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn, HealthCheckPath: '/hacked' }));
    const changedAt = Date.now();
    await waitFor(async () => (await usersTg())?.HealthCheckPath === '/ping', 3 * INTERVAL_MS + 2_000, () => daemon.tail());
    expect(Date.now() - changedAt).toBeLessThanOrEqual(2 * INTERVAL_MS * 1.1 + 2_000);
    await waitFor(() => texts().some((t) => /resolved/i.test(t) && t.includes('flask-react-users-tg')), 3 * INTERVAL_MS + 5_000, () => texts().join('\n---\n'));
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS)); // a later cycle must not announce it again
    const about = texts().slice(before).filter((t) => t.includes('TargetGroup/flask-react-users-tg'));
    expect(about.filter((t) => /resolved/i.test(t))).toHaveLength(1);
    expect(about.filter((t) => !/resolved/i.test(t))).toHaveLength(1);
    expect(about.find((t) => !/resolved/i.test(t))).toMatch(/healthCheck\.path[\s\S]*\/hacked[\s\S]*\/ping/);
    expect(daemon.events('drift.detected').length).toBeGreaterThanOrEqual(1);
    expect(daemon.events('drift.corrected').length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('rolls out a pushed rule change within 2 intervals with a rollout message and no drift message', async () => {
    const before = texts().length;
    const listenerArn = await listenerOfUsersRule();
    const sha = await push(yaml.replace('"/swagger*"', '"/openapi*"'), 'route /openapi* instead of /swagger*');
    await waitFor(async () => {
      const rule = await usersRule(listenerArn);
      const values = rule?.Conditions?.flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []) ?? [];
      return values.includes('/openapi*');
    }, 2 * INTERVAL_MS + 3_000, () => daemon.tail());
    await waitFor(() => texts().slice(before).some((t) => t.includes(sha.slice(0, 12))), 5_000, () => texts().join('\n---\n'));
    const after = texts().slice(before);
    expect(after.filter((t) => /drift/i.test(t))).toEqual([]);
    expect(daemon.events('rollout.applied').some((l) => l.commit === sha)).toBe(true);
  }, 30_000);

  it('does not apply an invalid commit, reports it once with file:line and SHA, keeps the previous state', async () => {
    const good = (await getJson<Status>(`${base}/status`)).revision;
    const before = texts().length;
    const bad = await push(yaml.replace('"/swagger*"', '"/openapi*"').replace('healthCheck:', 'healtCheck:'), 'typo');
    await waitFor(async () => (await getJson<Status>(`${base}/status`)).invalidRevision?.revision === bad, 3 * INTERVAL_MS + 2_000, () => daemon.tail());
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
    const messages = texts().slice(before).filter((t) => t.includes(bad.slice(0, 12)));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/flask-react\.yaml:\d+/);
    expect(messages[0]).toMatch(/healtCheck/);
    const status = await getJson<Status>(`${base}/status`);
    expect(status.revision).toBe(good);
    expect(daemon.events('source.invalid').filter((l) => l.commit === bad)).toHaveLength(1);
  }, 30_000);

  it('applies the next correct commit', async () => {
    const sha = await push(yaml, 'back to /swagger*');
    await waitFor(async () => (await getJson<Status>(`${base}/status`)).revision === sha, 3 * INTERVAL_MS + 2_000, () => daemon.tail());
    const listenerArn = await listenerOfUsersRule();
    await waitFor(async () => {
      const rule = await usersRule(listenerArn);
      return (rule?.Conditions ?? []).some((c) => (c.PathPatternConfig?.Values ?? c.Values ?? []).includes('/swagger*'));
    }, 2 * INTERVAL_MS + 3_000, () => daemon.tail());
  }, 30_000);

  it('/metrics and /status reflect the run', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/ecs_reconciler_cycles_total\{result="success"\} [1-9]/);
    expect(metrics).toMatch(/ecs_reconciler_drifts_total\{kind="TargetGroup"\} [1-9]/);
    expect(metrics).toMatch(/ecs_reconciler_aws_calls_total\{[^}]*operation="DescribeTargetGroups"/);
    const status = await getJson<Status>(`${base}/status`);
    expect(status.invalidRevision).toBeNull();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('exits 0 on SIGTERM in under 30 s, and never printed or posted a secret', async () => {
    const started = Date.now();
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const everything = [...daemon.output, ...slack.posts.map((p) => p.text)].join('\n');
    for (const secret of [GIT_TOKEN, URL_TOKEN, WEBHOOK_SECRET, slack.url, 'slackSecretPath1234']) {
      expect(everything).not.toContain(secret);
    }
  }, 35_000);
});

async function listenerOfUsersRule(): Promise<string> {
  const lb = (await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['flask-react-alb'] }))).LoadBalancers?.[0];
  const listeners = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
  return String(listeners.Listeners?.find((l) => l.Port === 80)?.ListenerArn);
}
