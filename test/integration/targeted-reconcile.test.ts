// Issue 17, found by the events bench (bench/events-scale.ts). 1: a console opens an ingress rule in an `exclusive: true`
// group and CloudTrail says so; with --prune the targeted reconcile of that group revokes the
// rule at once, as the next full cycle would (it used to run with prune off and only report
// it, leaving the port open until the resync, 10 min later). Without --prune it is reported
// and kept, as in a full cycle. 2: a targeted reconcile of one service trimmed the task
// definition cache to that service's revision, so the next full cycle read every other
// service's task definition again (499 DescribeTaskDefinition at 500 services, ~25 s of ECS's
// bucket); it now keeps them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/aws/clients.js';
import { Reconciler } from '../../src/controller/cycle.js';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createSecurityGroup, createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { silentLogger } from '../../src/log/logger.js';
import { SecretRegistry } from '../../src/log/redact-secrets.js';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { createCluster } from '../../src/demo/worlds/world-building-blocks.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';

const ID = 'SecurityGroupIngress/locked';
const savedEnv = { ...process.env };
let direct: TestClients;
let clients: AwsClients;
let vpc: string;

function reconcilerFor(groupId: string, prune: boolean): Reconciler {
  return reconcilerOf(
    `apiVersion: ecs-reconciler/v1\nkind: SecurityGroupIngress\nmetadata: { name: locked }\nspec:\n  groupId: ${groupId}\n  exclusive: true\n  rules:\n    - { protocol: tcp, port: 443, source: { cidr: 10.20.0.0/24 } }\n`,
    prune,
    clients,
  );
}

function reconcilerOf(yaml: string, prune: boolean, aws: AwsClients): Reconciler {
  const dir = mkdtempSync(join(tmpdir(), 'targeted-reconcile-'));
  writeFileSync(join(dir, 'desired.yaml'), yaml);
  const logger = silentLogger();
  return new Reconciler({
    source: { describe: () => dir, sync: async () => ({ revision: 'r1', dir }), close: async () => undefined },
    clients: aws,
    logger,
    incidents: new DriftIncidents({ notify: () => undefined, logger }),
    status: new ControllerStatus({ intervalMs: 60_000, cycleTimeoutMs: 300_000, stallGraceMs: 60_000 }),
    metrics: new ControllerMetrics(),
    secrets: new SecretRegistry(),
    ownerId: 'ecs-reconciler',
    prune,
    maxDeletes: 10,
    dryRun: false,
  } as never);
}

async function ports(groupId: string): Promise<number[]> {
  const { SecurityGroupRules } = await direct.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (SecurityGroupRules ?? []).filter((r) => r.IsEgress !== true).map((r) => r.FromPort ?? -1).sort((a, b) => a - b);
}

/** The group adopted by one full cycle, then a rule opened by hand (as from the console). */
async function openedByHand(name: string, prune: boolean): Promise<{ groupId: string; reconciler: Reconciler }> {
  const groupId = await createSecurityGroup(direct, vpc, name, 'opened by hand');
  const reconciler = reconcilerFor(groupId, prune);
  expect(await reconciler.run()).toBe('success');
  expect(await ports(groupId)).toEqual([443]);
  await direct.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }] }));
  expect(await ports(groupId)).toEqual([443, 3306]);
  return { groupId, reconciler };
}

beforeAll(async () => {
  Object.assign(process.env, { AWS_ENDPOINT_URL: motoUrl(), AWS_REGION: TEST_REGION, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey });
  clients = createAwsClients();
  direct = createTestClients(motoUrl());
  vpc = await createVpc(direct, 'targeted-revoke-vpc', '10.20.0.0/16');
});

afterAll(() => {
  clients?.destroy();
  direct?.destroy();
  process.env = savedEnv;
});

describe('the targeted reconcile of an exclusive group with a rule opened by hand', () => {
  it('revokes it with --prune, as a full cycle would', async () => {
    const { groupId, reconciler } = await openedByHand('targeted-revoke-prune', true);
    const result = await reconciler.runTargeted([ID]);
    expect(result).toMatchObject({ result: 'success', reconciled: [ID], failed: [], corrected: [ID] });
    expect(await ports(groupId)).toEqual([443]);
  });

  it('reports it and keeps it without --prune', async () => {
    const { groupId, reconciler } = await openedByHand('targeted-revoke-keep', false);
    const result = await reconciler.runTargeted([ID]);
    expect(result.failed).toEqual([]);
    expect(result.corrected).toEqual([]);
    expect(await ports(groupId)).toEqual([443, 3306]);
  });
});

describe('a targeted reconcile of one service', () => {
  const service = (name: string) =>
    `apiVersion: ecs-reconciler/v1\nkind: Service\nmetadata: { name: ${name} }\nspec:\n  cluster: targeted-cache\n  launchType: EC2\n  desiredCount: 1\n  taskDefinition:\n    family: ${name}\n    networkMode: bridge\n    containers:\n      - { name: web, image: "nginx:1.27", essential: true, cpu: 128, memory: 256 }\n`;

  it("keeps the other services' task definitions cached: the next full cycle reads none", async () => {
    await createCluster(direct, 'targeted-cache');
    const proxy = new FaultProxy({ target: motoUrl() });
    const url = await proxy.start();
    // the SDK reads the endpoint from the environment at its first request
    process.env.AWS_ENDPOINT_URL = url;
    const viaProxy = createAwsClients();
    try {
      const reconciler = reconcilerOf([service('cache-a'), service('cache-b')].join('---\n'), false, viaProxy);
      expect(await reconciler.run()).toBe('success');
      expect(await reconciler.run()).toBe('success');
      proxy.resetCounts();
      expect(await reconciler.run()).toBe('success');
      expect(proxy.count('ecs', 'DescribeTaskDefinition')).toBe(0); // steady: both cached
      await reconciler.runTargeted(['Service/cache-a']);
      proxy.resetCounts();
      expect(await reconciler.run()).toBe('success');
      expect(proxy.count('ecs', 'DescribeServices')).toBeGreaterThan(0);
      expect(proxy.count('ecs', 'DescribeTaskDefinition')).toBe(0);
    } finally {
      process.env.AWS_ENDPOINT_URL = motoUrl();
      viaProxy.destroy();
      await proxy.stop();
    }
  });
});
