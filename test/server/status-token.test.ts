// GET /status with STATUS_TOKEN set, against the real server on 127.0.0.1: the resource list and
// revision are only shown to a caller with the bearer token; /healthz, /readyz and /metrics stay
// open (the container health check and Prometheus carry no token).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http-server.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { httpRequest } from './server-fixtures.js';

const TOKEN = 'status-token-for-tests-0001';

describe('/status with a bearer token', () => {
  const status = new ControllerStatus({ intervalMs: 1000 });
  let server: RunningHttpServer;
  let open: RunningHttpServer;
  beforeAll(async () => {
    status.setRevision('abc123');
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    server = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics, statusToken: TOKEN });
    open = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics });
  });
  afterAll(async () => {
    await server.close();
    await open.close();
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${TOKEN}x`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 10)}`],
    ['the token as Basic', `Basic ${TOKEN}`],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 without the status document for %s', async (_what, authorization) => {
    const res = await httpRequest(`${server.url}/status`, { headers: authorization === undefined ? {} : { authorization } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).not.toContain('abc123');
  });

  it('answers 200 with the token', async () => {
    const res = await httpRequest(`${server.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ revision: 'abc123' });
  });

  it('keeps /healthz, /readyz and /metrics open', async () => {
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
    expect((await httpRequest(`${server.url}/readyz`)).status).toBe(503); // no cycle yet: not a 401
    expect((await httpRequest(`${server.url}/metrics`)).status).toBe(200);
  });

  it('without a token /status stays open (the default)', async () => {
    expect((await httpRequest(`${open.url}/status`)).status).toBe(200);
  });
});
