// A write that lands late: the fault proxy holds every RegisterTaskDefinition 20 s and then
// forwards it although the client gave up at its deadline (10 s), as a slow path to AWS does.
// The client sees no answer (ambiguous: it may land), so a re-check right after the timeout runs
// while the first register is still in flight and finds nothing; sending the register again then
// makes a second revision. A fresh apply must end with one revision per family, whatever lands.
import { ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, seedWorld } from './apply-support.js';

const FAMILIES = ['flask-react-users-td', 'flask-react-client-td'];

let clients: TestClients;
let proxy: FaultProxy;

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
});
beforeEach(async () => {
  await resetMoto();
  proxy.clearFaults();
  proxy.resetCounts();
});
afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

async function revisions(family: string): Promise<string[]> {
  const out = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }));
  return (out.taskDefinitionArns ?? []).filter((arn) => arn.includes(`:task-definition/${family}:`));
}

describe('RegisterTaskDefinition answered 20 s late (client deadline 10 s)', () => {
  it('registers one revision per family on a fresh apply, and each late register lands once', async () => {
    const { dir } = await seedWorld('flask-react', clients);
    proxy.configure({ faults: [{ operation: 'RegisterTaskDefinition', fault: 'delay', delayMs: 20_000 }] });
    const started = Date.now();
    const run = await applyDir(dir, { endpoint: proxy.url });
    const applyMs = Date.now() - started;
    await proxy.settled(); // every held register has reached moto: nothing lands after the count
    const sent = proxy.count('ecs', 'RegisterTaskDefinition');
    const counts = Object.fromEntries(await Promise.all(FAMILIES.map(async (f) => [f, (await revisions(f)).length] as const)));
    console.log(`late register: apply ${applyMs} ms, RegisterTaskDefinition sent ${sent}, ACTIVE revisions ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ 'flask-react-users-td': 1, 'flask-react-client-td': 1 });
    expect(sent).toBe(FAMILIES.length);
    // the late revision is found by its content-hash tag and used: the services are created in this apply
    const services = run.report.outcomes.filter((o) => o.kind === 'Service');
    expect(services.map((o) => `${o.id}: ${o.status} ${o.reason ?? ''}`.trim()).sort()).toEqual([
      'Service/flask-react-client: applied',
      'Service/flask-react-users: applied',
    ]);
  });

  it('held past the landing window: the register is not sent again, the apply says why, and the next apply reuses what landed', async () => {
    const { dir } = await seedWorld('flask-react', clients);
    // a 2 s deadline gives a 4 s landing window after the timeout; the register lands at 12 s
    proxy.configure({ faults: [{ operation: 'RegisterTaskDefinition', fault: 'delay', delayMs: 12_000 }] });
    const first = await applyDir(dir, { endpoint: proxy.url, clientOptions: { requestDeadlineMs: 2_000, socketTimeoutMs: 2_000 } });
    const services = first.report.outcomes.filter((o) => o.kind === 'Service');
    expect(services.map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(services[0]?.reason).toMatch(/got no answer and no revision with its content appeared within 4 s: it may still land, so it is not sent again/);
    expect(proxy.count('ecs', 'RegisterTaskDefinition')).toBe(FAMILIES.length);
    await proxy.settled();
    for (const f of FAMILIES) expect(await revisions(f), f).toHaveLength(1);

    proxy.clearFaults();
    proxy.resetCounts();
    const second = await applyDir(dir, { endpoint: proxy.url });
    expect(second.report.ok, second.lines.join('\n')).toBe(true);
    expect(proxy.count('ecs', 'RegisterTaskDefinition')).toBe(0);
    expect(second.lines.filter((l) => l.startsWith('reusing task definition'))).toHaveLength(FAMILIES.length);
    for (const f of FAMILIES) expect(await revisions(f), f).toHaveLength(1);
  });
});
