// POST /retry, against the real server on 127.0.0.1: authenticated like /status (STATUS_TOKEN when
// set); with the token it asks the daemon to deploy again what failed rollouts hold (202), without
// it nothing is asked (401); GET is not a retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http-server.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { httpRequest } from './server-fixtures.js';

const TOKEN = 'status-token-for-tests-0002';

describe('POST /retry', () => {
  let server: RunningHttpServer;
  let retries = 0;
  beforeAll(async () => {
    const status = new ControllerStatus({ intervalMs: 1000 });
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    server = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics, statusToken: TOKEN, onRetry: () => (retries += 1) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 401 and asks nothing without the token', async () => {
    const res = await httpRequest(`${server.url}/retry`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(res.status).toBe(401);
    expect(retries).toBe(0);
  });

  it('answers 202 and asks one retry with the token', async () => {
    const res = await httpRequest(`${server.url}/retry`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(202);
    expect(retries).toBe(1);
  });

  it('GET /retry is not a retry', async () => {
    const res = await httpRequest(`${server.url}/retry`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(retries).toBe(1);
  });
});
