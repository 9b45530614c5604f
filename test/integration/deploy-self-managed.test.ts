// "It manages itself", end to end against moto: deploy the controller by hand as the README's "Deploy to AWS"
// says (from deploy/*.json), then let the production CLI adopt it from desired/ecs-reconciler.yaml
// (no field change, only tags), converge (next plan empty), and roll an upgrade that arrives as
// a changed image. Every AWS call the CLI makes on the way must be granted by
// deploy/iam-policy.json (the observe-only policy: every read), owner-tag conditions included:
// nothing is tagged by hand, so the controller must tag before it revokes or modifies.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { ownerConditionViolations, type PolicyStatement } from '../deploy/owner-conditions.js';
import { motoUrl } from '../support/moto-test-context.js';
import { authorizeIngress } from '../../src/demo/worlds/managed-building-blocks.js';
import { renderDesired } from '../../src/demo/worlds/render-desired.js';
import { realId, tcpFrom } from '../../src/demo/worlds/world-building-blocks.js';
import { buildSelfWorld, deploySelfByHand, SELF_CLUSTER, SELF_PLACEHOLDERS } from './deploy-self-world.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const IAM_PREFIX: Record<string, string> = { ecs: 'ecs', elbv2: 'elasticloadbalancing', ec2: 'ec2' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let proxy: FaultProxy;
let clients: TestClients;
let dir = '';
let desiredFile = '';
let controllerSg = '';

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'dist/cli.js'), ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_ENDPOINT_URL: proxy.url,
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
          AWS_REGION: TEST_REGION,
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        maxBuffer: 16 << 20,
      },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

function policyActions(file: string): Set<string> {
  const policy = JSON.parse(readFileSync(join(root, 'deploy', file), 'utf8')) as { Statement: { Action: string | string[] }[] };
  return new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

interface PlanJson {
  ok: boolean;
  changes: { kind: string; name: string; action: string; cause: string; diffs: { path: string; live?: unknown }[]; registerTaskDefinition?: boolean }[];
  conflicts: unknown[];
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  clients = createTestClients(motoUrl());
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  const world = await buildSelfWorld(clients);
  await deploySelfByHand(clients, world.ids);
  controllerSg = realId(world.ids, SELF_PLACEHOLDERS.controllerSecurityGroup);
  dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-self-managed-'));
  desiredFile = (await renderDesired([join(root, 'desired/ecs-reconciler.yaml')], world.ids, dir))[0] ?? '';
});

/** moto differences: CreateService drops deploymentConfiguration (test/README.md) and
 * healthCheckGracePeriodSeconds (moto 5.2.1, seen here), so the hand-made service reads back with
 * 200/100 and no grace period; UpdateService keeps both (the apply sets them). */
function withoutMotoCreateServiceLosses(kind: string, diffs: { path: string; live?: unknown }[]): { path: string }[] {
  if (kind !== 'Service') return diffs;
  const dropped: Record<string, unknown> = { 'deployment.maximumPercent': 200, 'deployment.minimumHealthyPercent': 100, healthCheckGracePeriodSeconds: 0 };
  return diffs.filter((d) => !(d.path in dropped && dropped[d.path] === d.live));
}

afterAll(async () => {
  await proxy?.stop();
  clients?.destroy();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the controller adopting its own hand-made deployment', () => {
  it('plans tags only: the files describe exactly what the README deploy steps built', async () => {
    const r = await cli('plan', '--json', dir);
    expect([0, 2], r.stderr).toContain(r.code);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.conflicts).toEqual([]);
    expect(plan.changes.map((c) => `${c.kind}/${c.name}`).sort()).toEqual([
      'ListenerRule/ecs-reconciler-webhook',
      'SecurityGroupIngress/ecs-reconciler-from-alb',
      'Service/ecs-reconciler',
      'TargetGroup/ecs-reconciler-webhook',
    ]);
    for (const c of plan.changes) {
      expect(withoutMotoCreateServiceLosses(c.kind, c.diffs), `${c.kind}/${c.name}`).toEqual([]);
      expect(['noop', 'update'], `${c.kind}/${c.name}`).toContain(c.action);
    }
    expect(plan.changes.find((c) => c.kind === 'Service')?.registerTaskDefinition ?? false).toBe(false);
  });

  it('applies, and the next plan is empty, without registering a task definition revision', async () => {
    // someone opened SSH on the controller's group by hand: exclusive: true revokes it (with --prune:
    // a revoke is a deletion)
    await authorizeIngress(clients, controllerSg, [tcpFrom(22, { cidr: '0.0.0.0/0' }, 'temporary ssh')]);
    const applied = await cli('apply', '--prune', dir);
    expect(applied.code, `${applied.stdout}${applied.stderr}`).toBe(0);
    const again = await cli('plan', dir);
    expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
    const revisions = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'ecs-reconciler' }));
    expect(revisions.taskDefinitionArns).toHaveLength(1);
    const rules = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [controllerSg] }] }));
    expect((rules.SecurityGroupRules ?? []).filter((r) => !r.IsEgress).map((r) => r.FromPort)).toEqual([8080]);
  });

  it('rolls an upgrade that arrives as a new image: a new revision, the same one-at-a-time deployment', async () => {
    const text = readFileSync(desiredFile, 'utf8');
    writeFileSync(desiredFile, text.replace('/ecs-reconciler:0.1.0', '/ecs-reconciler:0.2.0'));
    const applied = await cli('apply', dir);
    expect(applied.code, `${applied.stdout}${applied.stderr}`).toBe(0);
    const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: SELF_CLUSTER, services: ['ecs-reconciler'] }));
    const service = services?.[0];
    expect(service?.taskDefinition).toMatch(/:2$/);
    expect(service?.desiredCount).toBe(1);
    const { taskDefinition } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service!.taskDefinition! }));
    const container = taskDefinition?.containerDefinitions?.[0];
    expect(container?.image).toMatch(/\/ecs-reconciler:0\.2\.0$/);
    expect((container?.secrets ?? []).map((s) => s.name).sort()).toEqual(['GIT_TOKEN', 'SLACK_WEBHOOK_URL', 'WEBHOOK_SECRET']);
    // the revision the controller registers for itself keeps the health check and stop timeout
    expect(container?.healthCheck).toMatchObject({ command: ['CMD', 'node', '/app/healthcheck.mjs'], interval: 30, timeout: 5, retries: 3, startPeriod: 30 });
    expect(container?.stopTimeout).toBe(30);
    expect((await cli('plan', dir)).code).toBe(0);
  });
});

describe('what the CLI called on the way', () => {
  it('includes the revoke that exclusive: true needed', () => {
    expect(proxy.count('ec2', 'RevokeSecurityGroupIngress')).toBeGreaterThan(0);
  });

  it('every operation is granted by deploy/iam-policy.json, every read by the observe-only policy', () => {
    const granted = policyActions('iam-policy.json');
    const reads = policyActions('iam-policy-observe.json');
    const called = [...new Set(proxy.calls.map((c) => `${IAM_PREFIX[c.service] ?? c.service}:${c.operation}`))].sort();
    expect(called.length).toBeGreaterThan(5);
    expect(called.filter((a) => !granted.has(a))).toEqual([]);
    expect(called.filter((a) => /:(Describe|List|Get)/.test(a) && !reads.has(a))).toEqual([]);
  });

  it('no owner-conditioned write reached a resource before it carried our owner tag', () => {
    const policy = JSON.parse(readFileSync(join(root, 'deploy/iam-policy.json'), 'utf8')) as { Statement: PolicyStatement[] };
    // the hand-made deployment carries no ecs-reconciler tag: everything owned was tagged by these calls
    expect(ownerConditionViolations(policy.Statement, proxy.writes())).toEqual([]);
  });
});
