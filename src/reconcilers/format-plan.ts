// One formatter for the plan, shared by `plan`, dry runs and the daemon's logs:
// `+ create`, `~ update` with `    field: live -> desired` lines, `-/+ replace`, `- delete`,
// a DRIFT marker, `(observe only)`, conflicts, and a summary line. Plus a stable JSON shape.
// Secret env values are already `(secret)` in the diffs (see task-definition.ts).
import { renderValue } from '../log/render-value.js';
import { reconcilerOf, rolloutStatusOf } from './registry.js';
import type { Change, ChangeOf, FieldDiff, Plan } from './types.js';
import type { Kind } from '../spec/types.js';

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  noop: number;
  /** changes whose cause is drift (live changed behind our back) */
  drifted: number;
  /** updates that only write our ownership tags (no field differs) */
  tagOnly: number;
  /** changes under `policy: observe` (reported, never applied) */
  observeOnly: number;
  conflicts: number;
}

/** An update with no field differences: only our tags need writing (adoption or a new spec hash). */
export function isTagOnlyChange(change: Change): boolean {
  return change.action === 'update' && change.diffs.length === 0;
}

/** Something differs (create, update with diffs, replace, delete). Tag-only updates and noops do not count. */
export function isRealChange(change: Change): boolean {
  return change.action !== 'noop' && !isTagOnlyChange(change);
}

/** True when applying would change AWS beyond tagging. */
export function planHasFieldChanges(plan: Plan): boolean {
  return plan.changes.some(isRealChange);
}

/**
 * True when applying would write anything, adoption tags included: the next apply writes them,
 * so `plan --detailed-exitcode` exits 2 (a plan that said "No changes" and then wrote would lie).
 */
export function planHasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => c.action !== 'noop');
}

export function summarisePlan(plan: Plan): PlanSummary {
  const s: PlanSummary = { create: 0, update: 0, replace: 0, delete: 0, noop: 0, drifted: 0, tagOnly: 0, observeOnly: 0, conflicts: plan.conflicts.length };
  for (const c of plan.changes) {
    if (c.action === 'noop') s.noop += 1;
    else if (isTagOnlyChange(c)) s.tagOnly += 1;
    else {
      s[c.action] += 1;
      if (c.cause === 'drift') s.drifted += 1;
      if (c.policy === 'observe') s.observeOnly += 1;
    }
  }
  return s;
}

const ANSI = { green: '32', yellow: '33', red: '31', magenta: '35', bold: '1', dim: '2' } as const;

function painter(color: boolean): (code: keyof typeof ANSI, text: string) => string {
  return (code, text) => (color ? `\u001b[${ANSI[code]}m${text}\u001b[0m` : text);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function headline(c: Change, paint: ReturnType<typeof painter>): string {
  const marks: Record<Exclude<Change['action'], 'noop'>, [string, keyof typeof ANSI]> = {
    create: ['+', 'green'],
    update: ['~', 'yellow'],
    replace: ['-/+', 'magenta'],
    delete: ['-', 'red'],
  };
  const [mark, colour] = marks[c.action as Exclude<Change['action'], 'noop'>];
  const verb = isTagOnlyChange(c) ? 'tag' : c.action;
  let line = `${paint(colour, `${mark} ${verb}`)} ${c.id}`;
  if (c.cause === 'drift') line += ` ${paint('red', paint('bold', 'DRIFT'))}`;
  else if (c.cause !== 'create' && c.cause !== 'none') line += ` (${c.cause})`;
  if (c.policy === 'observe') line += ' (observe only)';
  if (c.reason !== undefined) line += `: ${c.reason}`;
  return line;
}

function diffLine(d: FieldDiff): string {
  return `    ${d.path}: ${renderValue(d.live)} -> ${renderValue(d.desired)}`;
}

function kindDetailLines<K extends Kind>(c: ChangeOf<K>): string[] {
  return reconcilerOf(c.kind as K).detailLines?.(c) ?? [];
}

export function detailLines(c: Change): string[] {
  return [...c.diffs.map(diffLine), ...kindDetailLines(c)];
}

/** A change's first line without colour (`~ update ListenerRule/users-api DRIFT`), for the markdown format. */
export function plainHeadline(c: Change): string {
  return headline(c, painter(false));
}

function kindJson<K extends Kind>(c: ChangeOf<K>): Record<string, unknown> {
  return reconcilerOf(c.kind as K).planJson?.(c) ?? {};
}

/** `Plan: 1 to create, 0 to update, 0 to replace, 0 to delete, 2 to tag; 1 drifted.` or `No changes. ...` */
export function summaryHeadline(plan: Plan): string {
  const s = summarisePlan(plan);
  if (planHasChanges(plan)) {
    return `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete, ${s.tagOnly} to tag; ${s.drifted} drifted.`;
  }
  return s.conflicts === 0 ? 'No changes. AWS matches the desired state.' : 'No changes can be applied until the conflicts above are resolved.';
}

/** The summary line, then what qualifies it (observe-only, tags, conflicts); shared with the markdown format. */
export function summaryLines(plan: Plan): string[] {
  const s = summarisePlan(plan);
  const lines = [summaryHeadline(plan)];
  if (s.observeOnly > 0) lines.push(`${plural(s.observeOnly, 'change')} under policy observe: reported, never applied.`);
  if (s.tagOnly > 0) lines.push(`${plural(s.tagOnly, 'resource')} to tag as managed by ecs-reconciler (no field changes; the next apply writes the tags).`);
  if (s.conflicts > 0 && planHasChanges(plan)) {
    lines.push(`${plural(s.conflicts, 'conflict')} ${s.conflicts === 1 ? 'blocks its resource' : 'block their resources'} (see above); the other changes are independent.`);
  }
  return lines;
}

export function formatPlan(plan: Plan, opts: { color?: boolean } = {}): string {
  const paint = painter(opts.color === true);
  const lines: string[] = [];
  for (const c of plan.changes) {
    if (c.action === 'noop') continue;
    lines.push(headline(c, paint), ...detailLines(c));
  }
  // the last rollout of these failed: their spec hash is held (not deployed again) until the files change
  const held = plan.changes.filter((c) => c.action === 'noop' && isFailedRollout(rolloutStatusOf(c, false)?.state));
  if (held.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(paint('red', 'Failed rollouts (held: not deployed again until the files change, or apply --retry-failed):'));
    for (const c of held) lines.push(`  ! ${c.id}  ${rolloutStatusOf(c, false)?.state ?? ''}: ${rolloutStatusOf(c, false)?.detail ?? ''}`);
  }
  if (plan.conflicts.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(paint('red', 'Conflicts (nothing is written for these resources):'));
    for (const conflict of plan.conflicts) lines.push(`  ! ${conflict.message}`);
  }
  if (lines.length > 0) lines.push('');
  lines.push(...summaryLines(plan));
  return lines.join('\n');
}

export interface PlanJsonChange {
  kind: string;
  name: string;
  id: string;
  action: string;
  cause: string;
  policy: string;
  tagOnly: boolean;
  liveId: string | null;
  reason: string | null;
  diffs: { path: string; live: unknown; desired: unknown }[];
  /** Service only */
  registerTaskDefinition?: boolean;
  /** SecurityGroupIngress only: rules as `tcp 80 from cidr 10.0.0.0/24` */
  authorize?: string[];
  revoke?: string[];
}

export interface PlanJson {
  changes: PlanJsonChange[];
  conflicts: { id: string; message: string }[];
  summary: PlanSummary & { hasChanges: boolean; hasFieldChanges: boolean };
}

function jsonValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

/** The plan for machines: no live SDK objects or desired specs (so no secret values), stable shape. */
export function planToJson(plan: Plan): PlanJson {
  const changes = plan.changes.map((c): PlanJsonChange => {
    const out: PlanJsonChange = {
      kind: c.kind,
      name: c.name,
      id: c.id,
      action: c.action,
      cause: c.cause,
      policy: c.policy,
      tagOnly: isTagOnlyChange(c),
      liveId: c.liveId ?? null,
      reason: c.reason ?? null,
      diffs: c.diffs.map((d) => ({ path: d.path, live: jsonValue(d.live), desired: jsonValue(d.desired) })),
    };
    return { ...out, ...kindJson(c) };
  });
  return {
    changes,
    conflicts: plan.conflicts.map((c) => ({ id: c.id, message: c.message })),
    summary: { ...summarisePlan(plan), hasChanges: planHasChanges(plan), hasFieldChanges: planHasFieldChanges(plan) },
  };
}

function isFailedRollout(state: string | undefined): boolean {
  return state === 'rollout-failed' || state === 'rolled-back';
}
