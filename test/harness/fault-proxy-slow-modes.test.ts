// The fault proxy's slow modes, through the real AWS SDK: trickle (an answer one byte at a time,
// which no socket inactivity timeout notices), delay (a write that reaches moto after the
// client gave up on it) and silent (a request that is never answered).
import { CreateClusterCommand, DescribeClustersCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy, type FaultProxyOptions } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';

let proxy: FaultProxy | undefined;
let clients: TestClients | undefined;
let extra: ECSClient | undefined;

async function open(options: Omit<FaultProxyOptions, 'target'>): Promise<{ proxy: FaultProxy; clients: TestClients }> {
  proxy = new FaultProxy({ target: motoUrl(), ...options });
  clients = createTestClients(await proxy.start(), { maxAttempts: 1 });
  return { proxy, clients };
}

afterEach(async () => {
  clients?.destroy();
  extra?.destroy();
  await proxy?.stop();
  proxy = clients = extra = undefined;
});

async function elapsed<T>(work: () => Promise<T>): Promise<{ ms: number; value?: T; error?: Error }> {
  const started = performance.now();
  try {
    const value = await work();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error: error as Error };
  }
}

describe('trickle', () => {
  it('sends moto answer one body byte every trickleMs, and a socket inactivity timeout never fires', async () => {
    const { proxy, clients } = await open({});
    await clients.ecs.send(new ListClustersCommand({})); // moto warm: its own answer time stays well under the timeout
    proxy.configure({ faults: [{ operation: 'ListClusters', fault: 'trickle', trickleMs: 100 }] });
    proxy.resetCounts();
    // a 1.5 s inactivity timeout: the trickle (a byte every 100 ms of a ~20-byte body) keeps the socket busy longer
    extra = new ECSClient({
      endpoint: proxy.url,
      region: TEST_REGION,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
      requestHandler: { socketTimeout: 1_500 },
    });
    const { ms, value, error } = await elapsed(() => extra!.send(new ListClustersCommand({})));
    expect(error).toBeUndefined();
    expect(value?.clusterArns).toEqual(expect.any(Array));
    expect(ms).toBeGreaterThan(1_500);
    expect(proxy.calls).toMatchObject([{ operation: 'ListClusters', outcome: 'trickle', status: 200 }]);
  });

  it('stops trickling when the client gives up, and stop() closes a trickling connection', async () => {
    const { proxy, clients } = await open({ faults: [{ service: 'ecs', fault: 'trickle', trickleMs: 1_000 }] });
    const aborted = await elapsed(() => clients.ecs.send(new ListClustersCommand({}), { abortSignal: AbortSignal.timeout(300) }));
    // the SDK's handler names it AbortError, or (with @smithy/node-http-handler 4.14) an Error 'aborted'
    expect(`${aborted.error?.name}: ${aborted.error?.message}`).toMatch(/AbortError|aborted/i);
    expect(aborted.ms).toBeLessThan(2_000);
    const pending = elapsed(() => clients.ecs.send(new ListClustersCommand({})));
    await new Promise((r) => setTimeout(r, 200));
    await proxy.stop();
    const stopped = await pending;
    expect(stopped.error).toBeDefined();
    expect(stopped.ms).toBeLessThan(2_000);
  });
});

describe('delay', () => {
  it('holds a write delayMs and still applies it in moto after the client stopped waiting', async () => {
    const { proxy, clients } = await open({ faults: [{ operation: 'CreateCluster', fault: 'delay', delayMs: 800, times: 1 }] });
    const late = await elapsed(() => clients.ecs.send(new CreateClusterCommand({ clusterName: 'late-write' }), { abortSignal: AbortSignal.timeout(200) }));
    expect(late.error?.name).toMatch(/AbortError/);
    const before = await clients.ecs.send(new DescribeClustersCommand({ clusters: ['late-write'] }));
    expect(before.clusters ?? []).toEqual([]); // not there yet: the request is still held
    await proxy.settled();
    const after = await clients.ecs.send(new DescribeClustersCommand({ clusters: ['late-write'] }));
    expect(after.clusters?.map((c) => c.clusterName)).toEqual(['late-write']);
    expect(proxy.writes()).toMatchObject([{ operation: 'CreateCluster', outcome: 'delay', reachedTarget: true, status: 200 }]);
  });

  it('answers the delayed call when the client waits for it', async () => {
    const { proxy, clients } = await open({ faults: [{ operation: 'CreateCluster', fault: 'delay', delayMs: 400 }] });
    const waited = await elapsed(() => clients.ecs.send(new CreateClusterCommand({ clusterName: 'waited-write' })));
    expect(waited.error).toBeUndefined();
    expect(waited.value?.cluster?.clusterName).toBe('waited-write');
    expect(waited.ms).toBeGreaterThanOrEqual(400);
    expect(proxy.calls[0]).toMatchObject({ outcome: 'delay', status: 200 });
  });
});

describe('silent', () => {
  it('never answers: the caller waits until it gives up itself', async () => {
    const { proxy, clients } = await open({ faults: [{ operation: 'ListClusters', fault: 'silent' }] });
    const silent = await elapsed(() => clients.ecs.send(new ListClustersCommand({}), { abortSignal: AbortSignal.timeout(1_000) }));
    expect(silent.error?.name).toMatch(/AbortError/);
    expect(silent.ms).toBeGreaterThanOrEqual(1_000);
    expect(proxy.calls).toMatchObject([{ operation: 'ListClusters', outcome: 'silent' }]);
    expect(proxy.calls[0]!.status).toBeUndefined();
    // other operations still pass
    await expect(clients.ecs.send(new DescribeClustersCommand({ clusters: [] }))).resolves.toBeDefined();
  });

  it('stop() closes silent connections: the caller sees a network error at once', async () => {
    const { proxy, clients } = await open({ faults: [{ service: 'ecs', fault: 'silent' }] });
    const pending = elapsed(() => clients.ecs.send(new ListClustersCommand({})));
    await new Promise((r) => setTimeout(r, 200));
    await proxy.stop();
    const result = await pending;
    expect(result.error?.message).toMatch(/socket hang up|ECONNRESET|aborted/i);
    expect(result.ms).toBeLessThan(2_000);
  });
});
