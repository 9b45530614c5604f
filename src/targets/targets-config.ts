// The controller's config file (`--config`, ECS_RECONCILER_CONFIG): the targets one controller
// reconciles, each an account and region reached through an assumed role, with the directory of
// the source it reconciles and the values file of its `${NAME}` variables. Schema-checked with
// ajv like the desired-state files; every problem is an error at file:line.
import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** One account and region the controller reconciles. */
export interface TargetSpec {
  /** unique; in logs (`target`), Slack, /status, metrics and `--target` */
  name: string;
  /** 12 digits; AssumeRole's answer must be for this account */
  account?: string;
  region: string;
  /** assumed for every call of this target; absent: the controller's own credentials */
  roleArn?: string;
  externalId?: string;
  /** directory inside the source (the directory or the git checkout's --path) holding this target's YAML */
  path: string;
  /** values file inside the source, the `${NAME}` values of this target */
  values?: string;
}

export interface TargetsConfig {
  file: string;
  targets: TargetSpec[];
}

export interface ConfigFileError {
  file: string;
  line: number;
  col: number;
  message: string;
}

export type TargetsConfigResult = { ok: true; config: TargetsConfig } | { ok: false; errors: ConfigFileError[] };

const NAME = '^[a-z0-9][a-z0-9-]{0,62}$';

/** The config file's JSON schema (README: "Many accounts, regions and replicas"). */
export const TARGETS_CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'ecs-reconciler controller config',
  type: 'object',
  additionalProperties: false,
  required: ['targets'],
  properties: {
    targets: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'region', 'path'],
        properties: {
          name: { type: 'string', pattern: NAME, description: 'lower-case letters, digits and dashes' },
          account: { type: 'string', pattern: '^[0-9]{12}$', description: 'the 12-digit account id' },
          region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$', description: 'e.g. eu-west-1' },
          roleArn: { type: 'string', pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$', description: 'arn:aws:iam::<account>:role/<name>' },
          externalId: { type: 'string', minLength: 2, maxLength: 1224 },
          path: { type: 'string', minLength: 1 },
          values: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv2020['compile']> | undefined;

function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv2020({ allErrors: true, strict: true, verbose: true }).compile(TARGETS_CONFIG_SCHEMA);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

/** Where the key `field` of the mapping at `path` is. */
function keyPosition(doc: Document.Parsed, lines: LineCounter, path: (string | number)[], field: string): { line: number; col: number } {
  const map = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as unknown;
  const pair = isMap(map) ? map.items.find((p) => (p.key as { value?: unknown } | null)?.value === field) : undefined;
  const range = (pair?.key as Node | null | undefined)?.range;
  return range ? lines.linePos(range[0]) : position(doc, lines, path);
}

function position(doc: Document.Parsed, lines: LineCounter, path: (string | number)[]): { line: number; col: number } {
  // the deepest node of the path that exists
  for (let n = path.length; n >= 0; n -= 1) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
    if (node?.range) return lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

function describe(e: ErrorObject): string {
  const field = e.instancePath === '' ? 'the config file' : e.instancePath.slice(1).replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
  switch (e.keyword) {
    case 'required':
      return `${field}: missing ${String(e.params.missingProperty)} (a target needs name, region and path)`;
    case 'additionalProperties':
      return `${field}: unknown field ${String(e.params.additionalProperty)}; a target takes name, account, region, roleArn, externalId, path, values`;
    case 'pattern': {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return `${field}: ${JSON.stringify(e.data)} is not valid${description ? ` (${description})` : ''}`;
    }
    default:
      return `${field}: ${e.message ?? 'invalid'}`;
  }
}

/** Parses and checks the config text; `file` names it in errors. */
export function parseTargetsConfig(file: string, text: string): TargetsConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (path: (string | number)[], message: string): ConfigFileError => ({ file, ...position(doc, lines, path), message });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => ({ file, ...lines.linePos(e.pos[0]), message: e.message.split('\n')[0] ?? 'YAML error' })) };
  }
  const value: unknown = doc.toJS();
  const errors = validate(value ?? {}).map((e) => {
    const path = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (e.keyword === 'additionalProperties') return { file, ...keyPosition(doc, lines, path, String(e.params.additionalProperty)), message: describe(e) };
    return at(path, describe(e));
  });
  if (errors.length > 0) return { ok: false, errors };
  const targets = (value as { targets: TargetSpec[] }).targets;
  const seen = new Map<string, number>();
  for (const [i, t] of targets.entries()) {
    const first = seen.get(t.name);
    if (first !== undefined) errors.push(at(['targets', i, 'name'], `targets[${i}].name: "${t.name}" is already the name of targets[${first}]; names must be unique`));
    else seen.set(t.name, i);
    const roleAccount = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(t.roleArn ?? '')?.[1];
    if (roleAccount !== undefined && t.account !== undefined && roleAccount !== t.account) {
      errors.push(at(['targets', i, 'roleArn'], `targets[${i}].roleArn is in account ${roleAccount}, not in the target's account ${t.account}`));
    }
    if (t.externalId !== undefined && t.roleArn === undefined) errors.push(at(['targets', i, 'externalId'], `targets[${i}].externalId needs roleArn (it is sent with AssumeRole)`));
  }
  if (errors.length > 0) return { ok: false, errors };
  if (!isMap(doc.contents) || !isSeq(doc.get('targets', true))) return { ok: false, errors: [at([], 'expected a mapping with targets:')] };
  return { ok: true, config: { file, targets } };
}

export async function readTargetsConfig(file: string): Promise<TargetsConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { ok: false, errors: [{ file, line: 0, col: 0, message: `controller config ${file}: ${reason}; pass --config <path of a YAML file with targets:>` }] };
  }
  return parseTargetsConfig(file, text);
}

export function formatConfigErrors(errors: readonly ConfigFileError[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`).join('\n');
}

/** The target called `name`, or an error naming the ones there are. */
export function findTarget(config: TargetsConfig, name: string): TargetSpec {
  const target = config.targets.find((t) => t.name === name);
  if (target === undefined) throw new Error(`no target "${name}" in ${config.file}; its targets: ${config.targets.map((t) => t.name).join(', ')}`);
  return target;
}
