// `npm run bench [-- scale|soak] [options]`: runs the scale benchmark and/or the daemon soak,
// prints the Markdown tables, writes bench/out/<name>.json and .md, exits 1 when a "must hold"
// fails. Options: --size issue|fifth|smoke, --latency <ms>, --steady <n>, --drifts <n>, --seed <n>,
// --quotas 40/10,200/50 (ELBv2 describe+account buckets, one run each), --calibrate <n> (steady
// cycles straight to moto, to show moto's own time; 0 = skip), --soak-cycles <n>,
// --soak-interval <ms>. BENCH_CONTROLLER_NODE_OPTIONS=... passes node flags to the controller
// processes only (e.g. --max-old-space-size=128, to compare a heap cap).
// `npm run bench -- targets [--size issue|fifth|smoke] [--steady 5]`: issue 16's 3 targets x 500 services
// against one target (bench/targets.ts), never part of `all`.
// `npm run bench -- fault-soak [--minutes 30] [--trickle-every 300] [--trickle-seconds 20]
// [--drift-every 60]`: the issue-11 fault soak (bench/fault-soak.ts), never part of `all`.
// `npm run bench -- events [--size issue|fifth|smoke] [--edits 20] [--resync 600] [--events-wait 20]`:
// issue 17's events at scale (bench/events-scale.ts, ~13 min at the issue size), never part of `all`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BucketSize } from './aws-buckets.js';
import { REPO_ROOT } from './controller-process.js';
import { scaleMarkdown } from './scale-report.js';
import { runScaleBench } from './scale.js';
import { FIFTH_SIZE, ISSUE_SIZE, SMOKE_SIZE, type ScaleSize } from './scale-inventory.js';
import { runSoak, soakMarkdown } from './soak.js';
import { importScaleMarkdown, runImportScale } from './import-scale.js';
import { faultSoakMarkdown, runFaultSoak } from './fault-soak.js';
import { runEventsBench } from './events-scale.js';
import { eventsMarkdown } from './events-summary.js';
import { runTargetsBench, targetsMarkdown } from './targets.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string', default: 'issue' },
    latency: { type: 'string', default: '50' },
    steady: { type: 'string', default: '20' },
    drifts: { type: 'string', default: '50' },
    seed: { type: 'string', default: '42' },
    quotas: { type: 'string', default: '40/10,200/50' },
    calibrate: { type: 'string', default: '3' },
    'soak-cycles': { type: 'string', default: '500' },
    'soak-interval': { type: 'string', default: '50' },
    minutes: { type: 'string', default: '30' },
    'trickle-every': { type: 'string', default: '300' },
    'trickle-seconds': { type: 'string', default: '20' },
    'drift-every': { type: 'string', default: '60' },
    edits: { type: 'string', default: '20' },
    resync: { type: 'string', default: '600' },
    'events-wait': { type: 'string', default: '20' },
  },
});

function int(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a whole number, got "${raw}"`);
  return n;
}

function quotas(raw: string): BucketSize[] {
  return raw.split(',').map((q) => {
    const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(q.trim());
    if (!m) throw new Error(`--quotas: "${q}" is not <burst>/<per-second>`);
    return { capacity: Number(m[1]), refillPerSecond: Number(m[2]) };
  });
}

/** --size issue (the default), fifth (a bucket-bound cold apply in ~1 min) or smoke */
function sizeOf(raw: string | undefined): ScaleSize {
  const sizes: Record<string, ScaleSize> = { issue: ISSUE_SIZE, fifth: FIFTH_SIZE, smoke: SMOKE_SIZE };
  const size = sizes[raw ?? 'issue'];
  if (size === undefined) throw new Error(`--size: expected issue, fifth or smoke, got "${raw}"`);
  return size;
}

const which = positionals[0] ?? 'all';
if (!['all', 'scale', 'soak', 'import', 'fault-soak', 'events', 'targets'].includes(which)) {
  process.stderr.write(`unknown benchmark "${which}": use scale, soak, import, fault-soak, events, targets or all\n`);
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const outDir = join(REPO_ROOT, 'bench', 'out');
await mkdir(outDir, { recursive: true });
const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};
let ok = true;

if (which === 'all' || which === 'scale') {
  const size = sizeOf(values.size);
  const report = await runScaleBench({
    size,
    latencyMs: int('latency', values.latency),
    steadyCycles: int('steady', values.steady),
    drifts: int('drifts', values.drifts),
    seed: int('seed', values.seed),
    elbv2Quotas: quotas(values.quotas ?? ''),
    calibrationCycles: int('calibrate', values.calibrate),
    workDir: join(outDir, 'scale-work'),
    log,
  });
  const md = scaleMarkdown(report);
  await writeFile(join(outDir, 'scale.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'scale.md'), md);
  process.stdout.write(`${md}\n`);
  ok &&= report.ok;
}

if (which === 'all' || which === 'soak') {
  const report = await runSoak({ cycles: int('soak-cycles', values['soak-cycles']), intervalMs: int('soak-interval', values['soak-interval']), log });
  const md = soakMarkdown(report);
  await writeFile(join(outDir, 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'soak.md'), md);
  process.stdout.write(`${md}\n`);
  ok &&= report.ok;
}

if (which === 'import') {
  // issue 18: import of the 500-service world must take under 30 s at 50 ms latency and plan empty
  const latencyMs = int('latency', values.latency);
  const report = await runImportScale({ size: values.size === 'smoke' ? SMOKE_SIZE : ISSUE_SIZE, latencyMs, outDir: join(outDir, `import-work-${Date.now()}`), log });
  const md = importScaleMarkdown(report, latencyMs);
  await writeFile(join(outDir, 'import.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'import.md'), md);
  process.stdout.write(`${md}\n`);
  ok &&= report.importWrites === 0 && report.validateExit === 0 && report.planExit === 0 && report.planChanges === 0 && report.importSeconds < 30;
}

if (which === 'targets') {
  // issue 16: 3 targets x 500 services in one process against one target (bench/targets.ts)
  const report = await runTargetsBench({
    size: sizeOf(values.size),
    latencyMs: int('latency', values.latency),
    steadyCycles: values.steady === '20' ? 5 : int('steady', values.steady),
    workDir: join(outDir, `targets-work-${Date.now()}`),
    log,
  });
  const md = targetsMarkdown(report);
  await writeFile(join(outDir, 'targets.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'targets.md'), md);
  process.stdout.write(`${md}\n`);
  ok &&= report.ok;
}

if (which === 'fault-soak') {
  const report = await runFaultSoak({
    minutes: int('minutes', values.minutes),
    intervalMs: 1_000,
    throttle: 0.3,
    error500: 0.05,
    trickleEverySec: int('trickle-every', values['trickle-every']),
    trickleSec: int('trickle-seconds', values['trickle-seconds']),
    trickleByteMs: 1_000,
    driftEverySec: int('drift-every', values['drift-every']),
    seed: int('seed', values.seed),
    log,
  });
  const md = faultSoakMarkdown(report);
  await writeFile(join(outDir, 'fault-soak.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'fault-soak.md'), md);
  process.stdout.write(`${md}\n`);
  ok &&= report.ok;
}

if (which === 'events') {
  const report = await runEventsBench({
    size: sizeOf(values.size),
    latencyMs: int('latency', values.latency),
    edits: int('edits', values.edits),
    resyncMs: int('resync', values.resync) * 1000,
    intervalMs: 60_000,
    waitSeconds: int('events-wait', values['events-wait']),
    workDir: join(outDir, 'events-work'),
    log,
  });
  const md = eventsMarkdown(report);
  await writeFile(join(outDir, 'events.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'events.md'), md);
  process.stdout.write(`${md}\n`);
  ok &&= report.ok;
}

log(ok ? 'every must-hold passed; reports in bench/out/' : 'some must-hold FAILED: see the tables above and bench/out/*.json');
process.exit(ok ? 0 : 1);
