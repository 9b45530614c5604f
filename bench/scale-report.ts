// The scale benchmark's Markdown: the tables bench/README.md and the issue's closing note show.
import type { Check } from './scale-summary.js';
import type { ScaleReport } from './scale.js';

const s = (ms: number): string => (ms / 1000).toFixed(2);
const n1 = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function checksTable(checks: readonly Check[]): string[] {
  return ['| must hold | result | measured |', '|---|---|---|', ...checks.map((c) => `| ${c.name} | ${c.notApplicable ? 'n/a' : c.ok ? 'PASS' : '**FAIL**'} | ${c.detail} |`)];
}

export function scaleMarkdown(r: ScaleReport): string {
  const out: string[] = [];
  const inv = r.inventory;
  out.push(`### Scale benchmark (${r.startedAt})`);
  out.push('');
  out.push(
    `World: ${inv.services} services in ${inv.clusters} clusters (${inv.taskDefinitionFamilies} task definition families), ${inv.targetGroups} target groups ` +
      `(${inv.targetGroupsWithAttributes} declaring attributes) over ${inv.loadBalancers} ALBs, ${inv.listeners} listeners with ${inv.rules} rules, ` +
      `${inv.securityGroups} security groups with ${inv.ingressRules} ingress rules. Latency ${r.options.latencyMs} ms per call; AWS's published buckets in the proxy. ` +
      `Setup in moto ${r.setup.totalSeconds.toFixed(1)} s; whole run ${(r.totalSeconds / 60).toFixed(1)} min; load average ${r.loadAverage.start.join(' / ')} at the start, ${r.loadAverage.end.join(' / ')} at the end (2 cores).`,
  );
  out.push('');
  const runs = r.runs;
  const head = runs.map((run) => `ELBv2 ${run.elbv2Quota.capacity}/${run.elbv2Quota.refillPerSecond}`);
  out.push('Read calls per steady-state cycle (mean over the cycles) beside the minimum AWS\'s batching limits allow:');
  out.push('');
  out.push(`| call | ${head.join(' | ')} | minimum |`);
  out.push(`|---|${head.map(() => '---:').join('|')}|---:|`);
  const ops = [...new Set(runs.flatMap((run) => run.steady.perOperation.map((o) => o.operation)))].sort();
  for (const op of ops) {
    const cells = runs.map((run) => n1(run.steady.perOperation.find((o) => o.operation === op)?.perCycle ?? 0));
    const min = runs[0]?.steady.perOperation.find((o) => o.operation === op)?.minimum ?? 0;
    out.push(`| ${op} | ${cells.join(' | ')} | ${min} |`);
  }
  out.push(`| **total** | ${runs.map((run) => `**${n1(run.steady.readsPerCycle)}** (${run.steady.readRatio.toFixed(2)}x)`).join(' | ')} | **${runs[0]?.steady.minimumReads ?? 0}** |`);
  out.push('');
  out.push('| | ' + head.join(' | ') + ' |');
  out.push('|---|' + head.map(() => '---:').join('|') + '|');
  const row = (label: string, f: (run: ScaleReport['runs'][number]) => string): void => {
    out.push(`| ${label} | ${runs.map(f).join(' | ')} |`);
  };
  row('first cycle of the process', (run) => `${run.first.label}: ${s(run.first.wallMs)} s, ${run.first.reads} reads, ${Object.values(run.first.writes).reduce((a, b) => a + b, 0)} writes`);
  row('first cycle: time AWS\'s buckets require (at the limiter\'s 90 %)', (run) => `${run.first.bucketSeconds.toFixed(1)} s (${run.first.bucketSecondsAtLimiterShare.toFixed(1)} s)`);
  row('peak RSS of the controller after the first cycle', (run) => `${run.first.peakRssMb} MB`);
  row('steady cycles', (run) => String(run.steady.cycles));
  row('steady wall time p50 / p95', (run) => `${s(run.steady.wallP50Ms)} / ${s(run.steady.wallP95Ms)} s`);
  row('time AWS\'s buckets require per cycle (at 90 %)', (run) => `${run.steady.bucketSeconds.toFixed(2)} s (${run.steady.bucketSecondsAtLimiterShare.toFixed(2)} s), ${run.steady.slowestBucket}`);
  row('latency floor (4 round trips)', (run) => `${run.steady.latencyFloorSeconds.toFixed(2)} s`);
  if (r.motoFloor) {
    const floor = r.motoFloor;
    row('moto alone: steady cycle with no latency, no buckets, limiter off (p50)', () => `${s(floor.p50Ms)} s`);
  }
  row('writes in all steady cycles', (run) => String(run.steady.writes));
  row('throttling errors from the proxy (all cycles)', (run) => String(run.cycles.reduce((a, c) => a + c.throttled, 0)));
  row('failed cycles', (run) => String(run.cycles.filter((c) => c.result !== 'success').length));
  row('peak RSS of the controller (whole run)', (run) => (run.maxRssMb === undefined ? '-' : `${run.maxRssMb} MB`));
  out.push('');
  const drift = runs.find((run) => run.drift)?.drift;
  if (drift) {
    out.push(
      `Drift cycle: ${drift.drifts} drifted fields on ${drift.driftedResources} resources, corrected in one cycle of ${s(drift.wallMs)} s with ` +
        `${Object.entries(drift.actualWrites).map(([k, v]) => `${v} ${k}`).join(', ')} ` +
        `(expected ${Object.entries(drift.expectedWrites).map(([k, v]) => `${v} ${k}`).join(', ')}); the cycle after: ${drift.followUpWrites} writes, ${drift.followUpDrifts} drifts.`,
    );
    out.push('');
  }
  out.push(...checksTable(r.checks));
  out.push('');
  return out.join('\n');
}
