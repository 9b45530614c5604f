// `plan --format markdown`: the plan as a pull-request comment. The summary line comes first (it
// is what a reviewer reads), then one collapsed <details> section per resource that would change,
// DRIFT marked in its title, and conflicts in an open section. The section bodies are the text
// format's lines in a code block, so the two formats never disagree on what a change is.
// Every value from the files or AWS is either HTML-escaped (titles) or inside a code fence longer
// than any backtick run it contains: a file or a tag cannot inject markup into the comment.
import { detailLines, plainHeadline, summarisePlan, summaryLines, isTagOnlyChange } from './format-plan.js';
import type { Change, Plan } from './types.js';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A fenced block whose fence no line of `lines` can close. */
function codeBlock(lines: readonly string[]): string[] {
  const longestRun = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [`${fence}text`, ...lines, fence];
}

const MARKS: Record<Exclude<Change['action'], 'noop'>, string> = { create: '+', update: '~', replace: '-/+', delete: '-' };

function sectionTitle(c: Change): string {
  const verb = isTagOnlyChange(c) ? 'tag' : c.action;
  let title = `<code>${escapeHtml(`${MARKS[c.action as Exclude<Change['action'], 'noop'>]} ${verb}`)}</code> <code>${escapeHtml(c.id)}</code>`;
  if (c.cause === 'drift') title += ' ⚠️ <b>DRIFT</b>';
  else if (c.cause !== 'create' && c.cause !== 'none') title += ` (${escapeHtml(c.cause)})`;
  if (c.policy === 'observe') title += ' (observe only)';
  return title;
}

function section(title: string, body: readonly string[], open = false): string[] {
  return [`<details${open ? ' open' : ''}><summary>${title}</summary>`, '', ...codeBlock(body), '', '</details>'];
}

export function formatPlanMarkdown(plan: Plan): string {
  const [headline, ...qualifiers] = summaryLines(plan);
  const lines: string[] = [`**${headline ?? ''}**`];
  for (const q of qualifiers) lines.push('', q);
  const drifted = summarisePlan(plan).drifted;
  if (drifted > 0) lines.push('', `⚠️ ${drifted} ${drifted === 1 ? 'resource was' : 'resources were'} changed in AWS behind the controller's back (DRIFT).`);
  for (const c of plan.changes) {
    if (c.action === 'noop') continue;
    lines.push('', ...section(sectionTitle(c), [plainHeadline(c), ...detailLines(c)]));
  }
  if (plan.conflicts.length > 0) {
    const title = `⛔ ${plan.conflicts.length} ${plan.conflicts.length === 1 ? 'conflict' : 'conflicts'} (nothing is written for these resources)`;
    lines.push('', ...section(title, plan.conflicts.map((c) => c.message), true));
  }
  return lines.join('\n');
}
