// Replicas sharing targets through leases in DynamoDB (moto), issue 16: two daemon processes,
// three targets, each process behind its own fault proxy so the writes of each are counted apart.
// Each target is written by exactly one process; kill -9 one and its targets are reconciled by the
// other within lease TTL + 1 interval; a restarted process gets its share back.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTargetGroupsCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { defaultVpc } from '../support/assumed-role-clients.js';
import { awsEnv } from '../support/cli-process.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';
import { DaemonProcess, getJson, waitFor } from './daemon-process.js';

const TABLE = 'ecs-reconciler-leases';
const TARGETS = ['t1', 't2', 't3'];
const TTL_MS = 6_000;
const INTERVAL_MS = 1_000;

interface Replica {
  id: string;
  proxy: FaultProxy;
  daemon: DaemonProcess;
  url: string;
}

let clients: TestClients;
let src: string;
let config: string;
const replicas: Replica[] = [];

async function startReplica(id: string): Promise<Replica> {
  const proxy = new FaultProxy({ target: motoUrl() });
  const daemon = new DaemonProcess(
    ['--source', src, '--config', config, '--lease-table', TABLE, '--lease-ttl', `${TTL_MS}ms`, '--lease-renew', '1s', '--aws-timeout', '2s',
      '--interval', `${INTERVAL_MS}ms`, '--replica-id', id, '--port', '0', '--host', '127.0.0.1'],
    { PATH: process.env.PATH, HOME: src, ...awsEnv(await proxy.start()) },
  );
  const replica = { id, proxy, daemon, url: await daemon.url() };
  replicas.push(replica);
  return replica;
}

/** The target an ELBv2 write is for (the names and ARNs in it carry tg-<target>). */
function targetOf(params: unknown): string | undefined {
  return /tg-(t\d)/.exec(JSON.stringify(params ?? {}))?.[1];
}

/** target -> how many of this replica's ELBv2 writes were for it (from `sinceSeq` on) */
function writesByTarget(r: Replica, sinceSeq = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of r.proxy.writes()) {
    if (w.service !== 'elbv2' || w.seq <= sinceSeq) continue;
    const t = targetOf(w.params);
    if (t) out[t] = (out[t] ?? 0) + 1;
  }
  return out;
}

const lastSeq = (r: Replica): number => r.proxy.writes().at(-1)?.seq ?? 0;

async function owned(r: Replica): Promise<string[]> {
  const doc = await getJson<{ targets?: { name: string; owned: boolean }[] }>(`${r.url}/status`);
  return (doc.targets ?? []).filter((t) => t.owned).map((t) => t.name);
}

/** Both live replicas own disjoint sets covering every target, split 2 / 1. */
async function balanced(live: Replica[]): Promise<Map<string, Replica> | undefined> {
  const owner = new Map<string, Replica>();
  const counts: number[] = [];
  for (const r of live) {
    const mine = await owned(r);
    counts.push(mine.length);
    for (const t of mine) {
      if (owner.has(t)) return undefined;
      owner.set(t, r);
    }
  }
  return owner.size === TARGETS.length && counts.sort().join() === '1,2' ? owner : undefined;
}

async function healthPath(t: string): Promise<string | undefined> {
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [`tg-${t}`] })).catch(() => ({ TargetGroups: [] }));
  return TargetGroups?.[0]?.HealthCheckPath;
}

async function drift(targets: readonly string[], path: string): Promise<void> {
  for (const t of targets) {
    const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [`tg-${t}`] }));
    await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: TargetGroups?.[0]?.TargetGroupArn, HealthCheckPath: path }));
  }
}

const corrected = (targets: readonly string[]) => async () => (await Promise.all(targets.map(healthPath))).every((p) => p === '/health');

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  const dynamo = new DynamoDBClient({ endpoint: motoUrl(), region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } });
  await dynamo.send(
    new CreateTableCommand({ TableName: TABLE, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
  dynamo.destroy();
  const vpc = await defaultVpc(clients);
  src = mkdtempSync(join(tmpdir(), 'leases-src-'));
  for (const t of TARGETS) {
    mkdirSync(join(src, t));
    writeFileSync(join(src, t, 'tg.yaml'), `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: tg-${t} }\nspec: { vpcId: ${vpc}, protocol: HTTP, port: 80, targetType: ip, healthCheck: { path: /health } }\n`);
  }
  config = join(mkdtempSync(join(tmpdir(), 'leases-cfg-')), 'controller.yaml');
  writeFileSync(config, `targets:\n${TARGETS.map((t) => `  - { name: ${t}, region: us-east-1, path: ${t} }`).join('\n')}\n`);
}, 30_000);

afterAll(async () => {
  for (const r of replicas) {
    if (r.daemon.child.exitCode === null && r.daemon.child.signalCode === null) {
      r.daemon.child.kill('SIGTERM');
      await r.daemon.exited;
    }
    await r.proxy.stop();
  }
  clients?.destroy();
});

describe('two replicas, three targets, one lease table', () => {
  let a: Replica;
  let b: Replica;
  let owner: Map<string, Replica>;

  it('each target is written by exactly one process; the targets spread 2 / 1', async () => {
    [a, b] = await Promise.all([startReplica('replica-a'), startReplica('replica-b')]);
    await waitFor(corrected(TARGETS), 30_000, () => a.daemon.tail() + b.daemon.tail());
    owner = await waitFor(() => balanced([a, b]), 30_000, () => a.daemon.tail(10) + b.daemon.tail(10));
    // creation: every target by one process only
    const [wa, wb] = [writesByTarget(a), writesByTarget(b)];
    for (const t of TARGETS) expect([wa[t] ?? 0, wb[t] ?? 0].filter((n) => n > 0)).toHaveLength(1);
    // a drift of every target: corrected by its owner only
    const since = new Map([a, b].map((r) => [r, lastSeq(r)]));
    await drift(TARGETS, '/drifted');
    await waitFor(corrected(TARGETS), 10_000);
    for (const t of TARGETS) {
      for (const r of [a, b]) expect(writesByTarget(r, since.get(r))[t] ?? 0, `${r.id} writing ${t}`).toBe(owner.get(t) === r ? 1 : 0);
    }
  }, 90_000);

  it('kill -9 the owner of two targets: the other reconciles them within lease TTL + 1 interval', async () => {
    const victim = [a, b].find((r) => [...owner.values()].filter((o) => o === r).length === 2)!;
    const survivor = victim === a ? b : a;
    const victimTargets = TARGETS.filter((t) => owner.get(t) === victim);
    const victimSeq = lastSeq(victim);
    const survivorSeq = lastSeq(survivor);
    const acquiredBefore = survivor.daemon.events('lease.acquired').length;
    victim.daemon.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.daemon.exited;
    await drift(victimTargets, '/after-kill');
    await waitFor(corrected(victimTargets), TTL_MS + INTERVAL_MS + 10_000, () => survivor.daemon.tail(20));
    const tookMs = Date.now() - killedAt;
    // the lease expires at most TTL after the last renewal; then one lease tick and one cycle
    expect(tookMs, `corrected ${tookMs} ms after kill -9`).toBeLessThanOrEqual(TTL_MS + INTERVAL_MS + 2_000);
    console.log(`takeover: the killed replica's drifts corrected ${tookMs} ms after kill -9 (lease TTL ${TTL_MS} ms, interval ${INTERVAL_MS} ms)`);
    expect(lastSeq(victim)).toBe(victimSeq); // nothing from the killed process
    const corrections = writesByTarget(survivor, survivorSeq);
    for (const t of victimTargets) expect(corrections[t]).toBe(1);
    expect(await owned(survivor)).toEqual(TARGETS);
    const taken = survivor.daemon.events('lease.acquired').slice(acquiredBefore).filter((l) => l.previousOwner === victim.id);
    expect(taken.map((l) => l.target).sort()).toEqual(victimTargets);
  }, 60_000);

  it('a restarted replica gets its share back and reconciles it alone', async () => {
    const survivor = [a, b].find((r) => r.daemon.child.exitCode === null && r.daemon.child.signalCode === null)!;
    const back = await startReplica('replica-c');
    owner = await waitFor(() => balanced([survivor, back]), 30_000, () => survivor.daemon.tail(10) + back.daemon.tail(10));
    expect([...owner.values()]).toContain(back);
    const since = new Map([survivor, back].map((r) => [r, lastSeq(r)]));
    await drift(TARGETS, '/after-restart');
    await waitFor(corrected(TARGETS), 10_000);
    for (const t of TARGETS) {
      for (const r of [survivor, back]) expect(writesByTarget(r, since.get(r))[t] ?? 0, `${r.id} writing ${t}`).toBe(owner.get(t) === r ? 1 : 0);
    }
    [a, b] = [survivor, back];
  }, 60_000);

  it('a replica frozen past its leases (SIGSTOP) writes nothing when it wakes up: the other one corrects', async () => {
    const frozen = [a, b].find((r) => [...owner.values()].filter((o) => o === r).length === 2)!;
    const other = frozen === a ? b : a;
    const frozenTargets = TARGETS.filter((t) => owner.get(t) === frozen);
    const frozenSeq = lastSeq(frozen);
    frozen.daemon.child.kill('SIGSTOP');
    try {
      await waitFor(async () => (await owned(other)).length === TARGETS.length, TTL_MS + 10_000, () => other.daemon.tail(10));
      // drifts pending when it wakes up: its cycle would correct them if it still believed its leases
      const otherSeq = lastSeq(other);
      await drift(frozenTargets, '/while-frozen');
      frozen.daemon.child.kill('SIGCONT');
      await waitFor(corrected(frozenTargets), 10_000, () => other.daemon.tail(10));
      await new Promise((r) => setTimeout(r, 3_000)); // its overdue cycle and lease tick have run
      expect(writesByTarget(frozen, frozenSeq)).toEqual({});
      const corrections = writesByTarget(other, otherSeq);
      for (const t of frozenTargets) expect(corrections[t]).toBe(1);
      expect(frozen.daemon.events('lease.lost').map((l) => l.target).sort()).toEqual(expect.arrayContaining(frozenTargets));
    } finally {
      frozen.daemon.child.kill('SIGCONT');
    }
  }, 60_000);
});
