// `npm start`: the controller's main job on the built-in default. Starts moto server on a free
// loopback port as the AWS endpoint, builds there the pre-existing world that desired/ refers to
// (VPCs, security groups, load balancers, clusters, as the seed guides built them by hand),
// renders desired/ with moto's ids in place of the placeholder ids, and runs the daemon on it
// with a short interval and pretty logs. Prints how to make a drift with the aws CLI.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createTestClients } from './demo/aws-demo-clients.js';
import { MOTO_INSTALL_HINT, startMotoServer, type MotoServer } from './demo/moto-server.js';
import { buildDesiredDirWorld, DESIRED_DIR, renderDesired } from './demo/worlds/seed-systems.js';
import { startDaemon } from './controller/daemon.js';
import { resolveRunConfig } from './controller/run-config.js';

const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

function checkPython(): void {
  try {
    execFileSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' });
  } catch {
    process.stderr.write(`error: the quick start needs moto server (python3 -m moto.server) as its AWS endpoint: ${MOTO_INSTALL_HINT}\n`);
    process.exit(1);
  }
}

async function renderAll(ids: Record<string, string>): Promise<string> {
  const files = (await readdir(DESIRED_DIR)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out = join(await mkdtemp(join(tmpdir(), 'ecs-reconciler-quickstart-')), 'desired');
  await renderDesired(files.map((f) => join(DESIRED_DIR, f)), ids, out);
  return out;
}

async function driftHint(endpoint: string): Promise<string[]> {
  const clients = createTestClients(endpoint);
  try {
    const tg = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['flask-react-users-tg'] }))).TargetGroups?.[0];
    if (!tg?.TargetGroupArn) return [];
    return [
      'Make a drift behind the controller\'s back (another terminal), and watch it get corrected:',
      `  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \\`,
      `  aws --endpoint-url ${endpoint} elbv2 modify-target-group \\`,
      `    --target-group-arn ${tg.TargetGroupArn} --health-check-path /hacked`,
    ];
  } catch {
    return [];
  } finally {
    clients.destroy();
  }
}

async function main(): Promise<void> {
  // the SDK's notice about Node 22 (from 2027) would interleave with the quick start's output
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  checkPython();
  say('ecs-reconciler quick start: moto server as AWS, desired/ as the source');
  let moto: MotoServer | undefined;
  try {
    moto = await startMotoServer();
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  say(`  moto server (AWS endpoint): ${moto.url}`);
  const clients = createTestClients(moto.url);
  const ids = await buildDesiredDirWorld(clients);
  clients.destroy();
  const source = await renderAll(ids);
  say(`  built the pre-existing world of the seed systems and of the controller itself (VPCs, groups, ALBs, clusters)`);
  say(`  desired/ rendered with moto's ids into ${source}`);
  say();

  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.url,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  });
  delete process.env.AWS_PROFILE;
  const config = resolveRunConfig(
    { source, interval: process.env.ECS_RECONCILER_INTERVAL ?? '10s', logFormat: process.env.ECS_RECONCILER_LOG_FORMAT ?? 'pretty' },
    process.env,
  );
  const daemon = await startDaemon(config);
  say(`  controller: ${daemon.server.url}/status  /metrics  /healthz`);
  const hintAfterFirstCycle = setInterval(() => {
    if (daemon.loop.cycles < 1) return;
    clearInterval(hintAfterFirstCycle);
    void driftHint(moto.url).then((lines) => lines.forEach((l) => say(l)));
  }, 500);
  hintAfterFirstCycle.unref();

  const stop = (signal: string): void => {
    void daemon.shutdown(signal);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await daemon.done;
  await moto.stop();
  process.exit(code);
}

await main();
