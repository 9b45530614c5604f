// One events queue for the targets of a controller config: the dispatch (pure) and the event
// source that acts on it (a fake SQS): an event of a held target is reconciled by that target's
// reconciler and deleted after; an event of a target another replica holds is made visible again
// at once (ChangeMessageVisibility 0) and never deleted; an event of no target is deleted unread;
// the controller's own write in a target (the role it assumes there) is no drift.
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { AuthorMemory } from '../../src/events/author-memory.js';
import { parseEventMessage } from '../../src/events/cloudtrail-event.js';
import { OwnIdentity } from '../../src/events/event-author.js';
import { startEventSource } from '../../src/events/event-source.js';
import { accountOfArn, assumedRoleArn, targetDispatch, type EventTarget } from '../../src/events/target-dispatch.js';
import { silentLogger } from '../../src/log/logger.js';
import { EventIndex } from '../../src/reconcilers/event-routing.js';
import type { ApiCallEvent } from '../../src/reconcilers/shared/event-hook.js';
import { desiredState, listenerRule, ruleArn } from '../reconcilers/fixtures.js';
import { cloudTrailMessage, type EventInput } from './cloudtrail-fixtures.js';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const CALLER = `arn:aws:sts::${A}:assumed-role/ecs-reconciler-task/t1`;
const ROLE_B = `arn:aws:iam::${B}:role/deploy/ecs-reconciler-target`;

function body(account: string, e: Partial<EventInput> = {}): string {
  const m = JSON.parse(cloudTrailMessage({ source: 'aws.elasticloadbalancing', eventName: 'ModifyRule', requestParameters: { ruleArn: ruleArn(1) }, ...e })) as Record<string, unknown>;
  return JSON.stringify({ ...m, account });
}

function event(account: string, e: Partial<EventInput> = {}): ApiCallEvent {
  const r = parseEventMessage(body(account, e));
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}

const index = new EventIndex(desiredState({ listenerRules: [listenerRule('users')] }), new Map([['ListenerRule/users', ruleArn(1)]]));

function target(name: string, account: string | undefined, runs: string[], extra: Partial<EventTarget> = {}): EventTarget {
  return {
    name, account, region: 'us-east-1', authors: new AuthorMemory(600_000), index: () => index,
    run: async (ids) => {
      runs.push(`${name}:${ids.join(',')}`);
      return { reconciled: [...ids], failed: [] };
    },
    ...extra,
  };
}

describe('targetDispatch', () => {
  const runs: string[] = [];
  const targets = [target('a', undefined, runs), target('b', B, runs, { roleArn: ROLE_B }), target('c', C, runs)];
  const dispatch = targetDispatch(targets, () => new Set(['a', 'b']), { arn: CALLER });

  it('sends an event to the target of its account (a target without account is the caller\'s), leaves a target held elsewhere, drops the rest', () => {
    expect(dispatch(event(B))).toMatchObject({ action: 'reconcile', target: 'b' });
    expect(dispatch(event(A))).toMatchObject({ action: 'reconcile', target: 'a' });
    expect(dispatch(event(C))).toMatchObject({ action: 'leave', target: 'c' });
    expect(dispatch(event('444444444444'))).toMatchObject({ action: 'drop' });
  });

  it('knows the controller\'s own writes in a target by the role it assumes there', () => {
    const ownInB = event(B, { userArn: `arn:aws:sts::${B}:assumed-role/ecs-reconciler-target/ecs-reconciler-b` });
    const b = dispatch(ownInB);
    expect(b.action === 'reconcile' && b.sink.own.isOwn(ownInB)).toBe(true);
    const alice = event(B, { userArn: `arn:aws:sts::${B}:assumed-role/Admin/alice` });
    const b2 = dispatch(alice);
    expect(b2.action === 'reconcile' && b2.sink.own.isOwn(alice)).toBe(false);
    // in the caller's own account the caller's identity is the controller
    const ownInA = event(A, { userArn: `${CALLER.replace(/\/t1$/, '/t2')}` });
    const a = dispatch(ownInA);
    expect(a.action === 'reconcile' && a.sink.own.isOwn(ownInA)).toBe(true);
    expect(a.action === 'reconcile' && a.sink.own.isOwn(ownInB)).toBe(false);
  });

  it('reads role and caller ARNs', () => {
    expect(assumedRoleArn(ROLE_B)).toBe(`arn:aws:sts::${B}:assumed-role/ecs-reconciler-target/ecs-reconciler`);
    expect(assumedRoleArn('not-an-arn')).toBeUndefined();
    expect(accountOfArn(CALLER)).toBe(A);
    expect(accountOfArn(undefined)).toBeUndefined();
  });
});

describe('the event source with targets', () => {
  it('reconciles in the held target and deletes after, makes a foreign target\'s message visible again, deletes what no target owns', async () => {
    const runs: string[] = [];
    const sent: { op: string; handle?: string; visibility?: number }[] = [];
    const messages: Message[] = [
      { MessageId: 'm-b', ReceiptHandle: 'h-b', Body: body(B) },
      { MessageId: 'm-c', ReceiptHandle: 'h-c', Body: body(C) },
      { MessageId: 'm-none', ReceiptHandle: 'h-none', Body: body('444444444444') },
      { MessageId: 'm-own', ReceiptHandle: 'h-own', Body: body(B, { userArn: `arn:aws:sts::${B}:assumed-role/ecs-reconciler-target/s` }) },
    ];
    let delivered = false;
    const sqs = {
      send: async (cmd: { constructor: { name: string }; input: { ReceiptHandle?: string; VisibilityTimeout?: number } }) => {
        const op = cmd.constructor.name.replace(/Command$/, '');
        if (op === 'ReceiveMessage') {
          await new Promise((r) => setTimeout(r, 10));
          if (delivered) return { Messages: [] };
          delivered = true;
          return { Messages: messages };
        }
        sent.push({ op, ...(cmd.input.ReceiptHandle === undefined ? {} : { handle: cmd.input.ReceiptHandle }), ...(op === 'ChangeMessageVisibility' ? { visibility: cmd.input.VisibilityTimeout } : {}) });
        return op === 'GetQueueAttributes' ? { Attributes: { RedrivePolicy: '{}' } } : {};
      },
    };
    const targets = [target('a', A, runs), target('b', B, runs, { roleArn: ROLE_B }), target('c', C, runs)];
    const es = await startEventSource(
      { queueUrl: 'http://127.0.0.1:1/q', resyncMs: 600_000, intervalMs: 60_000, waitSeconds: 0, checkEveryMs: 60_000 },
      {
        clients: { sqs: { get: async () => sqs } } as never,
        logger: silentLogger(),
        status: { setEvents: () => undefined },
        own: new OwnIdentity(CALLER),
        authors: new AuthorMemory(600_000),
        index: () => undefined,
        run: () => Promise.reject(new Error('no single target')),
        between: (work) => work(),
        intervalChanged: () => undefined,
        dispatch: targetDispatch(targets, () => new Set(['a', 'b']), { arn: CALLER }),
      },
    );
    try {
      const end = Date.now() + 3_000;
      while (!sent.some((s) => s.handle === 'h-b' && s.op === 'DeleteMessage') && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      await es.queues.get('b')?.idle();
    } finally {
      await es.stop();
    }
    expect(runs).toEqual(['b:ListenerRule/users']);
    expect(targets[1]!.authors.of('ListenerRule/users')).toMatch(/changed by arn:aws:sts::123456789012:assumed-role\/Admin\/alice/);
    expect(targets[0]!.authors.of('ListenerRule/users')).not.toMatch(/alice/);
    const settled = sent.filter((s) => s.op !== 'GetQueueAttributes');
    expect(settled).toEqual(expect.arrayContaining([
      { op: 'DeleteMessage', handle: 'h-b' },
      { op: 'ChangeMessageVisibility', handle: 'h-c', visibility: 0 },
      { op: 'DeleteMessage', handle: 'h-none' },
      { op: 'DeleteMessage', handle: 'h-own' },
    ]));
    expect(settled).toHaveLength(4);
  });
});
