// Validation at scale: loadDesiredState over 2,000 generated documents, plus the hostile inputs
// (YAML alias bomb, 5 MB file). Run: npx tsc -p bench/tsconfig.json && node bench/out/build/bench/validate-bench.js
// (issue 2: 2,000 documents must validate in under 1 s; the bomb must be refused fast, in bounded memory).
// Without bench/tsconfig.json:
//   npx tsc --ignoreConfig --outDir bench/out/validate --rootDir . --module nodenext --moduleResolution nodenext \
//     --target es2022 --strict --skipLibCheck --types node bench/validate-bench.ts && node bench/out/validate/bench/validate-bench.js
// `... validate-bench.js --write <dir>` only writes the corpus, e.g. to time `node dist/cli.js validate <dir>`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const DOCS_PER_KIND = 500;
const FILES = 100;
const RUNS = 5;

const importStart = performance.now();
const { loadDesiredState, summariseState } = await import('../src/spec/load-desired-state.js');
const importMs = performance.now() - importStart;

function documents(): string[] {
  const docs: string[] = [];
  const head = 'apiVersion: ecs-reconciler/v1\n';
  const hex = (i: number): string => i.toString(16).padStart(8, '0');
  for (let i = 0; i < DOCS_PER_KIND; i++) {
    docs.push(`${head}kind: TargetGroup\nmetadata: { name: tg-${i} }\nspec:\n  vpcId: vpc-0f1a5c00${hex(1)}\n  protocol: HTTP\n  port: ${1000 + i}\n  healthCheck: { path: /health, intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, matcher: "200" }\n  attributes: { deregistration_delay.timeout_seconds: "30" }\n  tags: { team: t${i % 7} }\n`);
    docs.push(`${head}kind: ListenerRule\nmetadata: { name: rule-${i} }\nspec:\n  listener: { loadBalancer: alb-${i % 10}, port: 80 }\n  priority: ${i + 1}\n  conditions:\n    pathPatterns: ["/svc-${i}*", "/api/${i}/*"]\n    hostHeaders: [svc-${i}.example.com]\n  action:\n    forward: { targetGroup: tg-${i} }\n`);
    docs.push(`${head}kind: SecurityGroupIngress\nmetadata: { name: sg-${i} }\nspec:\n  groupId: sg-0f1a5c00${hex(i)}\n  rules:\n    - { protocol: tcp, port: ${1000 + i}, source: { securityGroup: sg-0f1a5c00${hex(100000 + i)} }, description: from the alb }\n    - { protocol: tcp, fromPort: 8000, toPort: 8100, source: { cidr: 10.${i % 256}.0.0/16 } }\n`);
    docs.push(`${head}kind: Service\nmetadata: { name: svc-${i} }\nspec:\n  cluster: main\n  desiredCount: 2\n  deployment: { maximumPercent: 200, minimumHealthyPercent: 50 }\n  taskDefinition:\n    family: svc-${i}\n    containers:\n      - name: web\n        image: 123456789012.dkr.ecr.us-east-2.amazonaws.com/svc-${i}:1.${i}\n        memory: 256\n        portMappings: [{ containerPort: ${1000 + i} }]\n        environment: { MODE: production, INDEX: "${i}" }\n        logs: { group: /ecs/svc-${i}, region: us-east-2, streamPrefix: web }\n  loadBalancers:\n    - { targetGroup: tg-${i}, containerName: web, containerPort: ${1000 + i} }\n`);
  }
  return docs;
}

async function writeCorpus(dir: string): Promise<number> {
  const docs = documents();
  const perFile = Math.ceil(docs.length / FILES);
  for (let f = 0; f < FILES; f++) {
    await writeFile(join(dir, `part-${String(f).padStart(3, '0')}.yaml`), docs.slice(f * perFile, (f + 1) * perFile).join('---\n'));
  }
  return docs.length;
}

function aliasBomb(levels: number): string {
  let text = 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i <= levels; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]\n`;
  return text;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

// `--write <dir>`: only write the 2,000-document corpus (to time `node dist/cli.js validate <dir>`)
const writeIndex = process.argv.indexOf('--write');
if (writeIndex !== -1) {
  const target = process.argv[writeIndex + 1] ?? 'bench/out/validate-corpus';
  await import('node:fs/promises').then((fs) => fs.mkdir(target, { recursive: true }));
  console.log(`wrote ${await writeCorpus(target)} documents to ${target}`);
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'ecsr-validate-bench-'));
try {
  const count = await writeCorpus(join(dir));
  const times: number[] = [];
  const cpu: number[] = [];
  let summary = '';
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const result = await loadDesiredState(dir);
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    if (!result.ok) throw new Error(`bench corpus invalid: ${result.errors[0]?.message ?? '?'}`);
    summary = JSON.stringify(summariseState(result.state).byKind);
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores (wall times below include waiting for a core)`);
  console.log(`module load + schema compile: ${importMs.toFixed(0)} ms (once per process)`);
  console.log(`loadDesiredState, ${count} documents in ${FILES} files: first ${times[0]!.toFixed(0)} ms, median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms (${RUNS} runs); process CPU median ${median(cpu).toFixed(0)} ms ${summary}`);

  const bombDir = join(dir, 'bomb');
  await rm(bombDir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(bombDir));
  await writeFile(join(bombDir, 'bomb.yaml'), aliasBomb(20));
  const heapBefore = process.memoryUsage().heapUsed;
  const bombStart = performance.now();
  const bomb = await loadDesiredState(bombDir);
  const bombMs = performance.now() - bombStart;
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    `alias bomb (20 levels, 9^20 strings if expanded): ${bomb.ok ? 'ACCEPTED (bug)' : bomb.errors[0]!.code} in ${bombMs.toFixed(1)} ms, heap +${mib(Math.max(0, heapAfter - heapBefore))} MiB, peak RSS of the whole bench ${mib(process.resourceUsage().maxRSS * 1024)} MiB`,
  );

  const bigDir = join(dir, 'big');
  await import('node:fs/promises').then((fs) => fs.mkdir(bigDir));
  await writeFile(join(bigDir, 'huge.yaml'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
  const bigStart = performance.now();
  const big = await loadDesiredState(bigDir);
  console.log(`5 MB file: ${big.ok ? 'ACCEPTED (bug)' : big.errors[0]!.code} in ${(performance.now() - bigStart).toFixed(1)} ms`);

  const verdict = median(times) < 1000 ? 'PASS' : 'FAIL';
  console.log(`${verdict}: ${count} documents in ${median(times).toFixed(0)} ms (limit 1000 ms)`);
  if (verdict === 'FAIL' || bomb.ok || big.ok) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
