// A local HTTP server standing in for Slack's incoming webhook: records every post and answers
// as a test scripts it (200 "ok", an HTTP error status, or no answer at all).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SlackBehaviour = 'ok' | 'hang' | number;

export interface FakeSlack {
  /** webhook URL with a secret-looking path, like a real one */
  url: string;
  /** JSON bodies of every request, in arrival order (failed attempts included) */
  posts: { text: string }[];
  /** texts of the requests answered 200 */
  delivered: () => string[];
  /** answers for the next requests, consumed in order; afterwards `fallback` */
  script: SlackBehaviour[];
  fallback: SlackBehaviour;
  close(): Promise<void>;
}

export async function startFakeSlack(secretPath = 'T000TEST/B000TEST/slackSecretPath1234'): Promise<FakeSlack> {
  const answered: string[] = [];
  const fake: Omit<FakeSlack, 'url' | 'close'> = { posts: [], delivered: () => [...answered], script: [], fallback: 'ok' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { text: string };
      fake.posts.push(body);
      const behaviour = fake.script.shift() ?? fake.fallback;
      if (behaviour === 'hang') return; // never answer
      if (behaviour === 'ok') {
        answered.push(body.text);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } else {
        res.writeHead(behaviour, { 'content-type': 'text/plain' }).end('error');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/services/${secretPath}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
