// GET / against the real server on 127.0.0.1: the status page shows what /status holds, escapes
// every value taken from files, git or AWS, forbids scripts, and is guarded by STATUS_TOKEN the way
// /status is (Bearer for programs, the token as a Basic password for browsers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http-server.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { formatAge, renderStatusPage } from '../../src/server/status-page.js';
import { httpRequest } from './server-fixtures.js';

const TOKEN = 'status-token-for-page-tests-0001';
const HOSTILE = '<script>alert(1)</script>"\'&';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function statusWithEverything(now: { t: number }): ControllerStatus {
  const status = new ControllerStatus({ intervalMs: 10_000, now: () => now.t });
  status.setSource(`dir /srv/${HOSTILE}`);
  status.setRevision('a'.repeat(40));
  status.setInvalidRevision('b'.repeat(40), [{ file: `desired/${HOSTILE}.yaml`, line: 3, col: 5, message: `unknown field ${HOSTILE}` }]);
  status.cycleStarted();
  status.awsCallFinished(true);
  status.awsCallFinished(true, true);
  now.t += 1_234;
  status.cycleFinished({ result: 'partial' });
  status.setResources([
    { id: 'TargetGroup/users-tg', state: 'observe-only', arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/users-tg/1', detail: 'update (drift): healthCheck.path' },
    { id: `Service/${HOSTILE}`, state: 'failed', detail: `AccessDenied ${HOSTILE}` },
    { id: 'Listener/http', state: 'in-sync' },
  ]);
  status.setOutlook(
    [{ id: 'TargetGroup/users-tg', fields: [{ path: 'healthCheck.path', live: `"${HOSTILE}"`, desired: '"/ping"' }], openedAt: new Date(now.t - 125_000).toISOString(), corrected: false, observeOnly: true }],
    [{ id: `Service/${HOSTILE}`, action: 'retry update (rollout)', detail: HOSTILE }],
  );
  status.nextCycleIn(8_000);
  return status;
}

describe('the status page', () => {
  const now = { t: Date.parse('2026-01-02T03:04:05.000Z') };
  const status = statusWithEverything(now);
  let open: RunningHttpServer;
  let guarded: RunningHttpServer;
  beforeAll(async () => {
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    open = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics });
    guarded = await startHttpServer({ port: 0, host: '127.0.0.1', status, metrics, statusToken: TOKEN });
  });
  afterAll(async () => {
    await open.close();
    await guarded.close();
  });

  it('renders every section from the /status document, nothing unescaped', () => {
    const html = renderStatusPage(status.snapshot());
    expect(html).not.toContain('<script');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('aaaaaaaaaaaa'); // the revision in force, short
    expect(html).toMatch(/Newer revision <code>bbbbbbbbbbbb<\/code> is invalid/);
    expect(html).toContain('desired/&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;.yaml:3:5');
    expect(html).toMatch(/healthCheck\.path<\/code><\/td><td><code>&quot;&lt;script/);
    expect(html).toContain('2 min 5 s'); // the incident's age
    expect(html).toContain('Next cycle in 8 s');
    expect(html).toContain('retry update (rollout)');
    expect(html).toMatch(/<td class="result partial">partial<\/td><td>1234 ms<\/td><td>2<\/td><td>1<\/td>/); // duration, calls, writes
    expect(html).toContain('<span class="badge observe-only">observe only</span>');
  });

  it('/status carries the same cycles, incidents and next actions as JSON', async () => {
    const doc = JSON.parse((await httpRequest(`${open.url}/status`)).body);
    expect(doc.recentCycles).toEqual([expect.objectContaining({ result: 'partial', durationMs: 1234, awsCalls: 2, writes: 1 })]);
    expect(doc.driftIncidents).toEqual([expect.objectContaining({ id: 'TargetGroup/users-tg', observeOnly: true })]);
    expect(doc.nextActions).toEqual([expect.objectContaining({ action: 'retry update (rollout)' })]);
    expect(doc.nextCycleAt).toBe(new Date(now.t + 8_000).toISOString());
  });

  it('serves HTML that may run no script and not be framed', async () => {
    const res = await httpRequest(`${open.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['content-security-policy']).not.toMatch(/script-src/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).toContain('TargetGroup/users-tg');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong Basic password', basic('admin', `${TOKEN}x`)],
    ['the token as the Basic user name', basic(TOKEN, '')],
    ['a wrong bearer', `Bearer ${TOKEN.slice(1)}`],
  ])('with STATUS_TOKEN, answers 401 and a Basic challenge for %s', async (_what, authorization) => {
    const res = await httpRequest(`${guarded.url}/`, { headers: authorization === undefined ? {} : { authorization } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="ecs-reconciler status", charset="UTF-8"');
    expect(res.body).not.toContain('users-tg');
  });

  it('with STATUS_TOKEN, shows the page for the token as a Basic password (browsers) or a bearer (programs), and /status takes both', async () => {
    for (const authorization of [basic('anyone', TOKEN), `Bearer ${TOKEN}`]) {
      const page = await httpRequest(`${guarded.url}/`, { headers: { authorization } });
      expect(page.status).toBe(200);
      expect(page.body).toContain('TargetGroup/users-tg');
      expect((await httpRequest(`${guarded.url}/status`, { headers: { authorization } })).status).toBe(200);
    }
  });

  it('formats ages for people', () => {
    expect([formatAge(4_400), formatAge(184_000), formatAge(7_500_000), formatAge(3 * 86_400_000 + 4 * 3_600_000)]).toEqual(['4 s', '3 min 4 s', '2 h 5 min', '3 d 4 h']);
  });
});
