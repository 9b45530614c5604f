// --events-queue end to end on moto: a real EventBridge rule (the pattern of
// deploy/events-queue.yaml) targets a real SQS queue with a dead-letter queue; the test changes
// the users rule by hand and puts the CloudTrail "AWS API Call via CloudTrail" event of that
// change with PutEvents (moto records no CloudTrail of its own). The daemon, at a 10 min resync,
// corrects it within 5 s (p95 over 20 trials), with one drift message naming the user ARN and
// the event name; the event of the controller's own write causes no drift and no extra write.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeRulesCommand, ModifyRuleCommand, type Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { replacePlaceholders, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { startFakeSlack, type FakeSlack } from '../notify/slack-fixtures.js';
import { tempDir } from '../source/git-fixtures.js';
import { motoUrl } from '../support/moto-test-context.js';
import { ALICE, cloudTrailDetail } from '../events/cloudtrail-fixtures.js';
import { DaemonProcess, daemonEnv, getJson, waitFor } from './daemon-process.js';

const TRIALS = 20;
const RULE_ID = 'ListenerRule/flask-react-users-api';

let clients: TestClients;
let events: EventBridgeClient;
let sqs: SQSClient;
let slack: FakeSlack;
let daemon: DaemonProcess;
let base: string;
let listenerArn: string;
let queueUrl: string;

const aws = { endpoint: '', region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } };
const paths = (r: Rule | undefined): string[] => (r?.Conditions ?? []).flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []).sort();
const usersRule = async (): Promise<Rule | undefined> => (await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules?.find((r) => r.Priority === '1');

async function putCloudTrailEvent(eventName: string, requestParameters: Record<string, unknown>, userArn: string): Promise<void> {
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: 'aws.elasticloadbalancing',
          DetailType: 'AWS API Call via CloudTrail',
          Detail: JSON.stringify(cloudTrailDetail({ source: 'aws.elasticloadbalancing', eventName, requestParameters, userArn, eventTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })),
        },
      ],
    }),
  );
  expect(out.FailedEntryCount ?? 0).toBe(0);
}

/** ECS, ELBv2 and EC2 attempts so far (or one service's), from /metrics (SQS polls left out). */
async function awsCalls(service = 'ecs|elbv2|ec2'): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = new RegExp(`^ecs_reconciler_aws_calls_total\\{[^}]*service="(${service})"[^}]*\\} (\\d+)`, 'gm');
  return [...text.matchAll(line)].reduce((n, m) => n + Number(m[2]), 0);
}

beforeAll(async () => {
  aws.endpoint = motoUrl();
  clients = createTestClients(motoUrl());
  events = new EventBridgeClient(aws);
  sqs = new SQSClient(aws);
  const system = seedSystem('flask-react');
  const world = await system.buildWorld(clients);
  const yaml = replacePlaceholders(await readFile(system.desiredFile, 'utf8'), world.ids, system.desiredFile);
  const root = tempDir('daemon-events-e2e');
  const { writeFile, mkdir } = await import('node:fs/promises');
  await mkdir(join(root, 'desired'), { recursive: true });
  await writeFile(join(root, 'desired', 'flask-react.yaml'), yaml);

  // the queue, its dead-letter queue (maxReceiveCount 5) and the rule, as deploy/events-queue.yaml makes them
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-reconciler-events-dlq' }))).QueueUrl ?? '';
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-reconciler-events' }))).QueueUrl ?? '';
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) } }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  const pattern = JSON.parse(await readFile(new URL('../../deploy/events-rule-pattern.json', import.meta.url), 'utf8')) as unknown;
  await events.send(new PutRuleCommand({ Name: 'ecs-reconciler-events', EventPattern: JSON.stringify(pattern), State: 'ENABLED' }));
  await events.send(new PutTargetsCommand({ Rule: 'ecs-reconciler-events', Targets: [{ Id: 'queue', Arn: queueArn }] }));

  const lb = (await clients.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers?.[0];
  listenerArn = (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).Listeners?.[0]?.ListenerArn ?? '';

  slack = await startFakeSlack();
  daemon = new DaemonProcess(
    ['--source', join(root, 'desired'), '--interval', '60s', '--resync', '10m', '--events-queue', queueUrl, '--events-wait', '1s', '--port', '0', '--host', '127.0.0.1'],
    { ...daemonEnv(root, motoUrl()), SLACK_WEBHOOK_URL: slack.url, LOG_LEVEL: 'debug' },
  );
  base = await daemon.url();
  await waitFor(() => daemon.events('cycle.completed').length > 0 && daemon.events('events.started').length > 0, 30_000, () => daemon.tail());
}, 90_000);

afterAll(async () => {
  if (process.env.EVENTS_E2E_LOG) (await import('node:fs')).writeFileSync(process.env.EVENTS_E2E_LOG, daemon?.output.join('\n') ?? '');
  if (daemon) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
  await slack?.close();
  clients?.destroy();
  events?.destroy();
  sqs?.destroy();
});

describe('CloudTrail events through EventBridge and SQS', () => {
  it('converged once and then waits the resync (10 min), not the interval', async () => {
    const status = await getJson<{ events?: { mode: string; intervalMs: number } }>(`${base}/status`);
    expect(status.events).toMatchObject({ mode: 'events', intervalMs: 600_000 });
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.text()).toMatch(/events flowing/);
  });

  it(`corrects a rule changed by hand within 5 s of its event (p95 over ${TRIALS} trials), one drift message each naming who and how`, async () => {
    const rule = await usersRule();
    const declared = paths(rule);
    const timings: number[] = [];
    const [ecsBefore, ec2Before, elbBefore] = [await awsCalls('ecs'), await awsCalls('ec2'), await awsCalls('elbv2')];
    for (let i = 0; i < TRIALS; i++) {
      const before = slack.delivered().length;
      const detectedBefore = daemon.events('drift.detected').length;
      const resolvedBefore = daemon.events('drift.resolved').length;
      await clients.elbv2.send(new ModifyRuleCommand({ RuleArn: rule?.RuleArn, Conditions: [{ Field: 'path-pattern', Values: [`/hand-${i}*`] }] }));
      const started = Date.now();
      await putCloudTrailEvent('ModifyRule', { ruleArn: rule?.RuleArn, conditions: [{ field: 'path-pattern', values: [`/hand-${i}*`] }] }, ALICE);
      await waitFor(async () => JSON.stringify(paths(await usersRule())) === JSON.stringify(declared), 15_000, () => daemon.tail());
      timings.push(Date.now() - started);
      // the confirming read closes the incident, so the next trial's drift is a new one
      await waitFor(() => daemon.events('drift.resolved').length > resolvedBefore, 10_000, () => daemon.tail());
      const detected = daemon.events('drift.detected').slice(detectedBefore);
      expect(detected, `trial ${i}`).toHaveLength(1);
      expect(detected[0]).toMatchObject({ resource: RULE_ID, author: expect.stringMatching(new RegExp(`^changed by ${ALICE.replace(/[/.]/g, '\\$&')} via console \\(signin\\) at \\d\\d:\\d\\d:\\d\\dZ, ModifyRule$`)) });
      if (i === 0) {
        // Slack takes 10 messages a minute (the sender folds the rest): the first trial's message is checked here
        await waitFor(() => slack.delivered().slice(before).some((t) => /resolved/i.test(t)), 10_000, () => slack.delivered().join('\n---\n'));
        const drift = slack.delivered().slice(before).filter((t) => t.includes(RULE_ID) && !/resolved/i.test(t));
        expect(drift).toHaveLength(1);
        expect(drift[0]).toMatch(/Changed by arn:aws:sts::123456789012:assumed-role\/Admin\/alice via console \(signin\) at \d\d:\d\d:\d\dZ, ModifyRule/);
        const status = await getJson<{ resources: { id: string; state: string }[] }>(`${base}/status`);
        expect(status.resources.find((r) => r.id === RULE_ID)?.state).toBe('in-sync');
      }
    }
    const sorted = [...timings].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1] ?? Infinity;
    const p50 = sorted[Math.ceil(0.5 * sorted.length) - 1] ?? Infinity;
    console.log(`events e2e: event -> corrected over ${TRIALS} trials: p50 ${p50} ms, p95 ${p95} ms, max ${sorted[sorted.length - 1]} ms`);
    expect(p95).toBeLessThanOrEqual(5_000);
    // a rule's targeted reconcile reads and writes ELBv2 only: no ECS or EC2 call
    expect([await awsCalls('ecs'), await awsCalls('ec2')]).toEqual([ecsBefore, ec2Before]);
    console.log(`events e2e: ELBv2 calls per event (reconcile + confirming read, writes included): ${((await awsCalls('elbv2')) - elbBefore) / TRIALS}`);
    expect(daemon.events('drift.detected').filter((l) => l.resource === RULE_ID)).toHaveLength(TRIALS);
    // no full cycle ran meanwhile: the events did it all
    expect(daemon.events('cycle.completed')).toHaveLength(1);
  }, 240_000);

  it("the controller's own write's event causes no drift and no write", async () => {
    const sts = new STSClient(aws);
    const own = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
    sts.destroy();
    const rule = await usersRule();
    const detectedBefore = daemon.events('drift.detected').length;
    const writesBefore = daemon.events('apply.write').length;
    const callsBefore = await awsCalls();
    const skippedBefore = daemon.events('events.skipped').length;
    await putCloudTrailEvent('ModifyRule', { ruleArn: rule?.RuleArn }, own);
    await waitFor(() => daemon.events('events.skipped').length > skippedBefore, 10_000, () => daemon.tail());
    await new Promise((r) => setTimeout(r, 1_500));
    expect(daemon.events('drift.detected').length).toBe(detectedBefore);
    expect(daemon.events('apply.write').length).toBe(writesBefore);
    // not even a read: the event was recognised and dropped
    expect(await awsCalls()).toBe(callsBefore);
    expect(daemon.events('events.received').filter((l) => l.author !== undefined && String(l.author).includes(own))).toEqual([]);
  }, 30_000);

  it('a malformed message and an event for an unmanaged rule are dropped without a crash', async () => {
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{not json' }));
    await putCloudTrailEvent('ModifyRule', { ruleArn: `${listenerArn.replace(':listener/', ':listener-rule/')}/0000000000000000` }, ALICE);
    await waitFor(() => daemon.events('events.malformed').length > 0 && daemon.events('events.unmanaged').length > 0, 10_000, () => daemon.tail());
    const status = await getJson<{ events?: { mode: string } }>(`${base}/status`);
    expect(status.events?.mode).toBe('events');
    expect(daemon.child.exitCode).toBeNull();
  }, 30_000);
});
