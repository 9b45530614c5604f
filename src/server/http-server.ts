// The daemon's HTTP endpoints on --port: the status page at /, /healthz, /readyz, /metrics, /status, POST /webhook/git.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogEvent } from '../log/log-events.js';
import { listenProblem } from './port-check.js';
import type { Logger } from '../log/logger.js';
import { DEFAULT_CONNECTION_LIMITS, limitConnections } from './connection-limits.js';
import type { ConnectionLimits, ConnectionStats } from './connection-limits.js';
import type { ControllerStatus } from './controller-status.js';
import type { ControllerMetrics } from './metrics.js';
import { statusAuthorized } from './status-auth.js';
import { renderStatusPage, STATUS_PAGE_CSP } from './status-page.js';
import type { RequestHandler } from './webhook.js';

export interface HttpServerOptions {
  /** 0 picks a free port (tests) */
  port: number;
  /** default 0.0.0.0 (the ECS task's health checks and Prometheus reach it there) */
  host?: string;
  status: ControllerStatus;
  metrics: ControllerMetrics;
  /** POST /webhook/git; absent: 404 */
  webhook?: RequestHandler;
  /** STATUS_TOKEN: when set, GET /status and the page at / need it as `Authorization: Bearer <token>` or as a Basic password (401 otherwise) */
  statusToken?: string;
  /** POST /retry: deploy again what failed rollouts hold, in the next cycle (authenticated like /status); absent: 404 */
  onRetry?: () => void;
  /** default DEFAULT_CONNECTION_LIMITS */
  connectionLimits?: Partial<ConnectionLimits>;
  logger?: Logger;
}

export interface RunningHttpServer {
  /** `http://host:port` */
  url: string;
  port: number;
  connections: ConnectionStats;
  /** stop accepting, drop open connections */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body, null, 2)}\n`, extra);

/** The page is for browsers: no script may run, it may not be framed, nothing leaks in a Referer. */
const PAGE_HEADERS = {
  'content-security-policy': STATUS_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

type Route = { method: 'GET' | 'POST'; handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void> };

function routes(options: HttpServerOptions): Record<string, Route> {
  const { status, metrics } = options;
  return {
    '/': {
      method: 'GET',
      handle: (req, res) => {
        if (options.statusToken && !statusAuthorized(req.headers.authorization, options.statusToken)) {
          // a browser asks for a user name and password: any name, the token as the password
          const body = '<!doctype html><title>401 · ecs-reconciler</title><p>The status page needs STATUS_TOKEN: sign in with any user name and the token as the password, or send <code>Authorization: Bearer &lt;token&gt;</code>.</p>\n';
          send(res, 401, 'text/html; charset=utf-8', body, { ...PAGE_HEADERS, 'www-authenticate': 'Basic realm="ecs-reconciler status", charset="UTF-8"' });
          return;
        }
        send(res, 200, 'text/html; charset=utf-8', renderStatusPage(status.snapshot()), PAGE_HEADERS);
      },
    },
    '/healthz': {
      method: 'GET',
      handle: (_req, res) => {
        // fails once the loop stops finishing cycles, so the container health check replaces the task
        const l = status.liveness();
        json(res, l.alive ? 200 : 503, l.alive ? { status: 'alive' } : { status: 'stuck', reason: l.reason });
      },
    },
    '/readyz': {
      method: 'GET',
      handle: (_req, res) => {
        const r = status.readiness();
        json(res, r.ready ? 200 : 503, { ready: r.ready, reason: r.reason });
      },
    },
    '/metrics': {
      method: 'GET',
      handle: async (_req, res) => send(res, 200, metrics.contentType, await metrics.text()),
    },
    '/status': {
      method: 'GET',
      handle: (req, res) => {
        if (options.statusToken && !statusAuthorized(req.headers.authorization, options.statusToken)) {
          json(res, 401, { error: 'GET /status needs Authorization: Bearer <STATUS_TOKEN>' }, { 'www-authenticate': 'Bearer' });
          return;
        }
        json(res, 200, status.snapshot());
      },
    },
    '/retry': {
      method: 'POST',
      handle: (req, res) => {
        req.resume();
        if (options.statusToken && !statusAuthorized(req.headers.authorization, options.statusToken)) {
          json(res, 401, { error: 'POST /retry needs Authorization: Bearer <STATUS_TOKEN>' }, { 'www-authenticate': 'Bearer' });
          return;
        }
        if (options.onRetry === undefined) {
          json(res, 404, { error: 'retry is not available' });
          return;
        }
        options.onRetry();
        json(res, 202, { status: 'accepted', detail: 'the next cycle deploys again the spec hashes held by failed rollouts' });
      },
    },
    '/webhook/git': {
      method: 'POST',
      handle: (req, res) => {
        if (options.webhook) options.webhook(req, res);
        else {
          json(res, 404, { error: 'webhook disabled: set WEBHOOK_SECRET to enable POST /webhook/git' });
          req.resume();
        }
      },
    },
  };
}

/** Listen on `port`; resolves once listening, rejects with a clear message (e.g. the port is taken). */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const table = routes(options);
  const log = options.logger;
  const server: Server = createServer(
    {
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      // how often headersTimeout/requestTimeout are enforced (Node's default 30 s lets a
      // byte-a-second sender hold a socket for 40 s)
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = table[path];
      if (!route) {
        json(res, 404, { error: `no such endpoint ${path}: try / (the status page), /healthz, /readyz, /metrics, /status or POST /webhook/git` });
        req.resume();
        return;
      }
      const method = req.method === 'HEAD' && route.method === 'GET' ? 'GET' : req.method;
      if (method !== route.method) {
        json(res, 405, { error: `${req.method} is not allowed on ${path}: use ${route.method}` }, { allow: route.method });
        req.resume();
        return;
      }
      Promise.resolve(route.handle(req, res)).catch((e: unknown) => {
        log?.error({ event: LogEvent.serverError, err: e, path }, 'HTTP handler failed');
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    },
  );
  const connections = limitConnections(server, { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits });

  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      reject(new Error(listenProblem(e.code, options.port, host, e.message)));
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}`;
  log?.info({ event: LogEvent.serverListening, url, port, host }, `HTTP server on ${url} (status page at /; /healthz /readyz /metrics /status)`);
  return {
    url,
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
