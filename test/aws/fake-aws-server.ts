// A tiny local HTTP server that answers SDK calls the way AWS does (wire shapes from
// test/support/aws-wire.ts), so tests can produce AccessDenied, expired credentials,
// throttling, 5xx and hung connections without any AWS account or emulator.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { identifyAwsCall } from '../support/aws-wire.js';

export interface SeenCall {
  service: string;
  operation: string;
}

export type FakeReply = { status: number; headers: Record<string, string>; body: string } | 'hang';
export type FakeHandler = (call: SeenCall, n: number) => FakeReply;

/** AWS's error shape for `service`: ECS JSON 1.1, ELBv2 awsQuery XML, EC2 XML. */
export function awsError(service: string, status: number, code: string, message: string): FakeReply {
  if (service === 'ecs') {
    return { status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: code, message }) };
  }
  if (service === 'ec2') {
    return {
      status,
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>`,
    };
  }
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  };
}

/** An empty successful answer for the common describes. */
export function emptyOk(call: SeenCall): FakeReply {
  if (call.service === 'ecs') {
    const bodies: Record<string, unknown> = {
      DescribeClusters: { clusters: [], failures: [] },
      DescribeServices: { services: [], failures: [] },
    };
    return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(bodies[call.operation] ?? {}) };
  }
  if (call.service === 'ec2') {
    const list = call.operation === 'DescribeSecurityGroupRules' ? 'securityGroupRuleSet' : 'securityGroupInfo';
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><${call.operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><${list}/></${call.operation}Response>`,
    };
  }
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${call.operation}Response xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><${call.operation}Result/><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${call.operation}Response>`,
  };
}

export class FakeAwsServer {
  readonly calls: SeenCall[] = [];
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor(private readonly handler: FakeHandler = emptyOk) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  count(operation?: string): number {
    return this.calls.filter((c) => operation === undefined || c.operation === operation).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const { service, operation } = identifyAwsCall(req.headers, Buffer.concat(chunks).toString('utf8'));
    const call = { service, operation };
    this.calls.push(call);
    const reply = this.handler(call, this.calls.filter((c) => c.operation === operation).length);
    if (reply === 'hang') {
      this.hanging.add(res);
      return;
    }
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
    res.end(reply.body);
  }
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Run with these environment variables set, then restore the previous values. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Fake static credentials and a region: nothing here can reach a real AWS account. */
export const TEST_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL_ECS: undefined,
  AWS_ENDPOINT_URL_EC2: undefined,
  AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: undefined,
};
