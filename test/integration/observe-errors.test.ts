// observe() failing the way a user meets it: AWS unreachable, AccessDenied on one call,
// expired credentials. Each must end within 30 s with one line per failure that names the
// call and the resource, never a stack. The flask-react seed system is the desired state.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { createObserveCache, observe, ObserveError } from '../../src/controller/observe.js';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import type { DesiredState } from '../../src/spec/types.js';
import { awsError, closedPort, TEST_AWS_ENV, withEnv } from '../aws/fake-aws-server.js';
import { identifyAwsCall } from '../support/aws-wire.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { motoUrl } from '../support/moto-test-context.js';
import { renderDesired, seedSystem } from '../../src/demo/worlds/seed-systems.js';

/** Forwards to moto, except calls `intercept` answers itself (an AWS-shaped error). */
async function interceptingProxy(target: string, intercept: (service: string, operation: string) => ReturnType<typeof awsError> | undefined) {
  const upstream = new URL(target);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const { service, operation } = identifyAwsCall(req.headers, body.toString('utf8'));
    const reply = intercept(service, operation);
    if (reply && reply !== 'hang') {
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
      res.end(reply.body);
      return;
    }
    const forward = request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let builder: TestClients;
let desired: DesiredState;
let dir: string;

beforeAll(async () => {
  builder = createTestClients(motoUrl());
  const flask = seedSystem('flask-react');
  const world = await flask.buildWorld(builder);
  await flask.buildManaged(builder, world.ids);
  dir = await mkdtemp(join(tmpdir(), 'observe-errors-'));
  await renderDesired([flask.desiredFile], world.ids, dir);
  const loaded = await loadDesiredState(dir);
  if (!loaded.ok) throw new Error(`desired/flask-react.yaml does not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
  desired = loaded.state;
});

afterAll(async () => {
  builder?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** observe() with fresh clients and cache; returns the failure and how long it took. */
async function failingObserve(env: Record<string, string | undefined>): Promise<{ error: ObserveError; ms: number }> {
  return withEnv({ ...TEST_AWS_ENV, ...env }, async () => {
    const clients = createAwsClients();
    const started = performance.now();
    try {
      await observe(desired, clients, { cache: createObserveCache() });
    } catch (err) {
      expect(err).toBeInstanceOf(ObserveError);
      return { error: err as ObserveError, ms: performance.now() - started };
    } finally {
      clients.destroy();
    }
    throw new Error('observe succeeded but was expected to fail');
  });
}

describe('observe failures: one line each, within 30 s', () => {
  it('sanity: the same desired state observes cleanly through moto', async () => {
    const live = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: motoUrl() }, async () => {
      const clients = createAwsClients();
      try {
        return await observe(desired, clients, { cache: createObserveCache() });
      } finally {
        clients.destroy();
      }
    });
    expect(live.rules.length).toBeGreaterThan(0);
    expect(live.services.length).toBe(desired.services.length);
  });

  it('unreachable endpoint: "cannot reach AWS endpoint <url>: connection refused"', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { error, ms } = await failingObserve({ AWS_ENDPOINT_URL: url });
    expect(ms).toBeLessThan(30_000);
    // every call fails alike: said once, naming the first call that failed
    expect(error.lines()).toHaveLength(1);
    expect(error.lines()[0]).toMatch(new RegExp(`^cannot reach AWS endpoint ${url}: connection refused \\((ecs|elasticloadbalancing|ec2):\\w+ for `));
    expect(error.errors.length).toBeGreaterThan(1);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('AccessDenied on DescribeRules names the call and the ListenerRule', async () => {
    const proxy = await interceptingProxy(motoUrl(), (service, operation) =>
      operation === 'DescribeRules'
        ? awsError(service, 403, 'AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/reconciler/x is not authorized to perform: elasticloadbalancing:DescribeRules')
        : undefined,
    );
    try {
      const { error, ms } = await failingObserve({ AWS_ENDPOINT_URL: proxy.url });
      expect(ms).toBeLessThan(30_000);
      expect(error.lines()).toEqual([
        "AccessDenied on elasticloadbalancing:DescribeRules for ListenerRule/flask-react-users-api: User: arn:aws:sts::123456789012:assumed-role/reconciler/x is not authorized to perform: elasticloadbalancing:DescribeRules (grant elasticloadbalancing:DescribeRules to the controller's IAM role)",
      ]);
      expect(error.errors[0]).toMatchObject({ code: 'AccessDenied', kind: 'access-denied', service: 'elbv2', operation: 'DescribeRules' });
    } finally {
      await proxy.stop();
    }
  });

  it('several denied calls: each is reported, one line per failure', async () => {
    const denied = new Set(['DescribeRules', 'DescribeTargetGroups', 'DescribeServices']);
    const proxy = await interceptingProxy(motoUrl(), (service, operation) =>
      denied.has(operation) ? awsError(service, service === 'ecs' ? 400 : 403, service === 'ecs' ? 'AccessDeniedException' : 'AccessDenied', 'not authorized') : undefined,
    );
    try {
      const { error } = await failingObserve({ AWS_ENDPOINT_URL: proxy.url });
      const lines = error.lines();
      expect(lines).toHaveLength(3);
      expect(lines.some((l) => l.startsWith('AccessDeniedException on ecs:DescribeServices for Service/flask-react-'))).toBe(true);
      expect(lines.some((l) => l.startsWith('AccessDenied on elasticloadbalancing:DescribeTargetGroups for TargetGroup/flask-react-'))).toBe(true);
      expect(lines.some((l) => l.startsWith('AccessDenied on elasticloadbalancing:DescribeRules for ListenerRule/flask-react-users-api: not authorized'))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('expired credentials: "AWS credentials expired or invalid" for each service', async () => {
    const proxy = await interceptingProxy(motoUrl(), (service) =>
      service === 'ecs'
        ? awsError('ecs', 400, 'ExpiredTokenException', 'The security token included in the request is expired')
        : awsError(service, 403, 'ExpiredToken', 'The security token included in the request is expired'),
    );
    try {
      const { error, ms } = await failingObserve({ AWS_ENDPOINT_URL: proxy.url });
      expect(ms).toBeLessThan(30_000);
      // ECS, ELBv2 and EC2 all refuse the token: one line says so
      expect(error.errors.length).toBeGreaterThanOrEqual(3);
      expect(error.lines()).toHaveLength(1);
      expect(error.lines()[0]).toMatch(/^AWS credentials expired or invalid: ExpiredToken(Exception)?: The security token included in the request is expired \(/);
    } finally {
      await proxy.stop();
    }
  });
});
