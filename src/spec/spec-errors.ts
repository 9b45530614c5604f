// Validation errors: the stable codes, constructors and ordering shared by every spec stage.
import type { SourcePos, SpecError } from './types.js';

/** Every code a SpecError can carry. Stable: tests, CI bots and docs match on them. */
export const SPEC_ERROR_CODES = {
  // files
  notFound: 'fs.not-found',
  readFailed: 'fs.read',
  tooLarge: 'fs.too-large',
  binary: 'fs.binary',
  encoding: 'fs.encoding',
  noResources: 'fs.no-resources',
  // YAML
  yamlSyntax: 'yaml.syntax',
  tabIndent: 'yaml.tab-indent',
  duplicateKey: 'yaml.duplicate-key',
  aliasLimit: 'yaml.alias-limit',
  emptyFile: 'yaml.empty-file',
  notMapping: 'yaml.not-mapping',
  // schema
  unknownField: 'schema.unknown-field',
  required: 'schema.required',
  type: 'schema.type',
  enum: 'schema.enum',
  apiVersion: 'schema.api-version',
  pattern: 'schema.pattern',
  range: 'schema.range',
  length: 'schema.length',
  items: 'schema.items',
  properties: 'schema.properties',
  oneOf: 'schema.one-of',
  invalid: 'schema.invalid',
  // cross-document
  duplicateResource: 'identity.duplicate',
  targetGroupRef: 'ref.target-group',
  ignorePath: 'metadata.ignore-path',
  allowReplace: 'metadata.allow-replace',
  reservedTag: 'tags.reserved',
  tgName: 'target-group.name',
  tgHealthCheckTiming: 'target-group.health-check-timing',
  tgHealthCheckPort: 'target-group.health-check-port',
  tgMatcher: 'target-group.matcher',
  tgAttribute: 'target-group.attribute',
  listenerCertificate: 'listener.certificate',
  listenerDuplicate: 'listener.duplicate',
  rulePriority: 'listener-rule.priority-conflict',
  ruleConditionLimit: 'listener-rule.condition-limit',
  forwardDuplicate: 'forward.duplicate-target-group',
  forwardStickiness: 'forward.stickiness',
  forwardVpc: 'forward.vpc',
  ruleHostHeaderName: 'listener-rule.http-header-host',
  listenerAlpn: 'listener.alpn-policy',
  nlbListenerAction: 'listener.nlb-action',
  nlbRule: 'listener-rule.nlb-listener',
  forwardProtocol: 'forward.protocol',
  ruleActionOrder: 'listener-rule.action-order',
  authenticateListener: 'listener-rule.authenticate-listener',
  literalSecret: 'listener-rule.literal-secret',
  tgProtocolVersion: 'target-group.protocol-version',
  tgHealthCheckProtocol: 'target-group.health-check-protocol',
  sgDuplicateGroup: 'security-group.duplicate-group',
  sgDuplicateRule: 'security-group.duplicate-rule',
  sgPortAndRange: 'security-group.port-and-range',
  sgPortRange: 'security-group.port-range',
  sgPortsMissing: 'security-group.ports-missing',
  sgAllPorts: 'security-group.all-ports',
  sgIcmp: 'security-group.icmp',
  cidrNotCanonical: 'cidr.not-canonical',
  cidrInvalid: 'cidr.invalid',
  lbContainer: 'service.lb-container',
  lbContainerPort: 'service.lb-container-port',
  lbTargetType: 'service.lb-target-type',
  awsvpcNetwork: 'service.awsvpc-network',
  networkWithoutAwsvpc: 'service.network-mode',
  publicIpOnEc2: 'service.public-ip',
  fargateNetworkMode: 'service.fargate-network-mode',
  fargateTaskSize: 'service.fargate-task-size',
  taskSize: 'service.task-size',
  containerResources: 'service.container-resources',
  containerMemory: 'service.container-memory',
  duplicateContainer: 'service.duplicate-container',
  duplicatePortMapping: 'service.duplicate-port',
  portRange: 'service.port-range',
  hostPort: 'service.host-port',
  noEssential: 'service.no-essential',
  envAndSecret: 'service.env-secret-clash',
  containerHealthCheck: 'service.container-health-check',
  gracePeriod: 'service.grace-period',
  sharedFamily: 'service.shared-family',
  launchTypeAndProviders: 'service.launch-type-and-providers',
  capacityProviders: 'service.capacity-providers',
  fargateUnsupported: 'service.fargate-unsupported',
  duplicateVolume: 'service.duplicate-volume',
  unknownVolume: 'service.unknown-volume',
  unknownContainer: 'service.unknown-container',
  dependsOn: 'service.depends-on',
  imageReference: 'service.image-reference',
  logsTwice: 'service.logs-twice',
  firelens: 'service.firelens',
  serviceConnectPort: 'service.service-connect-port',
  // values files (issue 16)
  valuesFile: 'values.file',
  // variables and lookups (issue 16)
  variableUnset: 'variables.unset',
  variableSyntax: 'variables.syntax',
  variableInSecret: 'variables.in-secret',
  lookupShape: 'lookup.shape',
  // shared ownership and scaling (issue 15)
  scalableTargetService: 'scalable-target.service',
  scalableTargetDuplicate: 'scalable-target.duplicate-service',
  scalableTargetCapacity: 'scalable-target.capacity',
  scalableTargetMetric: 'scalable-target.metric',
  scalableTargetDuplicateName: 'scalable-target.duplicate-name',
  imageSource: 'service.image-source',
} as const;

export type SpecErrorCode = (typeof SPEC_ERROR_CODES)[keyof typeof SPEC_ERROR_CODES];

/** An error about a whole file: reported at its first line. */
export function fileError(file: string, code: SpecErrorCode, message: string): SpecError {
  return { file, line: 1, col: 1, code, message };
}

/** An error about the path the user gave (missing, empty directory): line/col 0, no position. */
export function targetError(path: string, code: SpecErrorCode, message: string): SpecError {
  return { file: path, line: 0, col: 0, code, message };
}

export function errorAt(pos: SourcePos, code: SpecErrorCode, message: string, kindName?: string): SpecError {
  const err: SpecError = { file: pos.file, line: pos.line, col: pos.col, code, message };
  if (kindName !== undefined) err.kindName = kindName;
  return err;
}

/** By file, then line, then column; stable for equal positions. */
export function sortErrors(errors: readonly SpecError[]): SpecError[] {
  return [...errors].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col,
  );
}

/** Drops exact repeats (same place, same message). */
export function dedupeErrors(errors: readonly SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.file}\0${e.line}\0${e.col}\0${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `"80"`, `12`, `true`, `a mapping`, `a list`, `nothing`: how a value is named in messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(truncate(value, 60))}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  return `${typeof value} ${String(value)}`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `a, b or c` */
export function listWords(words: readonly string[], last = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}

// ---------- "did you mean ...?": the nearest valid name by edit distance ----------

/** Edit distance with adjacent transpositions (optimal string alignment): each edit costs 1. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a typo:
 * a case-insensitive match, or at most a third of the longer name's letters changed.
 */
export function nearestName(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** `; did you mean 'x'?` or `; expected one of a, b, c` (or '' with no candidates). */
export function suggestionSuffix(input: string, candidates: readonly string[]): string {
  const near = nearestName(input, candidates);
  if (near !== undefined) return `; did you mean '${near}'?`;
  if (candidates.length === 0) return '';
  return `; expected one of ${candidates.join(', ')}`;
}
