// Shared ownership against moto (issue 15): CI deploys an image behind the controller's back and
// `ignore: [taskDefinition.containers[api].image]` names that one container; the next unrelated
// change (an environment value) registers a revision that keeps CI's image, and the plan after is
// empty. On create, the file's image is the initial one.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createAlb, createCluster, createSecurityGroup, createSubnets, createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { detailLines } from '../../src/reconcilers/format-plan.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/api';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;

function yaml(logLevel: string): string {
  return `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: own-tg }
spec: { vpcId: ${vpcId}, protocol: HTTP, port: 80, targetType: instance }
---
apiVersion: ecs-reconciler/v1
kind: Listener
metadata: { name: own-http }
spec: { loadBalancer: own-alb, port: 80, protocol: HTTP, defaultAction: { forward: { targetGroup: own-tg } } }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata:
  name: own-api
  ignore:
    - taskDefinition.containers[api].image
spec:
  cluster: own-cluster
  launchType: EC2
  desiredCount: 1
  taskDefinition:
    family: own-api
    networkMode: bridge
    containers:
      - name: api
        image: ${REPO}:1.4.2
        memory: 256
        portMappings: [{ containerPort: 80 }]
        environment: { LOG_LEVEL: ${logLevel} }
      - name: log-router
        image: public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0
        memory: 64
        essential: false
  loadBalancers:
    - { targetGroup: own-tg, containerName: api, containerPort: 80 }
`;
}

async function apply(logLevel: string) {
  writeFileSync(join(dir, 'own.yaml'), yaml(logLevel));
  proxy.resetCounts();
  const run = await applyDir(dir, { endpoint: proxy.url });
  return { ...run, ops: proxy.writes().map((c) => c.operation) };
}

async function running() {
  const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: 'own-cluster', services: ['own-api'] }));
  const arn = services?.[0]?.taskDefinition ?? '';
  const { taskDefinition } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  const container = (name: string) => taskDefinition?.containerDefinitions?.find((c) => c.name === name);
  return { arn, api: container('api'), logRouter: container('log-router') };
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  vpcId = await createVpc(clients, 'own-vpc', '10.9.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.9.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.9.2.0/24', az: 'us-east-1b' },
  ]);
  await createAlb(clients, 'own-alb', subnets, [await createSecurityGroup(clients, vpcId, 'own-alb-sg', 'alb')]);
  await createCluster(clients, 'own-cluster');
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'shared-own-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('an ignored image keeps CI\'s live value in every new revision', () => {
  it('on create, the file\'s image is the initial one', async () => {
    const { report, lines } = await apply('info');
    expect(report.ok, lines.join('\n')).toBe(true);
    expect((await running()).api?.image).toBe(`${REPO}:1.4.2`);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('CI deploys :1.5.0-ci behind the controller\'s back: the plan stays empty', async () => {
    const { arn } = await running();
    const { taskDefinition: td } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    const registered = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'own-api',
        networkMode: td?.networkMode,
        containerDefinitions: (td?.containerDefinitions ?? []).map((c) => (c.name === 'api' ? { ...c, image: `${REPO}:1.5.0-ci` } : c)),
      }),
    );
    await clients.ecs.send(
      new UpdateServiceCommand({ cluster: 'own-cluster', service: 'own-api', taskDefinition: registered.taskDefinition?.taskDefinitionArn }),
    );
    expect((await running()).api?.image).toBe(`${REPO}:1.5.0-ci`);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('an unrelated change (LOG_LEVEL) registers a revision with CI\'s image and the new value; the plan after is empty', async () => {
    writeFileSync(join(dir, 'own.yaml'), yaml('debug'));
    const plan = await planDir(dir, motoUrl());
    const change = plan.changes.find((c) => c.id === 'Service/own-api');
    expect(change?.diffs.map((d) => d.path)).toEqual(['taskDefinition.containers[api].environment.LOG_LEVEL']);
    expect(detailLines(change!)).toContain(`    taskDefinition.containers[api].image: keeps live "${REPO}:1.5.0-ci" (ignored)`);

    const { report, ops, lines } = await apply('debug');
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toContain('RegisterTaskDefinition');
    const register = proxy.writes().find((c) => c.operation === 'RegisterTaskDefinition');
    const sent = (register?.params?.containerDefinitions as { name: string; image: string }[]).find((c) => c.name === 'api');
    expect(sent?.image).toBe(`${REPO}:1.5.0-ci`);
    const now = await running();
    expect(now.api?.image).toBe(`${REPO}:1.5.0-ci`);
    expect(now.api?.environment).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);
    // the other container is not ignored: the file's image
    expect(now.logRouter?.image).toBe('public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0');
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('the log-router image is not covered by the api container\'s ignore: a change of it by hand is drift', async () => {
    const { arn } = await running();
    const { taskDefinition: td } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    const registered = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'own-api',
        networkMode: td?.networkMode,
        containerDefinitions: (td?.containerDefinitions ?? []).map((c) => (c.name === 'log-router' ? { ...c, image: 'fluent-bit:hand' } : c)),
      }),
    );
    await clients.ecs.send(new UpdateServiceCommand({ cluster: 'own-cluster', service: 'own-api', taskDefinition: registered.taskDefinition?.taskDefinitionArn }));
    const change = (await planDir(dir, motoUrl())).changes.find((c) => c.id === 'Service/own-api');
    expect(change?.cause).toBe('drift');
    expect(change?.diffs).toEqual([
      { path: 'taskDefinition.containers[log-router].image', live: 'fluent-bit:hand', desired: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0' },
    ]);
    const { report } = await apply('debug');
    expect(report.ok).toBe(true);
    const now = await running();
    expect(now.logRouter?.image).toBe('public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0');
    expect(now.api?.image).toBe(`${REPO}:1.5.0-ci`);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});
