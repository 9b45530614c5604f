// The total deadline on every AWS attempt (src/aws/request-deadline.ts) and the request gate,
// through createAwsClients against a loopback server that trickles its answer: the socket
// inactivity timeout never fires there, only the deadline ends the call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/aws/clients.js';
import { TEST_AWS_ENV, withEnv } from './fake-aws-server.js';

const BODY = JSON.stringify({ clusters: [], failures: [] });
let server: Server | undefined;
let clients: AwsClients | undefined;
let requests = 0;

/** Answers DescribeClusters with headers at once and one body byte every `trickleMs`. */
async function trickling(trickleMs: number): Promise<string> {
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(BODY.length) });
    res.flushHeaders();
    let sent = 0;
    const timer = setInterval(() => {
      res.write(BODY.slice(sent, sent + 1));
      sent += 1;
      if (sent === BODY.length) {
        clearInterval(timer);
        res.end();
      }
    }, trickleMs);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  clients?.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = clients = undefined;
  requests = 0;
});

async function describeClusters(url: string, c: AwsClients): Promise<{ ms: number; error?: Error & { $metadata?: { attempts?: number } } }> {
  const started = performance.now();
  return withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: url }, () =>
    c.ecs.send(new DescribeClustersCommand({ clusters: ['a'] })).then(
      () => ({ ms: performance.now() - started }),
      (error: Error) => ({ ms: performance.now() - started, error }),
    ),
  );
}

describe('request deadline', () => {
  it('ends a trickling answer at the deadline of each attempt although the socket never goes idle', async () => {
    const url = await trickling(50); // ~40 bytes: 2 s per answer, a byte every 50 ms
    clients = createAwsClients({ requestDeadlineMs: 400, socketTimeoutMs: 1_000, maxAttempts: 2, retry: { transientBaseMs: 10 } });
    const { ms, error } = await describeClusters(url, clients);
    expect(error?.name).toBe('TimeoutError');
    expect(error?.message).toMatch(/400 ms deadline/);
    expect(requests).toBe(2); // a deadline is transient: retried within maxAttempts
    expect(clients.calls.count({ outcome: 'TimeoutError' })).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(800);
    expect(ms).toBeLessThan(1_600);
  });

  it('lets an answer that completes within the deadline through', async () => {
    const url = await trickling(5);
    clients = createAwsClients({ requestDeadlineMs: 2_000, maxAttempts: 1 });
    const { error } = await describeClusters(url, clients);
    expect(error).toBeUndefined();
    expect(requests).toBe(1);
  });
});

describe('request gate', () => {
  it('a closed gate fails each new attempt at once without sending it; open() lets calls through again', async () => {
    const url = await trickling(1);
    clients = createAwsClients({ maxAttempts: 3 });
    clients.gate.close('the cycle timed out');
    const stopped = await describeClusters(url, clients);
    expect(stopped.error?.name).toBe('RequestsStopped');
    expect(stopped.error?.message).toBe('ECS request not sent: the cycle timed out');
    expect(stopped.ms).toBeLessThan(200);
    expect(requests).toBe(0);
    expect(clients.calls.count({ outcome: 'RequestsStopped' })).toBe(1); // not retried
    clients.gate.open();
    expect((await describeClusters(url, clients)).error).toBeUndefined();
    expect(requests).toBe(1);
  });
});
