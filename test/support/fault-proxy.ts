// An HTTP proxy between the AWS SDK and moto that injects what real AWS does to a controller:
// latency, throttling (in each service's own error shape), 5xx errors, dropped connections,
// trickled answers, late writes, silent connections and request-rate limits; and that counts
// and records every call. Point SDK clients at proxy.url.
//
//   const proxy = new FaultProxy({ target: motoUrl(), seed: 7, faults: [{ service: 'ecs', fault: 'throttle', probability: 0.2 }] });
//   const clients = createTestClients(await proxy.start(), { maxAttempts: 1 });
//   ... proxy.count('ecs', 'DescribeServices'), proxy.writes() ...
//   await proxy.stop();
import { createServer, request, type IncomingMessage, type RequestOptions, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assumedRoleAccount, awsErrorResponse, identifyAwsCall, isReadOperation, requestSigner } from './aws-wire.js';
import type { DeploymentSimulator } from './deployment-simulator.js';
import { FaultPlan, type FaultKind, type FaultRule, type LatencyRule, type RateLimitRule } from './fault-proxy-rules.js';

export type { CallMatcher, FaultKind, FaultRule, LatencyRule, RateLimitRule } from './fault-proxy-rules.js';

export interface FaultProxyRules {
  /** seed of the RNG that decides probabilistic faults (default 1) */
  seed?: number;
  /** added to every call */
  latencyMs?: number;
  /** extra latency for matching calls (added up) */
  latency?: LatencyRule[];
  /** checked in order; the first that fires decides the call */
  faults?: FaultRule[];
  /**
   * token buckets; a call that finds an empty bucket gets the service's throttling error. Each
   * account and region has its own (as AWS's): the account of an assumed role's access key,
   * learned from the AssumeRole answers that pass through the proxy, else the access key itself
   */
  rateLimits?: RateLimitRule[];
}

export interface FaultProxyOptions extends FaultProxyRules {
  /** where calls that get no fault go, e.g. the moto URL */
  target: string;
  /**
   * a moto of its own per account (as AWS serves each account apart): an account's calls go
   * there, by the account of their access key (learned from AssumeRole), and an AssumeRole by the
   * account of its RoleArn; the rest to `target`
   */
  targetsByAccount?: Record<string, string>;
  /** clock for token buckets, in ms (default performance.now) */
  now?: () => number;
  /** rewrites ECS answers of scripted services as deployments would run (see deployment-simulator.ts) */
  simulator?: DeploymentSimulator;
}

/** What happened to one call. */
export type CallOutcome = 'forwarded' | FaultKind | 'rate-limited';

export interface RecordedCall {
  /** 1-based order of arrival */
  seq: number;
  /** when it arrived (Date.now(), comparable with the daemon's log times) */
  at: number;
  service: string;
  operation: string;
  write: boolean;
  /** request parameters, recorded for writes only */
  params?: Record<string, unknown>;
  outcome: CallOutcome;
  /** HTTP status returned to the SDK, or moto's for a delayed call (absent for drop and silent) */
  status?: number;
  /** delay: the request was sent on to moto (after its hold; whether or not the client still waited) */
  reachedTarget?: boolean;
  /** the caller's account (an assumed role's, see rateLimits) or, when unknown, its access key id; absent on unsigned requests */
  caller?: string;
  /** the region the request was signed for */
  region?: string;
}

interface TargetAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** moto's headers for a buffered body: a content-length instead of chunked encoding. */
function lengthHeaders(answer: TargetAnswer): IncomingMessage['headers'] {
  const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
  delete headers['transfer-encoding'];
  return headers;
}

export class FaultProxy {
  private server: Server | undefined;
  private plan!: FaultPlan;
  private rules: FaultProxyRules;
  private readonly target: URL;
  private readonly targetsByAccount: Map<string, URL>;
  /** the upstream chosen for a request, when it is not `target` */
  private readonly upstreamOf = new WeakMap<IncomingMessage, URL>();
  private readonly now: () => number;
  private readonly simulator: DeploymentSimulator | undefined;
  private recorded: RecordedCall[] = [];
  private baseUrl: string | undefined;
  /** access key id -> account, from the AssumeRole answers that passed through */
  private readonly accounts = new Map<string, string>();
  /** delayed calls not yet answered by moto (see settled()) */
  private readonly held = new Set<Promise<unknown>>();

  constructor(options: FaultProxyOptions) {
    const { target, targetsByAccount, now, simulator, ...rules } = options;
    this.simulator = simulator;
    this.target = new URL(target);
    this.targetsByAccount = new Map(Object.entries(targetsByAccount ?? {}).map(([account, url]) => [account, new URL(url)]));
    this.now = now ?? (() => performance.now());
    this.rules = rules;
    this.configure(rules);
  }

  /** The proxy's URL; valid after start(). */
  get url(): string {
    if (!this.baseUrl) throw new Error('FaultProxy: call start() first');
    return this.baseUrl;
  }

  /** Listens on a free loopback port and returns the URL to give SDK clients. */
  async start(): Promise<string> {
    if (this.baseUrl) return this.baseUrl;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${(error as Error).message}`);
      });
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Replaces the rules (and restarts the RNG, fault counters and buckets). Counts are kept. */
  configure(rules: FaultProxyRules): void {
    this.rules = rules;
    this.plan = new FaultPlan(rules.faults ?? [], rules.rateLimits ?? [], rules.latency ?? [], rules.latencyMs ?? 0, rules.seed ?? 1, this.now);
  }

  /** Drops every fault, latency and rate limit: calls pass straight through. */
  clearFaults(): void {
    this.configure({ seed: this.rules.seed });
  }

  /** Every call in order of arrival (faulted ones included). */
  get calls(): readonly RecordedCall[] {
    return this.recorded;
  }

  /** The write calls (not Describe/List/Get) in order, with their parameters. */
  writes(): RecordedCall[] {
    return this.recorded.filter((call) => call.write);
  }

  /** Calls per `service:Operation`, e.g. { 'ecs:DescribeServices': 3 }; `caller`: one account's (see RecordedCall.caller). */
  counts(filter: { outcome?: CallOutcome; caller?: string } = {}): Record<string, number> {
    const result: Record<string, number> = {};
    for (const call of this.recorded) {
      if (filter.outcome && call.outcome !== filter.outcome) continue;
      if (filter.caller !== undefined && call.caller !== filter.caller) continue;
      const key = `${call.service}:${call.operation}`;
      result[key] = (result[key] ?? 0) + 1;
    }
    return result;
  }

  /** Calls to one operation (or to the whole service when operation is left out). */
  count(service: string, operation?: string, filter: { outcome?: CallOutcome } = {}): number {
    return this.recorded.filter(
      (call) =>
        call.service === service && (operation === undefined || call.operation === operation) && (!filter.outcome || call.outcome === filter.outcome),
    ).length;
  }

  /** Resolves once every delayed call has reached moto and been answered (a late write has landed). */
  async settled(): Promise<void> {
    while (this.held.size > 0) await Promise.allSettled([...this.held]);
  }

  /** Forgets the recorded calls and counts. */
  resetCounts(): void {
    this.recorded = [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const { service, operation, params } = identifyAwsCall(req.headers, body.toString('utf8'));
    const write = !isReadOperation(operation);
    const call: RecordedCall = { seq: this.recorded.length + 1, at: Date.now(), service, operation, write, outcome: 'forwarded' };
    if (write) call.params = params;
    const signer = requestSigner(req.headers);
    if (signer !== undefined) {
      call.caller = this.accounts.get(signer.accessKeyId) ?? signer.accessKeyId;
      call.region = signer.region;
    }
    this.recorded.push(call);
    const account = operation === 'AssumeRole' ? roleAccount(body.toString('utf8')) : call.caller;
    const upstream = account === undefined ? undefined : this.targetsByAccount.get(account);
    if (upstream !== undefined) this.upstreamOf.set(req, upstream);

    const plan = this.plan;
    const latency = plan.latencyFor(call);
    const decision = plan.decide({ ...call, params, ...(signer === undefined ? {} : { bucketScope: `${call.caller}/${call.region}` }) });
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

    if (decision?.fault === 'drop') {
      call.outcome = 'drop';
      req.socket.destroy();
      return;
    }
    if (decision?.fault === 'silent') {
      // never answered: the socket stays open until the client gives up or stop() closes it
      call.outcome = 'silent';
      return;
    }
    if (decision?.fault === 'trickle') {
      call.outcome = 'trickle';
      await this.trickle(req, res, body, call, decision.rule?.trickleMs ?? 1000);
      return;
    }
    if (decision?.fault === 'delay') {
      call.outcome = 'delay';
      await this.delay(req, res, body, call, decision.rule?.delayMs ?? 1000);
      return;
    }
    if (decision) {
      call.outcome = decision.by === 'rate-limit' ? 'rate-limited' : decision.fault;
      const error = awsErrorResponse(service, decision.fault === 'throttle' || decision.fault === 'accessDenied' ? decision.fault : 'error500');
      call.status = error.status;
      res.writeHead(error.status, { ...error.headers, 'content-length': String(Buffer.byteLength(error.body)) });
      res.end(error.body);
      return;
    }
    if (service === 'sts' && operation === 'AssumeRole') {
      // learn whose account the session's access key is in: its calls draw from that account's buckets
      const answer = await this.ask(req, body);
      const assumed = answer.status === 200 ? assumedRoleAccount(answer.body.toString('utf8')) : undefined;
      if (assumed !== undefined) this.accounts.set(assumed.accessKeyId, assumed.account);
      call.status = answer.status;
      res.writeHead(answer.status, lengthHeaders(answer));
      res.end(answer.body);
      return;
    }
    if (this.simulator?.wants(service, operation) === true) {
      const answer = await this.ask(req, body);
      const rewritten = { ...answer, body: this.simulator.rewrite(operation, body.toString('utf8'), answer.status, answer.body) };
      call.status = answer.status;
      res.writeHead(answer.status, lengthHeaders(rewritten));
      res.end(rewritten.body);
      return;
    }
    call.status = await this.forward(req, res, body);
  }

  /** The same request, addressed to moto. */
  private upstreamOptions(req: IncomingMessage, body: Buffer): RequestOptions {
    const target = this.upstreamOf.get(req) ?? this.target;
    return {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
    };
  }

  /** moto's whole answer, buffered (trickle and delay decide themselves how and whether to pass it on). */
  private ask(req: IncomingMessage, body: Buffer): Promise<TargetAnswer> {
    return new Promise((resolve, reject) => {
      const upstream = request(
        this.upstreamOptions(req, body),
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  /** Headers at once, then one body byte every `intervalMs`: no socket inactivity timeout ever fires. */
  private async trickle(req: IncomingMessage, res: ServerResponse, body: Buffer, call: RecordedCall, intervalMs: number): Promise<void> {
    const answer = await this.ask(req, body);
    call.status = answer.status;
    res.writeHead(answer.status, lengthHeaders(answer));
    res.flushHeaders();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (sent < answer.body.length) {
          res.write(answer.body.subarray(sent, sent + 1));
          sent += 1;
        }
        if (sent >= answer.body.length) {
          clearInterval(timer);
          res.end();
          resolve();
        }
      }, intervalMs);
      // the client gave up (or stop() closed the socket): stop trickling
      res.on('close', () => {
        clearInterval(timer);
        resolve();
      });
    });
  }

  /** Hold the request, then send it to moto even when the client has stopped waiting: a late write. */
  private async delay(req: IncomingMessage, res: ServerResponse, body: Buffer, call: RecordedCall, delayMs: number): Promise<void> {
    const landed = (async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      call.reachedTarget = true;
      const answer = await this.ask(req, body);
      call.status = answer.status;
      if (res.destroyed) return;
      res.writeHead(answer.status, lengthHeaders(answer));
      res.end(answer.body);
    })();
    this.held.add(landed);
    try {
      await landed;
    } finally {
      this.held.delete(landed);
    }
  }

  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      const upstream = request(
        this.upstreamOptions(req, body),
        (upstreamResponse) => {
          res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(res);
          upstreamResponse.on('end', () => resolve(upstreamResponse.statusCode ?? 502));
          upstreamResponse.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

/** The account of an AssumeRole request's RoleArn (query protocol body). */
function roleAccount(body: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(new URLSearchParams(body).get('RoleArn') ?? '')?.[1];
}
