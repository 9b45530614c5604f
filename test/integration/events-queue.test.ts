// The event source against moto's SQS (the real protocol): a message whose reconcile keeps
// failing is received 5 times and then moved by SQS to the dead-letter queue (RedrivePolicy
// maxReceiveCount 5); a handled one is deleted; a queue that fails falls back to the interval,
// says so on /status, and comes back when receives work again.
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/aws/clients.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../src/demo/aws-demo-clients.js';
import { AuthorMemory } from '../../src/events/author-memory.js';
import { OwnIdentity } from '../../src/events/event-author.js';
import { startEventSource, type RunningEventSource } from '../../src/events/event-source.js';
import { silentLogger } from '../../src/log/logger.js';
import { EventIndex } from '../../src/reconcilers/event-routing.js';
import type { EventsStatus } from '../../src/server/controller-status.js';
import { motoUrl } from '../support/moto-test-context.js';
import { desiredState, ruleArn, listenerRule } from '../reconcilers/fixtures.js';
import { cloudTrailMessage } from '../events/cloudtrail-fixtures.js';

let sqs: SQSClient;
let clients: AwsClients;
const savedEnv = { ...process.env };
const index = new EventIndex(desiredState({ listenerRules: [listenerRule('users')] }), new Map([['ListenerRule/users', ruleArn(1)]]));
const modifyRule = cloudTrailMessage({ source: 'aws.elasticloadbalancing', eventName: 'ModifyRule', requestParameters: { ruleArn: ruleArn(1) } });

async function queues(name: string): Promise<{ url: string; dlqUrl: string }> {
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl ?? '';
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) } }));
  return { url, dlqUrl };
}

const count = async (url: string): Promise<number> => {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
};

async function until(probe: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function source(url: string, run: (ids: readonly string[]) => Promise<{ reconciled: string[]; failed: string[] }>, status: { last?: EventsStatus }, extra: { resyncMs?: number } = {}): Promise<RunningEventSource> {
  return startEventSource(
    { queueUrl: url, resyncMs: extra.resyncMs ?? 600_000, intervalMs: 60_000, waitSeconds: 0, visibilitySeconds: 1, checkEveryMs: 100 },
    {
      clients,
      logger: silentLogger(),
      status: { setEvents: (e) => void (status.last = e) },
      own: new OwnIdentity('arn:aws:sts::123456789012:assumed-role/ecs-reconciler-task/t1'),
      authors: new AuthorMemory(600_000),
      index: () => index,
      run,
      between: (work) => work(),
      intervalChanged: () => undefined,
    },
  );
}

beforeAll(() => {
  Object.assign(process.env, { AWS_ENDPOINT_URL: motoUrl(), AWS_REGION: TEST_REGION, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey });
  clients = createAwsClients();
  sqs = new SQSClient({ endpoint: motoUrl(), region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } });
});

afterAll(() => {
  clients?.destroy();
  sqs?.destroy();
  process.env = savedEnv;
});

describe('the events queue on moto', () => {
  it('deletes a message once its resource was reconciled', async () => {
    const { url } = await queues('events-ok');
    const runs: string[][] = [];
    const status: { last?: EventsStatus } = {};
    const es = await source(url, async (ids) => {
      runs.push([...ids]);
      return { reconciled: [...ids], failed: [] };
    }, status);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: modifyRule }));
    await until(async () => runs.length > 0 && (await count(url)) === 0, 10_000);
    await es.stop();
    expect(runs).toEqual([['ListenerRule/users']]);
    expect(status.last).toMatchObject({ mode: 'events', received: 1, intervalMs: 600_000 });
  });

  it('a message whose reconcile fails 5 times goes to the dead-letter queue', async () => {
    const { url, dlqUrl } = await queues('events-failing');
    let runs = 0;
    const es = await source(url, async (ids) => {
      runs += 1;
      return { reconciled: [], failed: [...ids] };
    }, {});
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: modifyRule }));
    await until(async () => (await count(dlqUrl)) === 1, 20_000);
    await es.stop();
    expect(runs).toBe(5);
    expect(await count(url)).toBe(0);
    const dead = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl }))).Messages?.[0];
    expect(dead?.Body).toBe(modifyRule);
  }, 30_000);

  it('a failing queue falls back to the interval and says why; a quiet one too', async () => {
    const status: { last?: EventsStatus } = {};
    const es = await source(`${motoUrl()}/123456789012/no-such-queue`, async () => ({ reconciled: [], failed: [] }), status);
    await until(() => status.last?.mode === 'fallback', 15_000);
    expect(es.intervalMs()).toBe(60_000);
    expect(status.last?.reason).toMatch(/receives failed in a row/);
    await es.stop();

    const { url } = await queues('events-quiet');
    const quiet: { last?: EventsStatus } = {};
    const q = await source(url, async (ids) => ({ reconciled: [...ids], failed: [] }), quiet, { resyncMs: 500 });
    await until(() => quiet.last?.mode === 'fallback', 5_000);
    expect(quiet.last?.reason).toMatch(/no event for \d+ s, longer than the/);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: modifyRule }));
    await until(() => quiet.last?.mode === 'events', 5_000);
    expect(q.intervalMs()).toBe(500);
    await q.stop();
  }, 40_000);
});
