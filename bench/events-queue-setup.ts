// The events bench's queue in moto, as deploy/events-queue.yaml makes it in AWS: the SQS queue
// with its dead-letter queue (maxReceiveCount 5) and the EventBridge rule of
// deploy/events-rule-pattern.json targeting the queue; and PutEvents of one CloudTrail event.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TEST_CREDENTIALS, TEST_REGION } from '../src/demo/aws-demo-clients.js';
import { cloudTrailDetail, type EventInput } from '../test/events/cloudtrail-fixtures.js';
import { REPO_ROOT } from './controller-process.js';

export interface EventsQueue {
  queueUrl: string;
  /** PutEvents of one CloudTrail API-call event (throws when EventBridge refused it) */
  put(e: EventInput): Promise<void>;
  destroy(): void;
}

export async function createEventsQueue(motoUrl: string): Promise<EventsQueue> {
  const aws = { endpoint: motoUrl, region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } };
  const sqs = new SQSClient(aws);
  const events = new EventBridgeClient(aws);
  const arnOf = async (url: string): Promise<string> => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-reconciler-events-dlq' }))).QueueUrl ?? '';
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-reconciler-events' }))).QueueUrl ?? '';
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlqUrl), maxReceiveCount: 5 }) } }));
  const pattern = JSON.parse(await readFile(join(REPO_ROOT, 'deploy', 'events-rule-pattern.json'), 'utf8')) as unknown;
  await events.send(new PutRuleCommand({ Name: 'ecs-reconciler-events', EventPattern: JSON.stringify(pattern), State: 'ENABLED' }));
  await events.send(new PutTargetsCommand({ Rule: 'ecs-reconciler-events', Targets: [{ Id: 'queue', Arn: await arnOf(queueUrl) }] }));
  return {
    queueUrl,
    async put(e) {
      const out = await events.send(new PutEventsCommand({ Entries: [{ Source: e.source, DetailType: 'AWS API Call via CloudTrail', Detail: JSON.stringify(cloudTrailDetail(e)) }] }));
      if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`PutEvents refused the ${e.eventName} event: ${JSON.stringify(out.Entries)}`);
    },
    destroy() {
      sqs.destroy();
      events.destroy();
    },
  };
}
