// The daemon with a controller config file (issue 16): two targets in two moto accounts through
// AssumeRole, one set of files (the VPC found by its Name tag in each account) and two values
// files (each target's port); a third target whose role cannot be assumed (the fault proxy refuses that AssumeRole: moto would accept any role).
// Both accounts converge, the refused one fails alone, a drift in one account is corrected there
// and its Slack message names the target; /status and /metrics have a section/label per target.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClients } from '../../src/demo/aws-demo-clients.js';
import { startFakeSlack, type FakeSlack } from '../notify/slack-fixtures.js';
import { assumedRoleClients, defaultVpc, roleIn } from '../support/assumed-role-clients.js';
import { awsEnv, runCli } from '../support/cli-process.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';
import { DaemonProcess, getJson, waitFor } from './daemon-process.js';

const A = '111111111111';
const B = '222222222222';
const DENIED = '333333333333';
const PORTS: Record<string, number> = { a: 8080, b: 8081 };

const TARGET_GROUP = `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: shop-tg }
spec:
  vpc: { tags: { Name: shop } }
  protocol: HTTP
  port: \${PORT}
  targetType: ip
  healthCheck: { path: /health }
`;

let proxy: FaultProxy;
let slack: FakeSlack;
let daemon: DaemonProcess;
let base: string;
const accounts: Record<string, TestClients> = {};
let vpcs: Record<string, string> = {};
let src: string;
let config: string;

async function healthPath(account: string): Promise<string | undefined> {
  const { TargetGroups } = await accounts[account]!.elbv2.send(new DescribeTargetGroupsCommand({}));
  return TargetGroups?.find((t) => t.TargetGroupName === 'shop-tg')?.HealthCheckPath;
}

beforeAll(async () => {
  for (const account of [A, B, DENIED]) accounts[account] = await assumedRoleClients(motoUrl(), account);
  vpcs = { a: await defaultVpc(accounts[A]!), b: await defaultVpc(accounts[B]!) };
  expect(vpcs.a).not.toBe(vpcs.b);

  src = mkdtempSync(join(tmpdir(), 'targets-src-'));
  // the same files in both accounts: the VPC by its Name tag, the port from each target's values file
  for (const t of ['a', 'b'] as const) {
    await accounts[t === 'a' ? A : B]!.ec2.send(new CreateTagsCommand({ Resources: [vpcs[t]!], Tags: [{ Key: 'Name', Value: 'shop' }] }));
  }
  mkdirSync(join(src, 'values'));
  for (const t of ['a', 'b']) writeFileSync(join(src, 'values', `${t}.yaml`), `PORT: ${PORTS[t]}\n`);
  mkdirSync(join(src, 'stack'));
  writeFileSync(join(src, 'stack', 'tg.yaml'), TARGET_GROUP);
  config = join(mkdtempSync(join(tmpdir(), 'targets-cfg-')), 'controller.yaml');
  writeFileSync(
    config,
    `targets:
  - { name: a, account: "${A}", region: us-east-1, roleArn: "${roleIn(A)}", externalId: ext-a, path: stack, values: values/a.yaml }
  - { name: b, account: "${B}", region: us-east-1, roleArn: "${roleIn(B)}", path: stack, values: values/b.yaml }
  - { name: denied, account: "${DENIED}", region: us-east-1, roleArn: "${roleIn(DENIED)}", path: stack, values: values/a.yaml }
`,
  );
  proxy = new FaultProxy({ target: motoUrl(), faults: [{ service: 'sts', operation: 'AssumeRole', params: { RoleArn: roleIn(DENIED) }, fault: 'accessDenied' }] });
  slack = await startFakeSlack();
  daemon = new DaemonProcess(
    ['--source', src, '--config', config, '--interval', '1s', '--port', '0', '--host', '127.0.0.1', '--aws-timeout', '3s'],
    { PATH: process.env.PATH, HOME: src, ...awsEnv(await proxy.start()), SLACK_WEBHOOK_URL: slack.url },
  );
  base = await daemon.url();
}, 60_000);

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  await slack?.close();
  await proxy?.stop();
  for (const c of Object.values(accounts)) c.destroy();
});

describe('run --config: targets in two accounts and one that cannot be assumed', () => {
  it('converges both accounts, each in its own; the refused role blocks only its target', async () => {
    await waitFor(async () => (await healthPath(A)) === '/health' && (await healthPath(B)) === '/health', 30_000, () => daemon.tail());
    // each account got its own target group in its own VPC
    const tgA = (await accounts[A]!.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['shop-tg'] }))).TargetGroups?.[0];
    const tgB = (await accounts[B]!.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['shop-tg'] }))).TargetGroups?.[0];
    expect([tgA?.VpcId, tgB?.VpcId]).toEqual([vpcs.a, vpcs.b]);
    // and the port of its own values file
    expect([tgA?.Port, tgB?.Port]).toEqual([PORTS.a, PORTS.b]);
    expect(tgA?.TargetGroupArn).toContain(`:${A}:`);
    expect(tgB?.TargetGroupArn).toContain(`:${B}:`);
    expect(await healthPath(DENIED)).toBeUndefined();

    const failed = await waitFor(() => daemon.events('target.failed').find((l) => l.target === 'denied'), 10_000, () => daemon.tail());
    expect(String(failed.msg)).toContain(`cannot assume ${roleIn(DENIED)}: AccessDenied`);
    expect(daemon.events('target.failed').filter((l) => l.target !== 'denied')).toEqual([]);
    // each target's part of a cycle ends with its own line: result and duration
    const completed = await waitFor(() => {
      const lines = daemon.events('target.completed');
      return ['a', 'b', 'denied'].every((t) => lines.some((l) => l.target === t)) ? lines : undefined;
    }, 10_000, () => daemon.tail());
    expect(completed.find((l) => l.target === 'denied')?.result).toBe('failed');
    expect(completed.filter((l) => l.target === 'a' || l.target === 'b').every((l) => l.result === 'success' && typeof l.durationMs === 'number')).toBe(true);
    // every AssumeRole sent the target's own role; the external id went with a's
    const assumes = proxy.writes().filter((w) => w.operation === 'AssumeRole');
    expect(new Set(assumes.map((w) => w.params?.RoleArn))).toEqual(new Set([roleIn(A), roleIn(B), roleIn(DENIED)]));
    expect(assumes.filter((w) => w.params?.RoleArn === roleIn(A)).every((w) => w.params?.ExternalId === 'ext-a')).toBe(true);
    // the session is kept: not one AssumeRole per call
    expect(assumes.filter((w) => w.params?.RoleArn === roleIn(A)).length).toBeLessThanOrEqual(2);
  }, 45_000);

  it('/status has one section per target and /metrics a target label', async () => {
    type Section = { name: string; account: string; owned: boolean; status: { counts: Record<string, number>; lastCycle: { result: string; error?: string } | null } };
    const status = await waitFor(async () => {
      const doc = await getJson<{ targets?: Section[] }>(`${base}/status`);
      return doc.targets?.every((t) => t.status.lastCycle !== null) ? doc : undefined;
    }, 10_000);
    const byName = Object.fromEntries((status.targets ?? []).map((t) => [t.name, t]));
    expect(Object.keys(byName)).toEqual(['a', 'b', 'denied']);
    expect(byName.a?.status.counts['in-sync']).toBe(1);
    expect(byName.b?.status.counts['in-sync']).toBe(1);
    expect(byName.denied?.status.lastCycle?.result).toBe('failed');
    expect(byName.denied?.status.lastCycle?.error).toContain('AccessDenied');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('ecs_reconciler_resources{state="in-sync",target="a"} 1');
    expect(metrics).toContain('ecs_reconciler_resources{state="in-sync",target="b"} 1');
    expect(metrics).toMatch(/ecs_reconciler_cycles_total\{result="failed",target="denied"\} [1-9]/);
    // the daemon is ready: a revision in force, its cycles partial (one target failed) with AWS answering
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, 20_000);

  it('a drift in account b is corrected there and alerted with the target name', async () => {
    const tg = (await accounts[B]!.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['shop-tg'] }))).TargetGroups?.[0];
    const postsBefore = slack.posts.length;
    await accounts[B]!.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn, HealthCheckPath: '/drifted' }));
    await waitFor(async () => (await healthPath(B)) === '/health', 10_000, () => daemon.tail());
    expect(await healthPath(A)).toBe('/health');
    const drift = daemon.events('drift.detected').find((l) => l.target === 'b');
    expect(drift).toBeDefined();
    expect(daemon.events('drift.detected').filter((l) => l.target === 'a')).toEqual([]);
    const post = await waitFor(() => slack.posts.slice(postsBefore).find((p) => p.text.includes('shop-tg')), 10_000);
    expect(post.text).toContain('[target b]');
    expect(post.text).not.toContain('[target a]');
  }, 30_000);

  it('an invalid config file: run exits 1 with every error at its file:line', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'targets-bad-')), 'controller.yaml');
    writeFileSync(bad, 'targets:\n  - { name: a, region: eu-west-1, path: x, account: "12" }\n  - { name: a, region: eu-west-1, path: x, rolearn: x }\n');
    const run = new DaemonProcess(['--source', src, '--config', bad, '--port', '0', '--host', '127.0.0.1'], { PATH: process.env.PATH, HOME: src, ...awsEnv(proxy.url) });
    expect((await run.exited).code).toBe(1);
    expect(run.output.filter((l) => !l.startsWith('{'))).toEqual([
      'error: invalid controller config:',
      `${bad}:2:53: targets[0].account: "12" is not valid (the 12-digit account id)`,
      `${bad}:3:44: targets[1]: unknown field rolearn; a target takes name, account, region, roleArn, externalId, path, values`,
    ]);
  }, 20_000);

  it('plan --target works on one target: its account, its files; a refused role and an unknown name exit 1', async () => {
    const env = awsEnv(proxy.url);
    const b = await runCli(['plan', src, '--config', config, '--target', 'b', '--json'], { env });
    expect(b.code, b.stderr).toBe(0);
    const plan = JSON.parse(b.stdout) as { ok: boolean; changes: { id: string; action: string }[] };
    expect(plan.changes.map((c) => [c.id, c.action])).toEqual([['TargetGroup/shop-tg', 'noop']]);
    const denied = await runCli(['plan', src, '--target', 'denied'], { env: { ...env, ECS_RECONCILER_CONFIG: config } });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(`cannot assume ${roleIn(DENIED)}: AccessDenied`);
    const unknown = await runCli(['plan', src, '--config', config, '--target', 'qa'], { env });
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, `error: no target "qa" in ${config}; its targets: a, b, denied`]);
  }, 30_000);
});
