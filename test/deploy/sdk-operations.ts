// Derives the IAM actions the code can call from its source: every AWS SDK v3 command class
// (`DescribeRulesCommand`) and paginator (`paginateDescribeRules`) imported as a value from an
// `@aws-sdk/client-*` package. The operation name is the IAM action name for ECS, ELBv2 and EC2.
// Used by test/deploy/iam-policy.test.ts to hold deploy/iam-policy*.json to the code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** SDK client package -> IAM service prefix. A client missing here fails the scan loudly. */
export const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-application-auto-scaling': 'application-autoscaling',
  '@aws-sdk/client-ssm': 'ssm',
};

/** Aggregated clients (`new ECS().describeServices()`) hide their calls from this scan. */
const AGGREGATED_CLIENTS = new Set(['ECS', 'EC2', 'ElasticLoadBalancingV2']);

/** Waiters poll one describe operation. */
const WAITERS: Record<string, string> = {
  waitUntilServicesStable: 'DescribeServices',
  waitUntilServicesInactive: 'DescribeServices',
  waitUntilTasksRunning: 'DescribeTasks',
  waitUntilTasksStopped: 'DescribeTasks',
  waitUntilLoadBalancerAvailable: 'DescribeLoadBalancers',
  waitUntilLoadBalancerExists: 'DescribeLoadBalancers',
  waitUntilLoadBalancersDeleted: 'DescribeLoadBalancers',
  waitUntilTargetInService: 'DescribeTargetHealth',
  waitUntilTargetDeregistered: 'DescribeTargetHealth',
  waitUntilSecurityGroupExists: 'DescribeSecurityGroups',
};

export interface SdkCall {
  /** IAM action, e.g. `elasticloadbalancing:DescribeRules` */
  action: string;
  /** file relative to the scanned root, and 1-based line of the import */
  file: string;
  line: number;
  /** the imported name that implies it */
  via: string;
}

export interface ScanResult {
  calls: SdkCall[];
  /** problems that make the derived set untrustworthy (unknown client, aggregated client) */
  problems: string[];
}

// import { A, B as C, type D } from '@aws-sdk/client-x'   (not `import type {...}`)
const IMPORT_RE = /import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g;
// const { A, B } = await import('@aws-sdk/client-x'), and
// const [{ A }, client] = await Promise.all([import('@aws-sdk/client-x'), ...]) (a lazy client)
const DYNAMIC_RE = /\{([^{}]*)\}(?:\s*,\s*\w+\s*\])?\s*=\s*await\s+(?:Promise\.all\(\[\s*)?import\(\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]\s*\)/g;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

function importedNames(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('type '))
    .map((s) => s.split(/\s+as\s+/)[0]!.trim());
}

/** The operation an imported value name stands for, or undefined (types, clients, helpers). */
export function operationOf(name: string): string | undefined {
  const command = /^([A-Z][A-Za-z0-9]+)Command$/.exec(name);
  if (command) return command[1];
  const paginator = /^paginate([A-Z][A-Za-z0-9]+)$/.exec(name);
  if (paginator) return paginator[1];
  if (name.startsWith('waitUntil')) return WAITERS[name] ?? `unknown waiter ${name}`;
  return undefined;
}

/** Scan one file's text. `file` is only used in the results. */
export function scanSource(text: string, file: string): ScanResult {
  const calls: SdkCall[] = [];
  const problems: string[] = [];
  const visit = (names: string[], pkg: string, index: number): void => {
    const line = lineOf(text, index);
    const prefix = SERVICE_PREFIX[pkg];
    for (const name of names) {
      if (AGGREGATED_CLIENTS.has(name)) {
        problems.push(
          `${file}:${line} imports the aggregated client ${name} from ${pkg}: use ${name}Client + XxxCommand ` +
            'so test/deploy can derive the IAM actions',
        );
        continue;
      }
      const op = operationOf(name);
      if (op === undefined) continue;
      if (op.startsWith('unknown waiter')) {
        problems.push(`${file}:${line} uses ${name}: add the operation it polls to WAITERS in test/deploy/sdk-operations.ts`);
        continue;
      }
      if (prefix === undefined) {
        problems.push(`${file}:${line} calls ${op} from ${pkg}, which has no IAM prefix in test/deploy/sdk-operations.ts`);
        continue;
      }
      calls.push({ action: `${prefix}:${op}`, file, line, via: name });
    }
  };
  for (const m of text.matchAll(IMPORT_RE)) {
    if (m[1] !== undefined) continue; // import type { ... }
    visit(importedNames(m[2] ?? ''), m[3] ?? '', m.index ?? 0);
  }
  for (const m of text.matchAll(DYNAMIC_RE)) {
    visit(importedNames(m[1] ?? ''), m[2] ?? '', m.index ?? 0);
  }
  return { calls, problems };
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every .ts file under `root`, as `src/...` paths. */
export function sourceFiles(root: string): string[] {
  return tsFiles(root).map((p) => relative(join(root, '..'), p));
}

/**
 * Folders of src/ whose AWS calls never run with the task role: the quick start's demo (it
 * builds a pretend world in a local moto server). Anything else under src/ counts.
 */
export const NOT_RUN_BY_THE_TASK = ['demo'];

/** Scan every .ts file under `root` (src/), except NOT_RUN_BY_THE_TASK. */
export function scanTree(root: string): ScanResult {
  const calls: SdkCall[] = [];
  const problems: string[] = [];
  const skipped = NOT_RUN_BY_THE_TASK.map((dir) => join(root, dir));
  for (const path of tsFiles(root).filter((p) => !skipped.some((dir) => p.startsWith(`${dir}/`)))) {
    const r = scanSource(readFileSync(path, 'utf8'), relative(join(root, '..'), path));
    calls.push(...r.calls);
    problems.push(...r.problems);
  }
  return { calls, problems };
}

/**
 * Actions AWS authorises in addition to the operation itself, for how this code calls it.
 * Tag-on-create: a create call carrying tags is also authorised against the service's tagging
 * action; registering a task definition with roles needs iam:PassRole on them.
 */
export const IMPLIED_ACTIONS: Record<string, { action: string; why: string }[]> = {
  'elasticloadbalancing:CreateTargetGroup': [{ action: 'elasticloadbalancing:AddTags', why: 'created with Tags' }],
  'elasticloadbalancing:CreateListener': [{ action: 'elasticloadbalancing:AddTags', why: 'created with Tags' }],
  'elasticloadbalancing:CreateRule': [{ action: 'elasticloadbalancing:AddTags', why: 'created with Tags' }],
  'ec2:AuthorizeSecurityGroupIngress': [{ action: 'ec2:CreateTags', why: 'TagSpecifications on the new sgr- rules' }],
  'ecs:RegisterTaskDefinition': [
    { action: 'ecs:TagResource', why: 'registered with tags (content hash)' },
    { action: 'iam:PassRole', why: 'executionRoleArn / taskRoleArn' },
  ],
  'ecs:CreateService': [{ action: 'ecs:TagResource', why: 'created with tags' }],
  // https://docs.aws.amazon.com/autoscaling/application/userguide/security_iam_id-based-policy-examples.html
  // (permissions required for API actions on target services and CloudWatch)
  'application-autoscaling:RegisterScalableTarget': [
    { action: 'ecs:DescribeServices', why: 'Application Auto Scaling checks the service as the caller' },
    { action: 'ecs:UpdateService', why: 'Application Auto Scaling checks the service as the caller' },
    { action: 'iam:CreateServiceLinkedRole', why: 'AWSServiceRoleForApplicationAutoScaling_ECSService on first use' },
  ],
  'application-autoscaling:PutScalingPolicy': [
    { action: 'cloudwatch:DescribeAlarms', why: 'target tracking alarms, created as the caller' },
    { action: 'cloudwatch:PutMetricAlarm', why: 'target tracking alarms, created as the caller' },
  ],
  'application-autoscaling:DeleteScalingPolicy': [
    { action: 'cloudwatch:DescribeAlarms', why: 'the policy\'s alarms, deleted as the caller' },
    { action: 'cloudwatch:DeleteAlarms', why: 'the policy\'s alarms, deleted as the caller' },
  ],
};

/** Everything the task role needs: the called operations plus what they imply. */
export function requiredActions(calls: SdkCall[]): Map<string, string[]> {
  const need = new Map<string, string[]>();
  const add = (action: string, where: string): void => {
    const list = need.get(action) ?? [];
    list.push(where);
    need.set(action, list);
  };
  for (const c of calls) {
    add(c.action, `${c.file}:${c.line}`);
    for (const implied of IMPLIED_ACTIONS[c.action] ?? []) add(implied.action, `implied by ${c.action} (${implied.why})`);
  }
  return need;
}

/** Read-only operations: what the observe-only policy grants. */
export function isReadAction(action: string): boolean {
  const op = action.split(':')[1] ?? '';
  return /^(Describe|List|Get)[A-Z]/.test(op);
}
