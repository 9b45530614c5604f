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

  it('/healthz answers 200 while the process is alive', async () => {
    const res = await httpRequest(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'alive' });
  });

  it('/readyz follows the last finished cycle: 503 before one, 200 within 3 intervals, 503 after', async () => {
    let res = await httpRequest(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).reason).toMatch(/no reconcile cycle has finished yet/);

    status.cycleStarted();
    clock += 1500;
    status.cycleFinished({ result: 'failed', error: 'DescribeRules: AccessDenied' });
    clock += 29_000;
    res = await httpRequest(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ready: true });

    status.cycleStarted();
    clock += 2_000;
    res = await httpRequest(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body).reason).toMatch(/31 s ago, more than 3 intervals \(30 s\); a cycle has been running for 2 s/);

    clock += 500;
    status.cycleFinished({ result: 'success' });
    expect((await httpRequest(`${server.url}/readyz`)).status).toBe(200);
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
