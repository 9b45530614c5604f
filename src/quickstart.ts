// `npm start`: the controller's main job on the built-in default. Starts moto server on a free
// loopback port as the AWS endpoint, builds there the pre-existing world that desired/ refers to
// (VPCs, security groups, load balancers, clusters, as the seed guides built them by hand),
// renders desired/ with moto's ids in place of the placeholder ids, and runs the daemon on it
// with a short interval and pretty logs. Prints how to make a drift with the aws CLI once the
// first cycle has finished (quickstart-hint.ts). `npm start -- --port N --no-color`.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Command } from 'commander';
import { createTestClients } from './demo/aws-demo-clients.js';
import { findMotoPython } from './demo/moto-python.js';
import { startMotoServer, type MotoServer } from './demo/moto-server.js';
import { printDriftHintAfterFirstCycle } from './demo/quickstart-hint.js';
import { buildDesiredDirWorld, DESIRED_DIR, renderDesired } from './demo/worlds/seed-systems.js';
import { startDaemon } from './controller/daemon.js';
import { resolveRunConfig, type RunConfig } from './controller/run-config.js';
import { portProblem } from './server/port-check.js';

const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** The target group the printed drift command changes (flask-react's, in desired/). */
const HINT_TARGET_GROUP = 'flask-react-users-tg';

interface QuickstartOptions {
  port?: string;
  color: boolean;
}

function parseArgs(argv: readonly string[]): QuickstartOptions {
  return new Command('npm start --')
    .description('the quick start: moto server as AWS, desired/ as the source, the daemon with pretty logs')
    .option('--port <port>', 'HTTP port of the controller (/status /metrics /healthz) [env ECS_RECONCILER_PORT, default 8080]')
    .option('--no-color', 'no colours in the logs (also: NO_COLOR set)')
    .parse(argv)
    .opts<QuickstartOptions>();
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

async function renderAll(ids: Record<string, string>): Promise<string> {
  const files = (await readdir(DESIRED_DIR)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const out = join(await mkdtemp(join(tmpdir(), 'ecs-reconciler-quickstart-')), 'desired');
  await renderDesired(files.map((f) => join(DESIRED_DIR, f)), ids, out);
  return out;
}

async function lookupTargetGroupArn(endpoint: string, name: string): Promise<string | undefined> {
  const clients = createTestClients(endpoint);
  try {
    return (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups?.[0]?.TargetGroupArn;
  } finally {
    clients.destroy();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  // the SDK's notice about Node 22 (from 2027) would interleave with the quick start's output
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!options.color) process.env.NO_COLOR = '1';
  let config: RunConfig;
  try {
    config = resolveRunConfig(
      {
        interval: process.env.ECS_RECONCILER_INTERVAL ?? '10s',
        logFormat: process.env.ECS_RECONCILER_LOG_FORMAT ?? 'pretty',
        ...(options.port === undefined ? {} : { port: options.port }),
      },
      process.env,
    );
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  // a busy port is found before moto starts and the world is built, not a minute later
  const busy = await portProblem(config.port, config.host);
  if (busy !== undefined) fail(busy);
  const python = findMotoPython();
  if ('error' in python) fail(`the quick start needs moto server as its AWS endpoint: ${python.error}`);
  say('ecs-reconciler quick start: moto server as AWS, desired/ as the source');
  let moto: MotoServer | undefined;
  try {
    moto = await startMotoServer({ python: python.python });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
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
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  try {
    daemon = await startDaemon({ ...config, source });
  } catch (error) {
    // the port taken meanwhile: one line, and moto does not outlive the quick start
    await moto.stop();
    fail(error instanceof Error ? error.message : String(error));
  }
  say(`  controller: ${daemon.server.url}/status  /metrics  /healthz`);
  const endpoint = moto.url;
  void printDriftHintAfterFirstCycle(daemon, { endpoint, targetGroup: HINT_TARGET_GROUP, say, lookupArn: (name) => lookupTargetGroupArn(endpoint, name) });

  // Ctrl-C reaches this process twice under npm (from the terminal, and forwarded by npm): every
  // one after the first is ignored while the daemon stops, so the exit code stays 0
  const stop = (signal: string): void => {
    void daemon.shutdown(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await daemon.done;
  await moto.stop();
  process.exit(code);
}

await main();
