// `ecs-reconciler import`: read live AWS by selector and write desired YAML that plans empty.
// Only reads: no AWS write is made (the fault-proxy test counts them). Exit 0 written, 1 on a
// bad selector, nothing found, a file that exists already, or an AWS failure.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createAwsClients } from '../aws/clients.js';
import { importLive, type ImportRequest } from '../controller/import.js';
import type { ImportSelection, SelectionTag } from '../reconcilers/shared/export-hook.js';
import { processOutput, type Output } from './cli-output.js';
import { reportAwsFailure } from './aws-failure.js';
import { renderSystem } from './import-yaml.js';

export interface ImportCommandOptions {
  cluster?: string[];
  service?: string[];
  loadBalancer?: string[];
  securityGroup?: string[];
  allFromTags?: string[];
  out?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The request, or the one line that says what is wrong with the flags. */
export function importRequest(options: ImportCommandOptions): ImportRequest | string {
  const clusters = options.cluster ?? [];
  const services = options.service ?? [];
  if (services.length > 0 && clusters.length !== 1) return '--service needs exactly one --cluster (the cluster the services run in)';
  const tags: SelectionTag[] = [];
  for (const spec of options.allFromTags ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) return `--all-from-tags ${JSON.stringify(spec)}: give key=value, e.g. --all-from-tags team=payments`;
    tags.push({ key: spec.slice(0, eq), value: spec.slice(eq + 1) });
  }
  const selection: ImportSelection = {
    clusters: clusters.map((cluster) => ({ cluster, services })),
    loadBalancers: options.loadBalancer ?? [],
    securityGroups: options.securityGroup ?? [],
    targetGroups: [],
  };
  const empty = selection.clusters.length + selection.loadBalancers.length + selection.securityGroups.length + tags.length === 0;
  if (empty) return 'nothing selected: give --cluster C [--service S...], --load-balancer NAME, --security-group sg-...|name or --all-from-tags key=value';
  return { selection, tags };
}

export async function runImport(options: ImportCommandOptions, output: Output = processOutput): Promise<number> {
  const request = importRequest(options);
  if (typeof request === 'string') {
    output.err(`error: ${request}`);
    return 1;
  }
  const clients = createAwsClients();
  try {
    const started = Date.now();
    const { systems, passes } = await importLive(clients, request);
    const count = systems.reduce((n, s) => n + s.documents.length, 0);
    if (count === 0) {
      output.err('error: the selection found nothing: check the names (and the region, AWS_REGION)');
      return 1;
    }
    for (const s of systems) for (const d of s.documents) for (const w of d.warnings) output.err(`warning: ${d.kind}/${d.name}: ${w}`);
    const files = systems.map((s) => ({ system: s, path: join(options.out ?? '.', `${s.name}.yaml`) }));
    if (options.out !== undefined) {
      const existing = files.filter((f) => existsSync(f.path)).map((f) => f.path);
      if (existing.length > 0) {
        output.err(`error: ${existing.join(', ')} exist already: nothing was written; remove them or choose another --out`);
        return 1;
      }
      mkdirSync(options.out, { recursive: true });
      for (const f of files) writeFileSync(f.path, renderSystem(f.system, f.path));
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (options.json === true) {
      const summary = files.map((f) => ({ file: f.path, documents: f.system.documents.map((d) => ({ kind: d.kind, name: d.name, warnings: d.warnings })) }));
      output.out(JSON.stringify({ ok: true, written: options.out !== undefined, passes, seconds: Number(seconds), files: summary }, null, 2));
    } else if (options.out === undefined) {
      output.out(files.map((f) => `# ---- ${f.path}\n${renderSystem(f.system, f.path)}`).join('---\n'));
    } else {
      for (const f of files) output.out(`wrote ${f.path}: ${f.system.documents.length} documents`);
      output.out(`Imported ${count} resources into ${files.length} file(s) in ${seconds}s; run plan ${options.out} (adoption tags only), then apply`);
    }
    return 0;
  } catch (error) {
    return reportAwsFailure(error, options.json === true, output);
  } finally {
    clients.destroy();
  }
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('read live AWS and write desired YAML that plans empty (reads only; never writes to AWS)')
    .option('--cluster <name>', 'the services of this ECS cluster (repeatable)', collect)
    .option('--service <name>', 'only this service of the one --cluster (repeatable)', collect)
    .option('--load-balancer <name>', "this ALB's listeners, their rules and the target groups they forward to (repeatable)", collect)
    .option('--security-group <id|name>', 'the ingress rules of this security group (repeatable)', collect)
    .option('--all-from-tags <key=value>', 'everything carrying this tag: load balancers (as --load-balancer), target groups, services, security groups (repeatable)', collect)
    .option('--out <dir>', 'write one file per system into this directory (default: print to stdout)')
    .option('--json', 'print a JSON summary for machines')
    .action(async (options: ImportCommandOptions) => {
      process.exitCode = await runImport(options);
    });
}
