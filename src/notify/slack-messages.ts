// The text of every Slack message the controller sends. Values come already redacted where
// the desired state marks them secret (`(secret)`); the sender scrubs credentials again. Every
// value from the files, git or AWS goes through t() (slack-escape.ts): it cannot mention,
// link or add lines. Titles stay plain (they go to logs); foldMessages escapes them.
import { slackText as t } from './slack-escape.js';
import type { SlackMessage } from './slack-sender.js';

/** One drifted field, its values already rendered by src/log/render-value.ts. */
export interface DriftFieldView {
  path: string;
  live: string;
  desired: string;
}

export interface IncidentView {
  /** `Kind/name` */
  id: string;
  arn?: string;
  fields: DriftFieldView[];
  revision: string;
  corrected: boolean;
  observeOnly: boolean;
  /** why a correction failed */
  error?: string;
  /** who made the change and how (--events-queue) */
  author?: string;
  /** ms since epoch */
  openedAt: number;
}

export interface RolloutItem {
  /** `Kind/name` */
  id: string;
  action: string;
  diffs?: { path: string }[];
}

export interface InvalidRevisionError {
  file: string;
  line: number;
  col: number;
  message: string;
}

const MAX_LINES = 15;

/** Short form of a revision for people: 12 characters of a SHA, content hashes as they are. */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 12) : revision;
}

function capped(lines: string[], noun: string): string[] {
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `• …and ${lines.length - MAX_LINES} more ${noun}`];
}

function resourceLabel(view: { id: string; arn?: string }): string {
  return view.arn ? `\`${t(view.id)}\` (${t(view.arn)})` : `\`${t(view.id)}\``;
}

function fieldLines(fields: DriftFieldView[]): string[] {
  return capped(
    fields.map((f) => `• \`${t(f.path)}\`: live \`${t(f.live)}\` → desired \`${t(f.desired)}\``),
    'fields',
  );
}

function outcome(view: IncidentView): string {
  if (view.corrected) return 'Corrected: the desired values were written back.';
  if (view.observeOnly) return 'Not corrected: the resource policy is `observe` (report only).';
  return `Not corrected: ${view.error === undefined ? 'the correction failed' : t(view.error)}. It is retried every cycle.`;
}

export function driftOpenedMessage(view: IncidentView): SlackMessage {
  const icon = view.corrected ? ':wrench:' : view.observeOnly ? ':eyes:' : ':x:';
  const head = `${icon} *Drift on ${resourceLabel(view)}*: changed outside ecs-reconciler (desired state at commit \`${t(shortRevision(view.revision))}\`)`;
  const author = view.author === undefined ? [] : [t(view.author[0]?.toUpperCase() + view.author.slice(1))];
  return { text: [head, ...author, ...fieldLines(view.fields), outcome(view)].join('\n'), title: `drift on ${view.id}` };
}

export function driftReminderMessage(view: IncidentView, now: number): SlackMessage {
  const hours = Math.max(1, Math.round((now - view.openedAt) / 3_600_000));
  const head = `:hourglass: *Drift still open on ${resourceLabel(view)}* since ${new Date(view.openedAt).toISOString()} (${hours} h), commit \`${t(shortRevision(view.revision))}\``;
  return { text: [head, ...fieldLines(view.fields), outcome(view)].join('\n'), title: `drift still open on ${view.id}` };
}

export function driftResolvedMessage(view: { id: string; arn?: string }, revision: string): SlackMessage {
  return {
    text: `:white_check_mark: *Drift resolved on ${resourceLabel(view)}*: live matches the desired state at commit \`${t(shortRevision(revision))}\` again.`,
    title: `drift resolved on ${view.id}`,
  };
}

const ACTION_MARK: Record<string, string> = { create: '+', update: '~', replace: '-/+', delete: '-' };

export function rolloutMessage(revision: string, items: readonly RolloutItem[], subject?: string): SlackMessage {
  const lines = items.map((c) => {
    const paths = c.diffs && c.diffs.length > 0 ? `: ${c.diffs.map((d) => t(d.path)).slice(0, 5).join(', ')}${c.diffs.length > 5 ? ', …' : ''}` : '';
    return `• ${ACTION_MARK[c.action] ?? t(c.action)} ${t(c.action)} \`${t(c.id)}\`${paths}`;
  });
  const head = `:rocket: *Rolled out commit \`${t(shortRevision(revision))}\`*${subject ? ` (${t(subject)})` : ''}: ${items.length} change${items.length === 1 ? '' : 's'}`;
  return { text: [head, ...capped(lines, 'changes')].join('\n'), title: `rollout of ${shortRevision(revision)}` };
}

export function invalidRevisionMessage(revision: string, errors: readonly InvalidRevisionError[], inForce?: string): SlackMessage {
  const lines = errors.map((e) => `• ${t(e.file)}:${t(e.line)}:${t(e.col)}: ${t(e.message)}`);
  const kept = inForce ? `; commit \`${t(shortRevision(inForce))}\` stays in force` : '; nothing has been applied yet';
  const head = `:no_entry: *Commit \`${t(shortRevision(revision))}\` is invalid and was not applied*${kept}. Fix it with a new commit:`;
  return { text: [head, ...capped(lines, 'errors')].join('\n'), title: `invalid commit ${shortRevision(revision)}` };
}

/** Longest conflict text a Slack message shows (the planner's messages name both sides; a few hundred characters). */
const CONFLICT_MAX = 600;

/** The planner's message names a hand-made rule's values read from AWS: escaped like every such value. */
function conflictText(message: string): string {
  return t(message.length <= CONFLICT_MAX ? message : `${message.slice(0, CONFLICT_MAX - 1)}…`);
}

export interface ConflictView {
  /** `Kind/name` */
  id: string;
  message: string;
  revision: string;
  /** ms since epoch */
  openedAt: number;
}

export function conflictOpenedMessage(view: ConflictView): SlackMessage {
  const head = `:no_entry: *Conflict on \`${t(view.id)}\`*: nothing is written for it until the conflict is resolved (desired state at commit \`${t(shortRevision(view.revision))}\`)`;
  return { text: [head, `• ${conflictText(view.message)}`].join('\n'), title: `conflict on ${view.id}` };
}

export function conflictReminderMessage(view: ConflictView, now: number): SlackMessage {
  const hours = Math.max(1, Math.round((now - view.openedAt) / 3_600_000));
  const head = `:hourglass: *Conflict still open on \`${t(view.id)}\`* since ${new Date(view.openedAt).toISOString()} (${hours} h), commit \`${shortRevision(view.revision)}\``;
  return { text: [head, `• ${conflictText(view.message)}`].join('\n'), title: `conflict still open on ${view.id}` };
}

export function conflictResolvedMessage(view: ConflictView, revision: string): SlackMessage {
  return {
    text: `:white_check_mark: *Conflict resolved on \`${t(view.id)}\`*: it is reconciled again from commit \`${shortRevision(revision)}\`.`,
    title: `conflict resolved on ${view.id}`,
  };
}

export interface RolloutFailureView {
  /** `Kind/name` */
  id: string;
  arn?: string;
  revision: string;
  reason: string;
  stoppedReason?: string;
  rolledBackTo?: string;
}

export function rolloutFailedMessage(view: RolloutFailureView): SlackMessage {
  const what = view.rolledBackTo === undefined ? 'failed' : `failed and was rolled back to \`${t(view.rolledBackTo)}\``;
  const lines = [
    `:x: *Rollout of commit \`${t(shortRevision(view.revision))}\` ${what}* on ${resourceLabel(view)}`,
    `• ECS: ${t(view.reason)}`,
    ...(view.stoppedReason === undefined ? [] : [`• first failing task: ${t(view.stoppedReason)}`]),
    'This spec is held: it is not deployed again until a new commit changes it, or `apply --retry-failed` / `POST /retry` asks.',
  ];
  return { text: lines.join('\n'), title: `rollout failed on ${view.id}` };
}

export function rolloutResolvedMessage(view: { id: string; arn?: string }, revision: string): SlackMessage {
  return {
    text: `:white_check_mark: *Rollout completed on ${resourceLabel(view)}*: commit \`${t(shortRevision(revision))}\` is deployed; the failed rollout is resolved.`,
    title: `rollout resolved on ${view.id}`,
  };
}

export function rolloutCompletedMessage(view: { id: string; arn?: string }, revision: string): SlackMessage {
  return {
    text: `:rocket: *Rollout completed on ${resourceLabel(view)}*: commit \`${t(shortRevision(revision))}\` is deployed.`,
    title: `rollout completed on ${view.id}`,
  };
}
