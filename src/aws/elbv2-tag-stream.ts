// The observe's one ELBv2 tag pass, started kind by kind: each ELBv2 kind hands in the ARNs it
// read as soon as its read is done, and every full batch of 20 goes out at once, so the target
// groups' tags (and their plan and writes) need not wait for the listeners' and rules' reads. Only
// the last, partial batch waits for every kind: the pass makes ceil(ARNs / 20) calls, as one
// pass over everything does. Written by hand: it is a batching window over describeElbv2Tags.
import type { Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from './clients.js';
import { describeElbv2Tags } from './elbv2-tags.js';
import { DESCRIBE_TAGS_MAX } from './elbv2-limits.js';

export interface Elbv2TagStream {
  /** one kind's ARNs (with the label its errors name); resolves with the tags once all of them are read */
  add(arns: ReadonlyArray<readonly [arn: string, label: string]>): Promise<Map<string, Tag[]>>;
  /** a kind whose read failed: it hands in nothing, and the last batch stops waiting for it */
  skip(): void;
}

interface Waiter {
  promise: Promise<void>;
  settle: (error?: unknown) => void;
}

function waiter(): Waiter {
  let settle: Waiter['settle'] = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  promise.catch(() => undefined); // the kind's add() reports it
  return { promise, settle };
}

/** A tag pass that `contributors` kinds feed, each once (add or skip). */
export function startElbv2TagStream(clients: AwsClients, contributors: number): Elbv2TagStream {
  const tags = new Map<string, Tag[]>();
  const labels = new Map<string, string>();
  const waiters = new Map<string, Waiter>();
  const pending: string[] = [];
  let left = contributors;

  const send = (batch: string[]): void => {
    describeElbv2Tags(clients, batch, (arn) => labels.get(arn)).then(
      (read) => {
        for (const [arn, t] of read) tags.set(arn, t);
        for (const arn of batch) waiters.get(arn)?.settle();
      },
      (error: unknown) => {
        for (const arn of batch) waiters.get(arn)?.settle(error ?? new Error('DescribeTags failed'));
      },
    );
  };
  const flush = (): void => {
    while (pending.length >= DESCRIBE_TAGS_MAX) send(pending.splice(0, DESCRIBE_TAGS_MAX));
    if (left === 0 && pending.length > 0) send(pending.splice(0));
  };

  return {
    add(arns) {
      const mine: Promise<void>[] = [];
      for (const [arn, label] of arns) {
        let w = waiters.get(arn);
        if (w === undefined) {
          w = waiter();
          waiters.set(arn, w);
          labels.set(arn, label);
          pending.push(arn);
        }
        mine.push(w.promise);
      }
      left -= 1;
      flush();
      return Promise.all(mine).then(() => tags);
    },
    skip() {
      left -= 1;
      flush();
    },
  };
}
