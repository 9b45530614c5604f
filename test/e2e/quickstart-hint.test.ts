// The quick start's drift hint must print in 20 of 20 runs (it was lost in 2 of 7: it fired when
// cycle 1 *started* and looked the target group up before that cycle had created it). The full
// quick start builds six systems and takes seconds, so this runs the hint logic itself
// (src/demo/quickstart-hint.ts, what the quick start calls) 20 times against the real daemon on
// the suite's moto, each run from a world where the target group does not exist yet, with a
// 200 ms interval: every run must print the hint exactly once, with the ARN moto holds, after the
// first cycle has finished, and not again after the next cycle. test/e2e/quickstart.test.ts runs
// the whole quick start once.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateVpcCommand } from '@aws-sdk/client-ec2';
import { DeleteTargetGroupCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { printDriftHintAfterFirstCycle } from '../../src/demo/quickstart-hint.js';
import { startDaemon } from '../../src/controller/daemon.js';
import { resolveRunConfig } from '../../src/controller/run-config.js';
import { motoUrl } from '../support/moto-test-context.js';
import { waitFor } from './daemon-process.js';

const RUNS = 20;
const TG = 'hint-users-tg';
let clients: TestClients;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  // the daemon's SDK clients read the endpoint from the environment, as under npm start
  Object.assign(process.env, { AWS_ENDPOINT_URL: motoUrl(), AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', LOG_LEVEL: 'silent' });
  const vpc = (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId;
  dir = await mkdtemp(join(tmpdir(), 'hint-'));
  await writeFile(
    join(dir, 'tg.yaml'),
    `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: ${TG} }\nspec: { vpcId: ${vpc}, protocol: HTTP, port: 5000, targetType: instance, healthCheck: { path: /ping } }\n`,
  );
});

afterAll(() => {
  clients.destroy();
  process.env = saved;
});

async function liveArn(): Promise<string | undefined> {
  try {
    return (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [TG] }))).TargetGroups?.[0]?.TargetGroupArn;
  } catch {
    return undefined; // TargetGroupNotFound
  }
}

describe('the quick start drift hint', () => {
  it(`prints once, after the first cycle has finished, in ${RUNS} of ${RUNS} runs`, async () => {
    let missingWhenCycleOneStarted = 0;
    const printedRuns: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const config = resolveRunConfig({ source: dir, interval: '200ms', port: '0', bind: '127.0.0.1' }, {});
      const said: string[] = [];
      let cyclesEndedAtPrint = -1;
      const ended = { n: 0 };
      const daemon = await startDaemon(config, {});
      daemon.loop.onCycleEnd((n) => {
        ended.n = n;
      });
      // what the old hint looked up when cycle 1 had only started
      if ((await liveArn()) === undefined) missingWhenCycleOneStarted += 1;
      const printed = printDriftHintAfterFirstCycle(daemon, {
        endpoint: motoUrl(),
        targetGroup: TG,
        say: (line) => {
          if (cyclesEndedAtPrint < 0) cyclesEndedAtPrint = ended.n;
          said.push(line);
        },
        lookupArn: async () => liveArn(),
      });
      await Promise.race([printed, new Promise((_, reject) => setTimeout(() => reject(new Error(`run ${run}: no hint within 10 s`)), 10_000))]);
      // one more cycle: the hint must not come again
      const after = ended.n;
      await waitFor(() => ended.n > after, 5_000);
      await daemon.shutdown('test');

      const arn = await liveArn();
      expect(arn, `run ${run}`).toMatch(/^arn:aws:elasticloadbalancing:/);
      expect(cyclesEndedAtPrint, `run ${run}: printed before a cycle had finished`).toBeGreaterThanOrEqual(1);
      expect(said, `run ${run}`).toEqual([
        '',
        'watching: 1 resource in sync',
        "Make a drift behind the controller's back (another terminal), and watch it get corrected:",
        '  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \\',
        `  aws --endpoint-url ${motoUrl()} elbv2 modify-target-group \\`,
        `    --target-group-arn ${arn} --health-check-path /hacked`,
      ]);
      printedRuns.push(run);
      await clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    }
    expect(printedRuns).toHaveLength(RUNS);
    // the world reproduces the old failure: a lookup when cycle 1 started found no target group
    expect(missingWhenCycleOneStarted).toBeGreaterThan(0);
  }, 120_000);
});
