// --events-queue beside --config (issues 16 + 17) end to end on moto: one SQS queue for the
// process, fed by a real EventBridge rule (deploy/events-rule-pattern.json); two targets, a in
// account A through AssumeRole and b in the controller's own account B (where the queue and the
// rule live, as deploy/events-queue.yaml makes them). A hand edit in B plus its CloudTrail event
// (PutEvents: the envelope's `account` is B) is corrected in B within seconds, at a 10 min resync,
// and the drift line names target b; an event in account A's shape reaches target a alone; an
// event of an account no target names is deleted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { assumedRoleClients, defaultVpc, roleIn } from '../support/assumed-role-clients.js';
import { awsEnv } from '../support/cli-process.js';
import { motoUrl } from '../support/moto-test-context.js';
import { ALICE, cloudTrailDetail } from '../events/cloudtrail-fixtures.js';
import { DaemonProcess, waitFor } from './daemon-process.js';

const A = '111111111111';
/** the controller's own account (moto's for the test keys): the queue and the rule are here */
const B = '123456789012';

const TARGET_GROUP = `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: shop-tg }
spec:
  vpc: { tags: { Name: shop } }
  protocol: HTTP
  port: 8080
  targetType: ip
  healthCheck: { path: /health }
`;

const aws = { endpoint: '', region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } };
let accounts: Record<string, TestClients> = {};
let events: EventBridgeClient;
let sqs: SQSClient;
let daemon: DaemonProcess;
let queueUrl: string;

async function targetGroup(account: string): Promise<{ arn: string; path: string | undefined }> {
  const tg = (await accounts[account]!.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.find((t) => t.TargetGroupName === 'shop-tg');
  return { arn: tg?.TargetGroupArn ?? '', path: tg?.HealthCheckPath };
}

function detail(targetGroupArn: string, account: string): Record<string, unknown> {
  return {
    ...cloudTrailDetail({ source: 'aws.elasticloadbalancing', eventName: 'ModifyTargetGroup', requestParameters: { targetGroupArn, healthCheckPath: '/hand' }, userArn: ALICE, eventTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }),
    recipientAccountId: account,
  };
}

beforeAll(async () => {
  aws.endpoint = motoUrl();
  accounts = { [A]: await assumedRoleClients(motoUrl(), A), [B]: createTestClients(motoUrl()) };
  events = new EventBridgeClient(aws);
  sqs = new SQSClient(aws);
  const src = mkdtempSync(join(tmpdir(), 'events-targets-src-'));
  for (const account of [A, B]) {
    await accounts[account]!.ec2.send(new CreateTagsCommand({ Resources: [await defaultVpc(accounts[account]!)], Tags: [{ Key: 'Name', Value: 'shop' }] }));
  }
  mkdirSync(join(src, 'stack'));
  writeFileSync(join(src, 'stack', 'tg.yaml'), TARGET_GROUP);
  const config = join(mkdtempSync(join(tmpdir(), 'events-targets-cfg-')), 'controller.yaml');
  writeFileSync(config, `targets:
  - { name: a, account: "${A}", region: us-east-1, roleArn: "${roleIn(A)}", path: stack }
  - { name: b, account: "${B}", region: us-east-1, path: stack }
`);

  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-reconciler-events' }))).QueueUrl ?? '';
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  const pattern = JSON.parse(await readFile(new URL('../../deploy/events-rule-pattern.json', import.meta.url), 'utf8')) as unknown;
  await events.send(new PutRuleCommand({ Name: 'ecs-reconciler-events', EventPattern: JSON.stringify(pattern), State: 'ENABLED' }));
  await events.send(new PutTargetsCommand({ Rule: 'ecs-reconciler-events', Targets: [{ Id: 'queue', Arn: queueArn }] }));

  daemon = new DaemonProcess(
    ['--source', src, '--config', config, '--interval', '60s', '--resync', '10m', '--events-queue', queueUrl, '--events-wait', '1s', '--port', '0', '--host', '127.0.0.1', '--aws-timeout', '3s'],
    { PATH: process.env.PATH, HOME: src, ...awsEnv(motoUrl()), LOG_LEVEL: 'debug' },
  );
  await daemon.url();
  await waitFor(() => daemon.events('cycle.completed').length > 0 && daemon.events('events.started').length > 0, 45_000, () => daemon.tail());
}, 90_000);

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  for (const c of Object.values(accounts)) c.destroy();
  events?.destroy();
  sqs?.destroy();
});

describe('one events queue for the targets of a controller config', () => {
  it('started with both: converged both accounts in one cycle, polling the queue', async () => {
    expect((await targetGroup(A)).path).toBe('/health');
    expect((await targetGroup(B)).path).toBe('/health');
    expect(daemon.events('cycle.completed')).toHaveLength(1);
  });

  it('a hand edit in account B plus its event (PutEvents, account B) is corrected in B within seconds; the drift line names target b', async () => {
    const b = await targetGroup(B);
    await accounts[B]!.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: b.arn, HealthCheckPath: '/hand' }));
    const started = Date.now();
    const out = await events.send(new PutEventsCommand({ Entries: [{ Source: 'aws.elasticloadbalancing', DetailType: 'AWS API Call via CloudTrail', Detail: JSON.stringify(detail(b.arn, B)) }] }));
    expect(out.FailedEntryCount ?? 0).toBe(0);
    await waitFor(async () => (await targetGroup(B)).path === '/health', 15_000, () => daemon.tail());
    const took = Date.now() - started;
    console.log(`events + targets e2e: event -> corrected in B in ${took} ms`);
    expect(took).toBeLessThanOrEqual(5_000);
    const drift = await waitFor(() => daemon.events('drift.detected').find((l) => l.resource === 'TargetGroup/shop-tg'), 5_000, () => daemon.tail());
    expect(drift).toMatchObject({ target: 'b', author: expect.stringContaining(`changed by ${ALICE}`) });
    expect(daemon.events('drift.detected').filter((l) => l.target !== 'b')).toEqual([]);
    expect(daemon.events('events.received').at(-1)).toMatchObject({ target: 'b' });
    // no full cycle: the event did it
    expect(daemon.events('cycle.completed')).toHaveLength(1);
  }, 30_000);

  it("an event in account A's shape is reconciled by target a (through its role); one of no target's account is deleted", async () => {
    const a = await targetGroup(A);
    await accounts[A]!.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: a.arn, HealthCheckPath: '/hand-a' }));
    const envelope = (account: string, arn: string): string => JSON.stringify({ version: '0', id: `ev-${account}`, 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.elasticloadbalancing', account, time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: detail(arn, account) });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: envelope(A, a.arn) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: envelope('999999999999', a.arn) }));
    await waitFor(async () => (await targetGroup(A)).path === '/health', 15_000, () => daemon.tail());
    await waitFor(() => daemon.events('drift.detected').find((l) => l.target === 'a'), 5_000, () => daemon.tail());
    const dropped = await waitFor(() => daemon.events('events.no-target')[0], 5_000, () => daemon.tail());
    expect(String(dropped.msg)).toContain('no target for account 999999999999');
    // every message settled: none left in the queue
    await waitFor(async () => {
      const at = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
      return Number(at.ApproximateNumberOfMessages) + Number(at.ApproximateNumberOfMessagesNotVisible) === 0;
    }, 10_000);
    expect(daemon.events('cycle.completed')).toHaveLength(1);
  }, 30_000);
});
