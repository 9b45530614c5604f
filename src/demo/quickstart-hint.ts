// The quick start's drift hint: printed once, after the first cycle that has finished with the
// demo target group in sync, after that cycle's log lines, with a one-line summary of what the
// controller watches. Printing when a cycle *started* lost the hint whenever the lookup ran
// before cycle 1 had created the target group; now the lookup runs only once the group exists,
// and a lookup that still fails waits for the next cycle's end instead of dropping the hint.
import type { ResourceStatus, ResourceState } from '../server/controller-status.js';

export interface HintDaemon {
  loop: { onCycleEnd(listener: (cycles: number) => void): () => void };
  status: { readonly resources: readonly ResourceStatus[] };
}

export interface HintOptions {
  /** the moto endpoint the printed aws command talks to */
  endpoint: string;
  /** the target group whose health-check path the command changes */
  targetGroup: string;
  say: (line: string) => void;
  /** the target group's ARN from AWS (a cycle that created it has no ARN in its status) */
  lookupArn: (name: string) => Promise<string | undefined>;
}

/** `watching: 24 resources in sync`, or `watching: 22 of 24 resources in sync (1 pending, 1 failed)`. */
export function watchingLine(resources: readonly ResourceStatus[]): string {
  const counts = new Map<ResourceState, number>();
  for (const r of resources) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const inSync = counts.get('in-sync') ?? 0;
  const noun = resources.length === 1 ? 'resource' : 'resources';
  if (inSync === resources.length) return `watching: ${inSync} ${noun} in sync`;
  const others = [...counts].filter(([state]) => state !== 'in-sync').map(([state, n]) => `${n} ${state}`);
  return `watching: ${inSync} of ${resources.length} ${noun} in sync (${others.join(', ')})`;
}

export function driftHintLines(endpoint: string, targetGroupArn: string): string[] {
  return [
    "Make a drift behind the controller's back (another terminal), and watch it get corrected:",
    `  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \\`,
    `  aws --endpoint-url ${endpoint} elbv2 modify-target-group \\`,
    `    --target-group-arn ${targetGroupArn} --health-check-path /hacked`,
  ];
}

/** Resolves once the hint has been printed (never twice). */
export function printDriftHintAfterFirstCycle(daemon: HintDaemon, options: HintOptions): Promise<void> {
  const id = `TargetGroup/${options.targetGroup}`;
  let busy = false;
  let printed = false;
  return new Promise((resolve) => {
    const unsubscribe = daemon.loop.onCycleEnd(() => {
      const resources = daemon.status.resources;
      const tg = resources.find((r) => r.id === id);
      if (busy || printed || tg?.state !== 'in-sync') return; // a failed first cycle: wait for the next
      busy = true;
      void (tg.arn !== undefined ? Promise.resolve(tg.arn) : options.lookupArn(options.targetGroup).catch(() => undefined)).then((arn) => {
        busy = false;
        if (arn === undefined || printed) return;
        printed = true;
        unsubscribe();
        options.say('');
        options.say(watchingLine(resources));
        for (const line of driftHintLines(options.endpoint, arn)) options.say(line);
        resolve();
      });
    });
  });
}
