// The daemon's configuration: every flag of `run` also as an environment variable
// (ECS_RECONCILER_<FLAG>), defined once here. The README's configuration table is this list.
import { ReconcilerError } from '../reconciler-error.js';
import { parseEnvVariableNames } from '../spec/variable-sources.js';

export interface RunConfig {
  source: string;
  branch: string | undefined;
  path: string;
  intervalMs: number;
  gitPollMs: number;
  cycleTimeoutMs: number;
  awsTimeoutMs: number;
  stallGraceMs: number;
  port: number;
  host: string;
  logFormat: 'json' | 'pretty';
  ownerId: string;
  prune: boolean;
  maxDeletes: number;
  dryRun: boolean;
  realertMs: number;
  notifyRollouts: boolean;
  stateDir: string | undefined;
  workDir: string | undefined;
  /** stop after this many cycles (0 = run until a signal); for soak tests and one-shot jobs */
  maxCycles: number;
  /** SQS queue URL of CloudTrail API-call events (EventBridge rule -> SQS); none: interval only */
  eventsQueue: string | undefined;
  /** with --events-queue: time between full cycles while events flow */
  resyncMs: number;
  /** with --events-queue: SQS long-poll wait (WaitTimeSeconds) */
  eventsWaitMs: number;
  /** the controller config file listing targets (issue 16); none: one target, the SDK's account and region */
  configFile: string | undefined;
  /** DynamoDB table of the replicas' leases; none: this process reconciles every target */
  leaseTable: string | undefined;
  leaseTtlMs: number;
  leaseRenewMs: number;
  /** this replica's name in the lease table (default: host name, pid and a random suffix) */
  replicaId: string | undefined;
  /** values file for `${NAME}` in the YAML (issue 16) */
  values: string | undefined;
  /** names `${NAME}` may take from the environment */
  envVariables: string[];
}

type Parse = (raw: string, flag: string) => unknown;

export interface OptionDef {
  key: keyof RunConfig;
  flag: string;
  /** placeholder for the value; absent for booleans */
  value?: string;
  env: string;
  default: string | undefined;
  description: string;
  parse: Parse;
  /** an older name of the same option, still accepted (the new name wins) */
  alias?: { flag: string; env: string };
}

export class ConfigError extends ReconcilerError {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super('config.invalid', message);
  }
}

/** `60s`, `2s`, `500ms`, `5m`, `6h`, or a plain number of seconds. */
export function parseDuration(raw: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw);
  if (!m) throw new ConfigError(`${flag}: "${raw}" is not a duration; use e.g. 500ms, 30s, 5m, 6h`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = n * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  if (ms <= 0) throw new ConfigError(`${flag}: must be more than 0, got "${raw}"`);
  return Math.round(ms);
}

function parseInteger(min: number, max: number): Parse {
  return (raw, flag) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${flag}: expected an integer ${min}..${max}, got "${raw}"`);
    return n;
  };
}

export function parseBoolean(raw: string, flag: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off|)$/i.test(raw)) return false;
  throw new ConfigError(`${flag}: expected true or false, got "${raw}"`);
}

const text: Parse = (raw) => raw;
const optionalText: Parse = (raw) => (raw === '' ? undefined : raw);

export const RUN_OPTIONS: OptionDef[] = [
  { key: 'source', flag: '--source', value: '<dir|git-url>', env: 'ECS_RECONCILER_SOURCE', default: 'desired/', description: 'a directory, or a git repository (https://, ssh, file://, or a bare repo path)', parse: text },
  { key: 'branch', flag: '--branch', value: '<name>', env: 'ECS_RECONCILER_BRANCH', default: undefined, description: 'git branch to follow (default main; giving it marks the source as git)', parse: optionalText },
  { key: 'path', flag: '--path', value: '<dir>', env: 'ECS_RECONCILER_PATH', default: '.', description: 'directory inside the git repository holding the YAML', parse: text },
  { key: 'intervalMs', flag: '--interval', value: '<duration>', env: 'ECS_RECONCILER_INTERVAL', default: '60s', description: 'time between reconciles (10 % jitter added)', parse: parseDuration },
  { key: 'gitPollMs', flag: '--git-poll', value: '<duration>', env: 'ECS_RECONCILER_GIT_POLL', default: '60s', description: 'how often the git source is fetched between reconciles', parse: parseDuration },
  { key: 'cycleTimeoutMs', flag: '--cycle-timeout', value: '<duration>', env: 'ECS_RECONCILER_CYCLE_TIMEOUT', default: '5m', description: 'a cycle taking longer is reported as timed out', parse: parseDuration },
  { key: 'awsTimeoutMs', flag: '--aws-timeout', value: '<duration>', env: 'ECS_RECONCILER_AWS_TIMEOUT', default: '10s', description: 'total deadline of one AWS request attempt, answer body included (at most 3 attempts)', parse: parseDuration },
  { key: 'stallGraceMs', flag: '--stall-grace', value: '<duration>', env: 'ECS_RECONCILER_STALL_GRACE', default: '90s', description: '/healthz fails when no cycle finished for 2 intervals + cycle timeout + this', parse: parseDuration },
  { key: 'port', flag: '--port', value: '<port>', env: 'ECS_RECONCILER_PORT', default: '8080', description: 'HTTP port for /healthz /readyz /metrics /status /webhook/git (0 = any free port)', parse: parseInteger(0, 65535) },
  { key: 'host', flag: '--bind', value: '<address>', env: 'ECS_RECONCILER_BIND', default: '0.0.0.0', description: 'address the HTTP server listens on (127.0.0.1: this machine only); --host / ECS_RECONCILER_HOST still work', parse: text, alias: { flag: '--host', env: 'ECS_RECONCILER_HOST' } },
  { key: 'logFormat', flag: '--log-format', value: '<json|pretty>', env: 'ECS_RECONCILER_LOG_FORMAT', default: 'json', description: 'pino JSON lines, or pretty for a terminal (level: LOG_LEVEL)', parse: (raw, flag) => {
    if (raw !== 'json' && raw !== 'pretty') throw new ConfigError(`${flag}: expected json or pretty, got "${raw}"`);
    return raw;
  } },
  { key: 'ownerId', flag: '--owner-id', value: '<id>', env: 'ECS_RECONCILER_OWNER_ID', default: 'ecs-reconciler', description: 'value of the ecs-reconciler/owner tag: which controller owns a resource', parse: text },
  { key: 'prune', flag: '--prune', env: 'ECS_RECONCILER_PRUNE', default: 'false', description: 'delete resources tagged as ours that left the files (guarded by --max-deletes)', parse: parseBoolean },
  { key: 'maxDeletes', flag: '--max-deletes', value: '<n>', env: 'ECS_RECONCILER_MAX_DELETES', default: '5', description: 'refuse a prune that would delete more than this in one cycle', parse: parseInteger(0, 10_000) },
  { key: 'dryRun', flag: '--dry-run', env: 'ECS_RECONCILER_DRY_RUN', default: 'false', description: 'observe and report only; never write to AWS', parse: parseBoolean },
  { key: 'realertMs', flag: '--realert', value: '<duration>', env: 'ECS_RECONCILER_REALERT', default: '6h', description: 'repeat a drift that stays uncorrected at most this often', parse: parseDuration },
  { key: 'notifyRollouts', flag: '--notify-rollouts', env: 'ECS_RECONCILER_NOTIFY_ROLLOUTS', default: 'false', description: 'also send a Slack message when a rollout completes (failed rollouts are always sent)', parse: parseBoolean },
  { key: 'stateDir', flag: '--state-dir', value: '<dir>', env: 'ECS_RECONCILER_STATE_DIR', default: undefined, description: 'where open incidents are kept across restarts (a volume); none: memory only', parse: optionalText },
  { key: 'workDir', flag: '--work-dir', value: '<dir>', env: 'ECS_RECONCILER_WORK_DIR', default: undefined, description: 'where the git source is checked out (default: a temp dir)', parse: optionalText },
  { key: 'eventsQueue', flag: '--events-queue', value: '<sqs-url>', env: 'ECS_RECONCILER_EVENTS_QUEUE', default: undefined, description: 'SQS queue of CloudTrail API-call events (deploy/events-queue.yaml): changes are reconciled within seconds and drift names who made it', parse: optionalText },
  { key: 'resyncMs', flag: '--resync', value: '<duration>', env: 'ECS_RECONCILER_RESYNC', default: '10m', description: 'with --events-queue: time between full cycles while events flow (a quiet or failing queue falls back to --interval)', parse: parseDuration },
  { key: 'eventsWaitMs', flag: '--events-wait', value: '<duration>', env: 'ECS_RECONCILER_EVENTS_WAIT', default: '20s', description: 'with --events-queue: SQS long-poll wait per receive, 0s..20s (whole seconds)', parse: (raw, flag) => {
    const ms = /^\s*0+\s*(s|ms)?\s*$/.test(raw) ? 0 : parseDuration(raw, flag);
    if (ms > 20_000) throw new ConfigError(`${flag}: SQS waits at most 20s, got "${raw}"`);
    return ms;
  } },
  { key: 'configFile', flag: '--config', value: '<file>', env: 'ECS_RECONCILER_CONFIG', default: undefined, description: 'controller config file listing targets (accounts, regions, roles, paths, values files); none: one target with the SDK\'s account and region', parse: optionalText },
  { key: 'leaseTable', flag: '--lease-table', value: '<name>', env: 'ECS_RECONCILER_LEASE_TABLE', default: undefined, description: 'DynamoDB table through which replicas share the targets (one owner per target); none: this process reconciles them all', parse: optionalText },
  { key: 'leaseTtlMs', flag: '--lease-ttl', value: '<duration>', env: 'ECS_RECONCILER_LEASE_TTL', default: '30s', description: 'a lease not renewed for this long may be taken by another replica', parse: parseDuration },
  { key: 'leaseRenewMs', flag: '--lease-renew', value: '<duration>', env: 'ECS_RECONCILER_LEASE_RENEW', default: '5s', description: 'how often leases are renewed and rebalanced; lease TTL must exceed this + --aws-timeout + 2 s', parse: parseDuration },
  { key: 'replicaId', flag: '--replica-id', value: '<id>', env: 'ECS_RECONCILER_REPLICA_ID', default: undefined, description: 'this replica\'s name in the lease table (default: host name, pid, random suffix)', parse: optionalText },
  { key: 'maxCycles', flag: '--max-cycles', value: '<n>', env: 'ECS_RECONCILER_MAX_CYCLES', default: '0', description: 'exit 0 after this many cycles (0 = until SIGTERM/SIGINT)', parse: parseInteger(0, 100_000_000) },
  { key: 'values', flag: '--values', value: '<file>', env: 'ECS_RECONCILER_VALUES', default: undefined, description: 'values file (NAME: value lines) for ${NAME} in the YAML, read at start', parse: optionalText },
  { key: 'envVariables', flag: '--env-variables', value: '<names>', env: 'ECS_RECONCILER_ENV_VARIABLES', default: '', description: 'names (comma separated) ${NAME} may also take from the environment, e.g. IMAGE_TAG', parse: (raw, flag) => {
    const parsed = parseEnvVariableNames(raw, flag);
    if (!parsed.ok) throw new ConfigError(parsed.message);
    return parsed.names;
  } },
];

/** flag values (commander's, as strings/booleans) over env over defaults. */
export function resolveRunConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): RunConfig {
  const out: Record<string, unknown> = {};
  const camel = (flag: string): string => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const def of RUN_OPTIONS) {
    // new name before old name, flag before environment
    const sources: [unknown, string][] = [
      [flags[camel(def.flag)], def.flag],
      [def.alias && flags[camel(def.alias.flag)], def.alias?.flag ?? ''],
      [env[def.env], def.env],
      [def.alias && env[def.alias.env], def.alias?.env ?? ''],
    ];
    const found = sources.find(([v]) => v !== undefined);
    const raw = found ? String(found[0]) : def.default;
    const origin = found ? found[1] : def.flag;
    out[def.key] = raw === undefined ? undefined : def.parse(raw, origin);
  }
  return out as unknown as RunConfig;
}

/** The README table: flag, environment variable, default, meaning. */
export function configurationTable(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const rows = RUN_OPTIONS.map(
    (d) => `| \`${cell(`${d.flag}${d.value ? ` ${d.value}` : ''}`)}\` | \`${d.env}\` | ${d.default === undefined ? '-' : `\`${d.default}\``} | ${cell(d.description)} |`,
  );
  return ['| flag | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
