// `imageFrom: { ssmParameter }` against moto (SSM at the same endpoint): CI writes the tag to a
// parameter; the controller reads every parameter in one GetParameters per cycle; a new value is
// one rollout (cause rollout, so the cycle logs rollout.applied and no drift), and a missing
// parameter blocks that service alone with a clear error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createCluster } from '../../src/demo/worlds/world-building-blocks.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/api';

let clients: TestClients;
let ssm: SSMClient;
let proxy: FaultProxy;
let dir: string;

function service(name: string, parameter: string): string {
  return `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: ${name} }
spec:
  cluster: ssm-cluster
  launchType: EC2
  desiredCount: 1
  taskDefinition:
    family: ${name}
    networkMode: bridge
    containers:
      - name: app
        imageFrom: { ssmParameter: ${parameter}, repository: ${REPO} }
        memory: 128
`;
}

async function put(name: string, value: string): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
}

async function imageOf(name: string): Promise<string | undefined> {
  const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: 'ssm-cluster', services: [name] }));
  const { taskDefinition } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: services?.[0]?.taskDefinition ?? '' }));
  return taskDefinition?.containerDefinitions?.[0]?.image;
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  ssm = new SSMClient({ endpoint: motoUrl(), region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } });
  await createCluster(clients, 'ssm-cluster');
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'image-ssm-'));
  // twelve services: two GetParameters calls (10 names each at most)
  const docs = Array.from({ length: 12 }, (_, i) => service(`rel-${i}`, `/releases/rel-${i}`));
  writeFileSync(join(dir, 'svc.yaml'), docs.join('---\n'));
  for (let i = 0; i < 12; i++) await put(`/releases/rel-${i}`, '1.0.0');
});

afterAll(async () => {
  clients.destroy();
  ssm.destroy();
  await proxy.stop();
});

describe('imageFrom: { ssmParameter }', () => {
  it('creates each service with the image the parameter holds; reads all twelve in two GetParameters', async () => {
    proxy.resetCounts();
    const { report, lines } = await applyDir(dir, { endpoint: proxy.url });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(proxy.count('ssm', 'GetParameters')).toBe(2);
    expect(await imageOf('rel-3')).toBe(`${REPO}:1.0.0`);
    proxy.resetCounts();
    expect(pendingChanges(await planDir(dir, proxy.url))).toEqual([]);
    expect(proxy.count('ssm', 'GetParameters')).toBe(2);
  });

  it('CI writes a new tag: one rollout of that service (not drift), then an empty plan', async () => {
    await put('/releases/rel-3', '1.1.0');
    const plan = await planDir(dir, motoUrl());
    const changed = plan.changes.filter((c) => c.action !== 'noop');
    expect(changed.map((c) => [c.id, c.action, c.cause])).toEqual([['Service/rel-3', 'update', 'rollout']]);
    expect(changed[0]?.diffs).toEqual([{ path: 'taskDefinition.containers[app].image', live: `${REPO}:1.0.0`, desired: `${REPO}:1.1.0` }]);
    proxy.resetCounts();
    const { report } = await applyDir(dir, { endpoint: proxy.url });
    expect(report.outcomes.filter((o) => o.status === 'applied').map((o) => [o.id, o.cause])).toEqual([['Service/rel-3', 'rollout']]);
    expect(proxy.writes().map((c) => c.operation)).toEqual(['RegisterTaskDefinition', 'UpdateService', 'TagResource']);
    expect(await imageOf('rel-3')).toBe(`${REPO}:1.1.0`);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a missing parameter blocks that service alone, with a clear error', async () => {
    writeFileSync(join(dir, 'svc.yaml'), [service('rel-0', '/releases/rel-0'), service('rel-1', '/releases/missing')].join('---\n'));
    await put('/releases/rel-0', '1.2.0');
    const plan = await planDir(dir, motoUrl());
    expect(plan.conflicts.map((c) => c.id)).toEqual(['Service/rel-1']);
    expect(plan.conflicts[0]?.message).toMatch(/container 'app' comes from SSM parameter \/releases\/missing, which cannot be read \(ParameterNotFound/);
    expect(plan.changes.find((c) => c.id === 'Service/rel-0')?.cause).toBe('rollout');
  });
});
