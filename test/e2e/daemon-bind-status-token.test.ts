// `run --bind 127.0.0.1` with STATUS_TOKEN set, as a real process against moto: it listens on
// the address given, /status needs the bearer token, the other endpoints do not, and the token
// is never printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoUrl } from '../support/moto-test-context.js';
import { tempDir } from '../source/git-fixtures.js';
import { DaemonProcess, daemonEnv } from './daemon-process.js';

const STATUS_TOKEN = 'status-token-never-logged-0004';
let daemon: DaemonProcess;
let base: string;

beforeAll(async () => {
  const root = tempDir('bind');
  const dir = join(root, 'desired');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'sg.yaml'),
    'apiVersion: ecs-reconciler/v1\nkind: SecurityGroupIngress\nmetadata: { name: bind-sg }\nspec:\n  groupId: sg-0123456789abcdef0\n  rules:\n    - { protocol: tcp, port: 443, source: { cidr: 10.9.0.0/16 } }\n',
  );
  daemon = new DaemonProcess(['--source', dir, '--interval', '30s', '--port', '0', '--bind', '127.0.0.1'], {
    ...daemonEnv(root, motoUrl()),
    STATUS_TOKEN,
  });
  base = await daemon.url();
});

afterAll(async () => {
  daemon?.child.kill('SIGTERM');
  await daemon?.exited;
});

describe('run --bind and STATUS_TOKEN', () => {
  it('listens on the address given', () => {
    const listening = daemon.logs.find((l) => l.event === 'server.listening' && l.host !== undefined);
    expect(listening?.host).toBe('127.0.0.1');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('/status answers 401 without the token and 200 with it; the rest stays open', async () => {
    const denied = await fetch(`${base}/status`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    const allowed = await fetch(`${base}/status`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toHaveProperty('source');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    expect(daemon.output.join('\n')).not.toContain(STATUS_TOKEN);
  });
});
