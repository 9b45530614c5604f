// `node bench/out/build/bench/scale-world-cli.js [--size issue|smoke] [--adopt]`: starts a moto
// server, builds the benchmark's world in it, writes the desired files to bench/out/scale-lab,
// optionally adopts everything (a cold apply straight to moto, no limiter), prints the
// environment to point the CLI at it, and keeps moto up until Ctrl-C. For profiling a cycle
// by hand: `node --cpu-prof dist/cli.js plan bench/out/scale-lab/desired`.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestClients } from '../src/demo/aws-demo-clients.js';
import { startMotoServer } from '../src/demo/moto-server.js';
import { controllerEnv, REPO_ROOT, startController } from './controller-process.js';
import { writeScaleDesired } from './scale-desired.js';
import { buildInventory, ISSUE_SIZE, SMOKE_SIZE } from './scale-inventory.js';
import { buildScaleWorld } from './scale-world.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: 'issue' }, adopt: { type: 'boolean', default: false } } });
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const inv = buildInventory(values.size === 'smoke' ? SMOKE_SIZE : ISSUE_SIZE);
const moto = await startMotoServer();
const clients = createTestClients(moto.url);
const { ids, timing } = await buildScaleWorld(clients, inv);
const dir = join(REPO_ROOT, 'bench', 'out', 'scale-lab', 'desired');
await writeScaleDesired(inv, ids, dir);
process.stderr.write(`world built in ${timing.totalSeconds.toFixed(1)} s; desired files in ${dir}\n`);
if (values.adopt) {
  const apply = startController(['apply', dir], controllerEnv({ endpoint: moto.url, extra: { ECS_RECONCILER_RATE_LIMITS: 'off' } }));
  const done = await apply.exited;
  process.stderr.write(`adopted (apply exit ${done.code}) in ${done.seconds.toFixed(1)} s\n`);
}
process.stdout.write(
  `export AWS_ENDPOINT_URL=${moto.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true\n`,
);
const stop = (): void => {
  clients.destroy();
  void moto.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
