import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { startHttpServer } from '../../src/server/http-server.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { httpRequest } from './server-fixtures.js';

describe('HTTP endpoints', () => {
  let clock = Date.parse('2025-01-01T00:00:00Z');
  const status = new ControllerStatus({ intervalMs: 10_000, now: () => clock });
  const metrics = new ControllerMetrics();
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics });
  });
  afterAll(() => server.close());

  it('/healthz answers 200 while the loop finishes cycles', async () => {
    const res = await httpRequest(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'alive' });
  });

  it('/readyz: 503 without a revision in force and after failed cycles, 200 once a cycle succeeded', async () => {
    let res = await httpRequest(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).reason).toMatch(/no desired-state revision in force yet/);

    status.setRevision('abc000');
    status.cycleStarted();
    clock += 1500;
    status.cycleFinished({ result: 'failed', error: 'DescribeRules: AccessDenied' });
    clock += 29_000;
    res = await httpRequest(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ ready: false, reason: 'no cycle has reconciled yet; last cycle: failed (DescribeRules: AccessDenied)' });

    status.cycleStarted();
    clock += 2_000;
    expect((await httpRequest(`${server.url}/readyz`)).status).toBe(503);

    clock += 500;
    status.cycleFinished({ result: 'success' });
    res = await httpRequest(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ready: true });
  });

  it('/status shows the revision, the last cycle and each resource state', async () => {
    status.setSource('git https://host/org/repo.git branch main');
    status.setRevision('abc123');
    status.setInvalidRevision('def456', [{ file: 'rules.yaml', line: 3, col: 7, message: 'unknown field' }]);
    status.setResources([
      { id: 'TargetGroup/users', state: 'in-sync', arn: 'arn:tg' },
      { id: 'ListenerRule/users-api', state: 'drifted', arn: 'arn:rule', detail: 'conditions.pathPatterns' },
      { id: 'Service/web', state: 'observe-only' },
    ]);
    const res = await httpRequest(`${server.url}/status`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const doc = JSON.parse(res.body);
    expect(doc).toMatchObject({
      revision: 'abc123',
      source: 'git https://host/org/repo.git branch main',
      invalidRevision: { revision: 'def456', errors: [{ file: 'rules.yaml', line: 3, col: 7 }] },
      lastCycle: { result: 'success', durationMs: 2500, startedAt: '2025-01-01T00:00:30.500Z', finishedAt: '2025-01-01T00:00:33.000Z' },
      runningCycle: null,
      cycles: 2,
      counts: { 'in-sync': 1, drifted: 1, pending: 0, failed: 0, 'observe-only': 1 },
    });
    expect(doc.resources.map((r: { id: string }) => r.id)).toEqual(['ListenerRule/users-api', 'Service/web', 'TargetGroup/users']);
    expect(doc.lastCycle).not.toHaveProperty('error');

    status.setRevision('ghi789');
    expect(JSON.parse((await httpRequest(`${server.url}/status`)).body).invalidRevision).toBeNull();
  });

  it('/metrics exposes every controller metric in Prometheus text', async () => {
    metrics.recordCycle('success', 0.4);
    metrics.recordCycle('failed', 3);
    metrics.recordDrift('ListenerRule');
    metrics.recordDrift('ListenerRule');
    metrics.recordDrift('TargetGroup', 0);
    metrics.setResourceStates(status.resources);
    metrics.awsCallListener()({ service: 'elbv2', operation: 'DescribeRules', outcome: 'ok' });
    metrics.recordAwsCall('elbv2', 'DescribeRules', 'throttled');
    metrics.setRevision('abc123');
    metrics.setRevision('ghi789');
    const res = await httpRequest(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toContain('ecs_reconciler_cycles_total{result="success"} 1');
    expect(text).toContain('ecs_reconciler_cycles_total{result="failed"} 1');
    expect(text).toContain('ecs_reconciler_cycles_total{result="timeout"} 0');
    expect(text).toContain('ecs_reconciler_cycle_duration_seconds_bucket{le="0.5",result="success"} 1');
    expect(text).toContain('ecs_reconciler_cycle_duration_seconds_count{result="failed"} 1');
    expect(text).toContain('ecs_reconciler_drifts_total{kind="ListenerRule"} 2');
    expect(text).not.toContain('kind="TargetGroup"');
    expect(text).toContain('ecs_reconciler_resources{state="drifted"} 1');
    expect(text).toContain('ecs_reconciler_resources{state="pending"} 0');
    expect(text).toContain('ecs_reconciler_aws_calls_total{service="elbv2",operation="DescribeRules",outcome="ok"} 1');
    expect(text).toContain('ecs_reconciler_aws_calls_total{service="elbv2",operation="DescribeRules",outcome="throttled"} 1');
    expect(text).toContain('ecs_reconciler_revision_info{revision="ghi789"} 1');
    expect(text).not.toContain('revision="abc123"');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it.each([
    ['/nope', 'GET', 404],
    ['/status', 'POST', 405],
    ['/healthz', 'HEAD', 200],
    ['/webhook/git', 'POST', 404],
  ])('%s %s -> %i', async (path, method, expected) => {
    expect((await httpRequest(`${server.url}${path}`, { method })).status).toBe(expected);
  });
});

describe('startHttpServer', () => {
  it('keeps metrics of two servers apart (one registry each)', async () => {
    const a = new ControllerMetrics({ defaultMetrics: false });
    const b = new ControllerMetrics({ defaultMetrics: false });
    a.recordDrift('Service');
    expect(await a.text()).toContain('ecs_reconciler_drifts_total{kind="Service"} 1');
    expect(await b.text()).not.toContain('kind="Service"');
  });

  it('says which flag to change when the port is taken', async () => {
    const status = new ControllerStatus({ intervalMs: 1000 });
    const first = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics: new ControllerMetrics({ defaultMetrics: false }) });
    await expect(
      startHttpServer({ port: first.port, host: '127.0.0.1', status, metrics: new ControllerMetrics({ defaultMetrics: false }) }),
    ).rejects.toThrow(`port ${first.port} on 127.0.0.1 is already in use: pass another --port (ECS_RECONCILER_PORT)`);
    await first.close();
  });
});

describe('/readyz and /healthz rules', () => {
  let clock = Date.parse('2025-01-01T00:00:00Z');
  // interval 10 s, cycle timeout 20 s, stall grace 30 s: /healthz bound = 2 * 10 + 20 + 30 = 70 s
  const status = new ControllerStatus({ intervalMs: 10_000, cycleTimeoutMs: 20_000, stallGraceMs: 30_000, now: () => clock });
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics: new ControllerMetrics({ defaultMetrics: false }) });
    status.setRevision('abc123');
  });
  afterAll(() => server.close());

  const cycle = (result: 'success' | 'partial' | 'failed' | 'timeout', aws: boolean[] = [true], ms = 1_000): void => {
    status.cycleStarted();
    for (const ok of aws) status.awsCallFinished(ok);
    clock += ms;
    status.cycleFinished({ result });
  };
  const readyz = async () => {
    const res = await httpRequest(`${server.url}/readyz`);
    return { status: res.status, reason: (JSON.parse(res.body) as { reason: string }).reason };
  };

  it('a partial cycle counts as reconciled; a success in which every AWS attempt failed does not', async () => {
    cycle('success', [false, false, false]);
    expect(await readyz()).toMatchObject({ status: 503, reason: expect.stringMatching(/no cycle has reconciled yet/) });
    cycle('partial', [true, false]);
    expect((await readyz()).status).toBe(200);
  });

  it('stops being ready 3 intervals after the last reconciled cycle while cycles keep failing', async () => {
    for (let i = 0; i < 3; i++) {
      clock += 9_000;
      cycle('failed', [false], 1_000);
    }
    clock += 1_000;
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.reason).toBe('the last successful cycle finished 31 s ago, more than 3 intervals (30 s); last cycle: failed');
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200); // failing cycles still finish: alive
  });

  it('/healthz fails with a reason once no cycle has finished for the stall bound, and recovers', async () => {
    expect(status.stallBoundMs).toBe(70_000);
    cycle('failed', [false], 0);
    status.cycleStarted();
    clock += 70_000;
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
    clock += 1_000;
    const res = await httpRequest(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({
      status: 'stuck',
      reason: 'no cycle has finished for 71 s, more than 70 s (2 intervals + cycle timeout + stall grace): the loop is stuck; a cycle has been running for 71 s',
    });
    status.cycleFinished({ result: 'timeout' });
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
  });
});
