// A change only a new service makes (launchType EC2 -> FARGATE) against moto, through the fault
// proxy: without metadata.allowReplace a conflict naming the opt-in and no write; with it, one
// apply scales the service to 0, deletes it and creates it again under the same name, and the
// plan after is empty. (moto makes a deleted service INACTIVE at once and runs no tasks; real ECS
// drains for a while: the replace then finishes in a later cycle, see the README.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createCluster, createSecurityGroup, createSubnets, createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { TAG_RESOURCE } from '../../src/reconcilers/types.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let subnet: string;
let sg: string;

const CLUSTER = 'replace-cluster';

function yaml(launchType: 'EC2' | 'FARGATE', allowReplace: boolean): string {
  return `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: replace-api${allowReplace ? ', allowReplace: true' : ''} }
spec:
  cluster: ${CLUSTER}
  launchType: ${launchType}
  desiredCount: 2
  network: { subnets: [${subnet}], securityGroups: [${sg}] }
  taskDefinition:
    family: replace-api
    networkMode: awsvpc
    cpu: "256"
    memory: "512"
    containers:
      - name: web
        image: nginx:1.27
        portMappings: [{ containerPort: 80 }]
`;
}

async function apply(launchType: 'EC2' | 'FARGATE', allowReplace: boolean) {
  writeFileSync(join(dir, 'svc.yaml'), yaml(launchType, allowReplace));
  proxy.resetCounts();
  const run = await applyDir(dir, { endpoint: proxy.url });
  return { ...run, ops: proxy.writes().map((c) => c.operation) };
}

async function live() {
  const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['replace-api'], include: ['TAGS'] }));
  return services?.find((s) => s.status === 'ACTIVE');
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  const vpc = await createVpc(clients, 'replace-vpc', '10.9.0.0/16');
  subnet = (await createSubnets(clients, vpc, [{ name: 'a', cidr: '10.9.1.0/24', az: 'us-east-1a' }]))[0]!;
  sg = await createSecurityGroup(clients, vpc, 'replace-sg', 'tasks');
  await createCluster(clients, CLUSTER);
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-replace-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('replacing a service (metadata.allowReplace)', () => {
  it('EC2: created, then the plan is empty', async () => {
    const { report, lines } = await apply('EC2', false);
    expect(report.ok, lines.join('\n')).toBe(true);
    expect((await live())?.launchType).toBe('EC2');
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('EC2 -> FARGATE without the opt-in: a conflict that names it, and nothing is written to the service', async () => {
    const { report, plan, ops } = await apply('FARGATE', false);
    expect(plan.conflicts).toEqual([{ id: 'Service/replace-api', message: expect.stringContaining('set metadata.allowReplace: true') }]);
    expect(report.ok).toBe(false);
    expect(ops.filter((op) => op.endsWith('Service'))).toEqual([]);
    expect((await live())?.launchType).toBe('EC2');
  });

  it('EC2 -> FARGATE with the opt-in: the plan says replace and why; apply scales to 0, deletes, creates; the plan after is empty', async () => {
    writeFileSync(join(dir, 'svc.yaml'), yaml('FARGATE', true));
    const planned = await planDir(dir, motoUrl());
    const change = planned.changes.find((c) => c.id === 'Service/replace-api');
    expect([change?.action, change?.reason]).toEqual(['replace', expect.stringMatching(/^launchType EC2 -> FARGATE: AWS cannot change it in place/)]);
    const { report, ops, lines } = await apply('FARGATE', true);
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops.filter((op) => op.endsWith('Service'))).toEqual(['UpdateService', 'DeleteService', 'CreateService']);
    expect(proxy.writes().find((c) => c.operation === 'UpdateService')?.params).toMatchObject({ desiredCount: 0 });
    expect(proxy.writes().find((c) => c.operation === 'DeleteService')?.params).toMatchObject({ force: true });
    const after = await live();
    expect([after?.launchType, after?.desiredCount, after?.tags?.find((t) => t.key === TAG_RESOURCE)?.value]).toEqual(['FARGATE', 2, 'Service/replace-api']);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});
