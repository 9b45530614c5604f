// Service applier against moto, through the fault proxy (no faults): task definition revisions
// only for new content (content-hash tag), one UpdateService per change, `ignore` honoured,
// secrets never in the output, a container health check and stop timeout registered and kept. (Pruning a dropped service is not tested here: observe does not
// read services that left the files, see src/controller/observe.ts.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, ListTaskDefinitionsCommand, UpdateServiceCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_CONTENT_HASH, TAG_RESOURCE } from '../../src/reconcilers/types.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { createAlb, createCluster, createSecurityGroup, createSubnets, createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

const SECRET = 's3cr3t-value-never-printed';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;

interface Svc {
  image?: string;
  desiredCount?: number;
  ignoreCount?: boolean;
  /** a container health check (command and start period only) and a stop timeout */
  healthCheck?: boolean;
}
let current: Svc = {};

function yaml(s: Svc): string {
  // one resource that always stays, so that pruning the rest is not pruning everything
  const docs: string[] = [
    `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: svc-keep }
spec: { vpcId: ${vpcId}, protocol: HTTP, port: 8080, targetType: instance }
`,
  ];
  {
    docs.push(`apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: svc-tg }
spec: { vpcId: ${vpcId}, protocol: HTTP, port: 80, targetType: instance, healthCheck: { path: /ping } }
`);
    docs.push(`apiVersion: ecs-reconciler/v1
kind: Listener
metadata: { name: svc-http }
spec:
  loadBalancer: svc-alb
  port: 80
  protocol: HTTP
  defaultAction: { forward: { targetGroup: svc-tg } }
`);
  }
  {
    docs.push(`apiVersion: ecs-reconciler/v1
kind: Service
metadata:
  name: svc-api
${s.ignoreCount ? '  ignore: [desiredCount]\n' : ''}spec:
  cluster: svc-cluster
  launchType: EC2
  desiredCount: ${s.desiredCount ?? 1}
  taskDefinition:
    family: svc-api
    networkMode: bridge
    containers:
      - name: web
        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:${s.image ?? '1.0'}
        memory: 256
        portMappings: [{ containerPort: 80 }]
        environment: { MODE: production, API_KEY: { value: ${SECRET}, secret: true } }
${s.healthCheck ? '        healthCheck: { command: [CMD-SHELL, "curl -f http://localhost/ || exit 1"], startPeriodSeconds: 10 }\n        stopTimeout: 45\n' : ''}  loadBalancers:
    - { targetGroup: svc-tg, containerName: web, containerPort: 80 }
`);
  }
  return docs.join('---\n');
}

async function applyWith(change: Svc, opts: { prune?: boolean } = {}) {
  current = { ...current, ...change };
  writeFileSync(join(dir, 'svc.yaml'), yaml(current));
  proxy.resetCounts();
  const run = await applyDir(dir, { endpoint: proxy.url, ...opts });
  return { ...run, ops: proxy.writes().map((c) => c.operation) };
}

async function revisions(): Promise<string[]> {
  const { taskDefinitionArns } = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'svc-api' }));
  return taskDefinitionArns ?? [];
}

async function service() {
  const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: 'svc-cluster', services: ['svc-api'], include: ['TAGS'] }));
  return services?.[0];
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  vpcId = await createVpc(clients, 'svc-vpc', '10.8.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.8.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.8.2.0/24', az: 'us-east-1b' },
  ]);
  await createAlb(clients, 'svc-alb', subnets, [await createSecurityGroup(clients, vpcId, 'svc-alb-sg', 'alb')]);
  await createCluster(clients, 'svc-cluster');
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-svc-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('service applier (in order, one service)', () => {
  it('registers a tagged revision and creates the service behind its target group', async () => {
    const { report, ops, lines } = await applyWith({});
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'CreateTargetGroup', 'CreateListener', 'RegisterTaskDefinition', 'CreateService']);
    const create = proxy.writes().find((c) => c.operation === 'CreateService');
    expect(create?.params).toMatchObject({ clientToken: expect.stringMatching(/^[0-9a-f]{32}$/), launchType: 'EC2' });
    const svc = await service();
    expect(svc?.tags?.find((t) => t.key === TAG_RESOURCE)?.value).toBe('Service/svc-api');
    const td = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc!.taskDefinition!, include: ['TAGS'] }));
    expect(td.tags?.find((t) => t.key === TAG_CONTENT_HASH)?.value).toMatch(/^[0-9a-f]{16}$/);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('never prints a secret environment value', async () => {
    const { lines } = await applyWith({ image: '1.1' });
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('a new image registers one new revision and rolls the service onto it', async () => {
    expect(await revisions()).toHaveLength(2);
    const svc = await service();
    expect(svc?.taskDefinition).toMatch(/:2$/);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('going back to earlier content reuses its revision instead of registering a new one', async () => {
    const { ops } = await applyWith({ image: '1.0' });
    // TagResource: the service records the spec hash it now runs
    expect(ops).toEqual(['UpdateService', 'TagResource']);
    expect(await revisions()).toHaveLength(2);
    expect((await service())?.taskDefinition).toMatch(/:1$/);
  });

  it('corrects a desired count changed by hand with one UpdateService', async () => {
    await clients.ecs.send(new UpdateServiceCommand({ cluster: 'svc-cluster', service: 'svc-api', desiredCount: 3 }));
    const { ops, report } = await applyWith({});
    expect(ops).toEqual(['UpdateService']);
    expect(proxy.writes()[0]?.params).toEqual({ cluster: 'svc-cluster', service: 'svc-api', desiredCount: 1 });
    expect(report.outcomes[0]?.cause).toBe('drift');
  });

  it('leaves an autoscaled desired count alone when it is ignored', async () => {
    await applyWith({ ignoreCount: true }); // records the new spec hash
    await clients.ecs.send(new UpdateServiceCommand({ cluster: 'svc-cluster', service: 'svc-api', desiredCount: 5 }));
    const { ops } = await applyWith({});
    expect(ops).toEqual([]);
    expect((await service())?.desiredCount).toBe(5);
  });

  it('a declared container health check and stop timeout: one revision carrying them, then no change', async () => {
    const before = (await revisions()).length;
    const { ops, report, lines } = await applyWith({ healthCheck: true });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops.filter((op) => op === 'RegisterTaskDefinition')).toHaveLength(1);
    expect(await revisions()).toHaveLength(before + 1);
    const { taskDefinition } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: (await service())!.taskDefinition! }));
    const web = taskDefinition?.containerDefinitions?.[0];
    // the ECS defaults the files left out are sent explicitly, so live and desired read the same
    expect(web?.healthCheck).toEqual({ command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 30, timeout: 5, retries: 3, startPeriod: 10 });
    expect(web?.stopTimeout).toBe(45);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
    expect((await applyWith({})).ops).toEqual([]);
  });
});
