import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { startHttpServer } from '../../src/server/http-server.js';
import type { RunningHttpServer } from '../../src/server/http-server.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { constantTimeEqual, createWebhookHandler, verifyGithubSignature } from '../../src/server/webhook.js';
import type { PushEvent } from '../../src/server/webhook.js';
import { httpRequest } from './server-fixtures.js';

const SECRET = 'whsec-0123456789abcdef';
const sign = (body: string | Buffer, secret = SECRET): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const push = (ref = 'refs/heads/main', after = 'a'.repeat(40)): string => JSON.stringify({ ref, after, repository: { name: 'r' } });

async function start(secret: string | undefined, onPush: (p: PushEvent) => void): Promise<RunningHttpServer> {
  return startHttpServer({
    port: 0,
    host: '127.0.0.1',
    status: new ControllerStatus({ intervalMs: 1000 }),
    metrics: new ControllerMetrics({ defaultMetrics: false }),
    webhook: createWebhookHandler({ secret, branch: 'main', onPush }),
  });
}

describe('POST /webhook/git', () => {
  const pushes: PushEvent[] = [];
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await start(SECRET, (p) => pushes.push(p));
  });
  afterAll(() => server.close());

  const body = push();
  it.each([
    ['a good GitHub signature', { 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }, 202, 1],
    ['a good GitLab token', { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET }, 202, 1],
    ['a wrong GitHub signature', { 'x-github-event': 'push', 'x-hub-signature-256': sign(body, 'other-secret') }, 401, 0],
    ['a signature of another body', { 'x-github-event': 'push', 'x-hub-signature-256': sign(`${body} `) }, 401, 0],
    ['a malformed signature', { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=zz' }, 401, 0],
    ['the old SHA-1 signature only', { 'x-github-event': 'push', 'x-hub-signature': 'sha1=00' }, 401, 0],
    ['a wrong GitLab token', { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': `${SECRET}x` }, 401, 0],
    ['no signature at all', { 'x-github-event': 'push' }, 401, 0],
  ])('%s -> %i', async (_name, headers, status, calls) => {
    const before = pushes.length;
    const res = await httpRequest(`${server.url}/webhook/git`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect(res.status).toBe(status);
    expect(pushes.length - before).toBe(calls);
    if (status === 401) expect(JSON.parse(res.body)).toHaveProperty('error');
  });

  it('passes provider, ref and commit to onPush', async () => {
    pushes.length = 0;
    const b = push('refs/heads/main', 'b'.repeat(40));
    await httpRequest(`${server.url}/webhook/git`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(b), 'x-github-delivery': 'd-1' },
      body: b,
    });
    expect(pushes).toEqual([{ provider: 'github', ref: 'refs/heads/main', after: 'b'.repeat(40), deliveryId: 'd-1' }]);
  });

  it('accepts GitHub form-encoded payloads', async () => {
    pushes.length = 0;
    const b = `payload=${encodeURIComponent(push())}`;
    const res = await httpRequest(`${server.url}/webhook/git`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push', 'x-hub-signature-256': sign(b) },
      body: b,
    });
    expect(res.status).toBe(202);
    expect(pushes).toHaveLength(1);
  });

  it.each([
    ['a push to another branch', push('refs/heads/feature'), 'push', /following refs\/heads\/main/],
    ['a tag push', push('refs/tags/v1'), 'push', /following/],
    ['another event', push(), 'issues', /not a push/],
  ])('ignores %s with 202', async (_name, b, event, reason) => {
    pushes.length = 0;
    const res = await httpRequest(`${server.url}/webhook/git`, {
      method: 'POST',
      headers: { 'x-github-event': event, 'x-hub-signature-256': sign(b) },
      body: b,
    });
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body).ignored).toMatch(reason);
    expect(pushes).toHaveLength(0);
  });

  it('answers a GitHub ping', async () => {
    const b = '{"zen":"x"}';
    const res = await httpRequest(`${server.url}/webhook/git`, { method: 'POST', headers: { 'x-github-event': 'ping', 'x-hub-signature-256': sign(b) }, body: b });
    expect(res.status).toBe(200);
  });

  it('rejects a signed body that is not a push payload with 400', async () => {
    const b = 'not json';
    const res = await httpRequest(`${server.url}/webhook/git`, { method: 'POST', headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(b) }, body: b });
    expect(res.status).toBe(400);
  });

  it.each([
    ['with a content-length', false],
    ['chunked, without a content-length', true],
  ])('rejects a 2 MB body %s with 413, even when signed', async (_name, chunked) => {
    pushes.length = 0;
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const res = await httpRequest(`${server.url}/webhook/git`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(big) },
      body: big,
      chunked,
    });
    expect(res.status).toBe(413);
    expect(pushes).toHaveLength(0);
    // the server is still serving
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses GET with 405', async () => {
    expect((await httpRequest(`${server.url}/webhook/git`)).status).toBe(405);
  });
});

describe('webhook without WEBHOOK_SECRET', () => {
  it('is disabled: 404 for any request, signed or not', async () => {
    const calls: PushEvent[] = [];
    const server = await start(undefined, (p) => calls.push(p));
    const b = push();
    const res = await httpRequest(`${server.url}/webhook/git`, { method: 'POST', headers: { 'x-github-event': 'push', 'x-hub-signature-256': sign(b, '') }, body: b });
    expect(res.status).toBe(404);
    expect(res.body).toContain('WEBHOOK_SECRET');
    expect(calls).toHaveLength(0);
    await server.close();
  });
});

describe('signature helpers', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', '', true],
  ])('constantTimeEqual(%s, %s) = %s', (a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
  });

  it('verifies upper-case hex too', () => {
    const b = Buffer.from('x');
    expect(verifyGithubSignature(SECRET, b, sign(b).toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
  });
});
