// Leases in DynamoDB (moto) between two replicas on one fake clock: one owner per target, an even
// spread, takeover only after expiry, and the lease guard refusing a write once the lease is
// not held with the safety margin to spare (the write never reaches AWS).
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTargetGroupCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../src/demo/aws-demo-clients.js';
import { silentLogger } from '../../src/log/logger.js';
import { installLeaseGuard, LeaseLostError } from '../../src/leases/lease-guard.js';
import { LeaseManager } from '../../src/leases/lease-manager.js';
import { LeaseTable } from '../../src/leases/lease-table.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl } from '../support/moto-test-context.js';
import { TEST_AWS_ENV, withEnv } from '../aws/fake-aws-server.js';

const TABLE = 'leases-test';
const TTL = 3_000;
const MARGIN = 1_000;
let clock = 1_000_000;
const now = (): number => clock;
const dynamo = new DynamoDBClient({ endpoint: motoUrl(), region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } });
const table = new LeaseTable(dynamo, TABLE);

function manager(replicaId: string, targets: string[]): LeaseManager {
  return new LeaseManager({ table, replicaId, targets, ttlMs: TTL, renewMs: 500, safetyMarginMs: MARGIN, logger: silentLogger(), now });
}

beforeEach(async () => {
  await dynamo.send(new DeleteTableCommand({ TableName: TABLE })).catch(() => undefined);
  await dynamo.send(
    new CreateTableCommand({ TableName: TABLE, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
});

afterAll(() => dynamo.destroy());

describe('LeaseManager against DynamoDB', () => {
  it('one owner per target; spread evenly once a second replica is live; taken only after expiry', async () => {
    const targets = ['t1', 't2', 't3'];
    const a = manager('a', targets);
    const b = manager('b', targets);
    await a.tick();
    expect(a.owned()).toEqual(targets); // alone: all of them
    await b.tick();
    expect(b.owned()).toEqual([]); // nothing free yet
    await a.tick(); // two live replicas: share 2, a gives t3 up
    expect(a.owned()).toEqual(['t1', 't2']);
    await b.tick();
    expect(b.owned()).toEqual([]); // t3 is given up with the safety margin: not free yet
    clock += MARGIN + 1;
    await b.tick();
    expect(b.owned()).toEqual(['t3']);
    await a.tick();
    expect(a.owned()).toEqual(['t1', 't2']);
    // a stops renewing (dead): b takes its targets only after they expire
    clock += TTL - 1_100; // a's leases were renewed MARGIN + 1 ms ago
    await b.tick();
    expect(b.owned()).toEqual(['t3']);
    clock += 1_200;
    // a's heartbeat expired too: b alone, share 3
    await b.tick();
    expect(b.owned()).toEqual(targets);
    expect(a.owned()).toEqual([]); // a's clock says its leases ran out
    await a.tick(); // back: its renewals fail on the version, it lost them
    expect(a.owned()).toEqual([]);
    await b.tick();
    await a.tick();
    clock += MARGIN + 1;
    await a.tick();
    expect([a.owned().length, b.owned().length].sort()).toEqual([1, 2]);
    expect(new Set([...a.owned(), ...b.owned()])).toEqual(new Set(targets));
    // a stops (SIGTERM): its leases and its heartbeat go; b takes everything after the margin
    await a.stop();
    expect(a.owned()).toEqual([]);
    await b.tick();
    expect(b.owned()).toHaveLength(2);
    clock += MARGIN + 1;
    await b.tick();
    expect(b.owned()).toEqual(targets);
  });

  it("ticks at a dead replica's expiry, not up to a renew interval after it, and every renew interval otherwise", async () => {
    const targets = ['t1', 't2'];
    const a = manager('a', targets);
    const b = manager('b', targets);
    await a.tick();
    await b.tick();
    expect(a.owned()).toEqual(targets);
    // a's leases and heartbeat run TTL ahead: b's next tick is a renew interval away
    expect(b.nextTickMs()).toBe(500);
    clock += TTL - 200; // a stopped renewing: its leases expire in 200 ms
    await b.tick();
    expect(b.owned()).toEqual([]);
    expect(b.nextTickMs()).toBe(201);
    clock += 201;
    await b.tick();
    expect(b.owned()).toEqual(targets); // taken at the expiry
    expect(b.nextTickMs()).toBe(500);
  });

  it('a write goes out only while the lease is held with the margin to spare; reads always', async () => {
    const a = manager('a', ['t1']);
    await a.tick();
    const proxy = new FaultProxy({ target: motoUrl() });
    const url = await proxy.start();
    await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: url }, async () => {
      let checks = 0;
      const check = a.check('t1');
      const clients = createAwsClients({
        rateLimits: false,
        extendStack: installLeaseGuard((op) => {
          checks += 1;
          check(op);
        }),
      });
      try {
        const create = (name: string) => clients.elbv2.send(new CreateTargetGroupCommand({ Name: name, TargetType: 'lambda' }));
        await create('held-tg');
        expect(proxy.writes().map((w) => w.operation)).toEqual(['CreateTargetGroup']);
        clock += TTL - MARGIN + 1; // still held, but with less than the margin left
        checks = 0;
        await expect(create('late-tg')).rejects.toBeInstanceOf(LeaseLostError);
        expect(checks).toBe(1); // refused once, never retried
        await expect(create('late-tg')).rejects.toThrow(/t1: CreateTargetGroup not sent: this replica \(a\) no longer holds/);
        expect(proxy.writes().map((w) => w.params?.Name)).toEqual(['held-tg']);
        await clients.elbv2.send(new DescribeTargetGroupsCommand({})); // a read is not refused
        expect(proxy.count('elbv2', 'DescribeTargetGroups')).toBe(1);
      } finally {
        clients.destroy();
        await proxy.stop();
      }
    });
  });
});
