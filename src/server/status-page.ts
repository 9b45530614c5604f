// GET /: the /status document as one server-rendered HTML page for people. No script at all
// (the Content-Security-Policy forbids it), a meta refresh every few seconds, every value
// escaped. It reads the same snapshot as /status, so the two never disagree.
import { escapeHtml as h } from './html-escape.js';
import type { CycleStatus, ResourceState, StatusDocument } from './controller-status.js';
import { RESOURCE_STATES } from './controller-status.js';

/** How often the browser reloads the page (meta refresh). */
export const STATUS_PAGE_REFRESH_SECONDS = 5;

/** No script, no frames, nothing fetched but the page itself (the icon is inline). */
export const STATUS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STATE_LABEL: Record<ResourceState, string> = {
  'in-sync': 'in sync',
  drifted: 'drifted',
  pending: 'pending',
  failed: 'failed',
  'observe-only': 'observe only',
  'rolling-out': 'rolling out',
  'rollout-failed': 'rollout failed',
  'rolled-back': 'rolled back',
};

const STATE_MEANING: Record<ResourceState, string> = {
  'in-sync': 'AWS equals the files',
  drifted: 'changed behind our back, not corrected (--dry-run)',
  pending: 'a change is planned and not yet made: skipped this cycle, or revokes held back without --prune',
  failed: 'the last write failed; the next cycle retries',
  'observe-only': 'differs, reported only (policy observe)',
  'rolling-out': 'an ECS deployment of ours is under way',
  'rollout-failed': 'the deployment failed; the spec hash is held until a new commit or a retry',
  'rolled-back': 'the circuit breaker went back to the previous revision; held until a new commit or a retry',
};

/** `42 s`, `3 min 4 s`, `2 h 5 min`, `3 d 4 h` */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h ${m % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const shortRevision = (r: string): string => (/^[0-9a-f]{40}$/.test(r) ? r.slice(0, 12) : r);
const badge = (state: ResourceState): string => `<span class="badge ${h(state)}">${h(STATE_LABEL[state])}</span>`;

function since(iso: string | undefined, now: number): string {
  if (iso === undefined) return '';
  return `${formatAge(now - Date.parse(iso))} ago`;
}

function header(doc: StatusDocument, now: number): string {
  const last = doc.lastCycle;
  const lastLine = last
    ? `last cycle <b class="result ${h(last.result ?? '')}">${h(last.result ?? 'unknown')}</b> ${h(since(last.finishedAt, now))}`
    : 'no cycle has finished yet';
  return `<header>
<h1>ecs-reconciler</h1>
<p class="meta">revision in force <code title="${h(doc.revision ?? '')}">${h(doc.revision === null ? 'none yet' : shortRevision(doc.revision))}</code>
· source <code>${h(doc.source ?? 'unknown')}</code> · ${lastLine} · ${h(doc.cycles)} cycles</p>
<p class="counts">${RESOURCE_STATES.map((s) => `${badge(s)} ${h(doc.counts[s])}`).join(' ')}</p>
</header>`;
}

function invalidRevision(doc: StatusDocument): string {
  const inv = doc.invalidRevision;
  if (inv === null) return '';
  const errors = inv.errors.map((e) => `<li><code>${h(`${e.file}:${e.line}:${e.col}`)}</code> ${h(e.message)}</li>`).join('\n');
  return `<section class="invalid" id="invalid-revision">
<h2>Newer revision <code>${h(shortRevision(inv.revision))}</code> is invalid: not applied</h2>
<p>The revision in force stays ${doc.revision === null ? '(none yet)' : `<code>${h(shortRevision(doc.revision))}</code>`} until a valid one is pushed. ${h(inv.errors.length)} error(s):</p>
<ul>${errors}</ul>
</section>`;
}

function incidents(doc: StatusDocument, now: number): string {
  if (doc.driftIncidents.length === 0) return '<section id="drift"><h2>Open drift incidents</h2><p class="none">None.</p></section>';
  const rows = doc.driftIncidents.flatMap((i) => {
    const outcome = i.observeOnly ? 'reported only' : i.corrected ? 'corrected, waiting to be seen in sync' : `not corrected${i.error ? `: ${i.error}` : ''}`;
    return i.fields.map(
      (f, n) => `<tr>${n === 0 ? `<td rowspan="${i.fields.length}"><b>${h(i.id)}</b></td>` : ''}<td><code>${h(f.path)}</code></td><td><code>${h(f.live)}</code></td><td><code>${h(f.desired)}</code></td>${
        n === 0 ? `<td rowspan="${i.fields.length}" title="${h(i.openedAt)}">${h(formatAge(now - Date.parse(i.openedAt)))}</td><td rowspan="${i.fields.length}">${h(outcome)}</td>` : ''
      }</tr>`,
    );
  });
  return `<section id="drift"><h2>Open drift incidents (${h(doc.driftIncidents.length)})</h2>
<table><thead><tr><th>resource</th><th>field</th><th>live</th><th>desired</th><th>age</th><th>outcome</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function next(doc: StatusDocument, now: number): string {
  const when = doc.runningCycle
    ? `A cycle is running (started ${h(since(doc.runningCycle.startedAt, now))}).`
    : doc.nextCycleAt
      ? `Next cycle in ${h(formatAge(Date.parse(doc.nextCycleAt) - now))} (<span title="${h(doc.nextCycleAt)}">${h(doc.nextCycleAt.slice(11, 19))} UTC</span>).`
      : 'Next cycle not scheduled yet.';
  const items = doc.nextActions.map((a) => `<li><b>${h(a.id)}</b>: ${h(a.action)}${a.detail ? ` <span class="detail">${h(a.detail)}</span>` : ''}</li>`);
  const what = items.length === 0 ? '<p class="none">Nothing to do: every resource is in sync.</p>' : `<ul>${items.join('\n')}</ul>`;
  return `<section id="next"><h2>Next</h2><p>${when}</p>${what}</section>`;
}

function resources(doc: StatusDocument): string {
  if (doc.resources.length === 0) return '<section id="resources"><h2>Resources</h2><p class="none">No resource reconciled yet.</p></section>';
  const rows = doc.resources.map(
    (r) => `<tr class="${h(r.state)}"><td>${badge(r.state)}</td><td><b>${h(r.id)}</b></td><td>${h(r.detail ?? '')}</td><td class="arn">${h(r.arn ?? '')}</td></tr>`,
  );
  return `<section id="resources"><h2>Resources (${h(doc.resources.length)})</h2>
<table><thead><tr><th>state</th><th>resource</th><th>detail</th><th>ARN</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

function cycleRow(c: CycleStatus, now: number): string {
  return `<tr><td title="${h(c.finishedAt ?? '')}">${h(since(c.finishedAt, now))}</td><td class="result ${h(c.result ?? '')}">${h(c.result ?? '')}</td><td>${h(
    c.durationMs === undefined ? '' : `${c.durationMs} ms`,
  )}</td><td>${h(c.awsCalls ?? '')}</td><td>${h(c.writes ?? '')}</td><td>${h(c.error ?? '')}</td></tr>`;
}

function cycles(doc: StatusDocument, now: number): string {
  if (doc.recentCycles.length === 0) return '<section id="cycles"><h2>Last cycles</h2><p class="none">No cycle has finished yet.</p></section>';
  return `<section id="cycles"><h2>Last cycles</h2>
<table><thead><tr><th>finished</th><th>result</th><th>duration</th><th>AWS calls</th><th>writes</th><th>error</th></tr></thead>
<tbody>${doc.recentCycles.map((c) => cycleRow(c, now)).join('\n')}</tbody></table></section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;padding:1rem 1.5rem;color:#1d2125;background:#f6f7f9}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.4rem 0 .5rem}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#eceef1;padding:0 .25em;border-radius:3px;word-break:break-all}
.meta{color:#4a525a;margin:.2rem 0}.counts{margin:.5rem 0}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 0 0 1px #dde1e5}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #e6e9ec;vertical-align:top}
th{background:#eef0f3;font-weight:600;font-size:.85rem}
.arn{font-size:.78rem;color:#5c656e;word-break:break-all;max-width:30rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600;white-space:nowrap}
.badge.in-sync{background:#dcf5e3;color:#17602f}.badge.drifted{background:#ffe2cc;color:#8a3b00}
.badge.pending{background:#dde9ff;color:#1f4aa8}.badge.failed{background:#ffd9d9;color:#9b1111}
.badge.observe-only{background:#fff3c4;color:#6d5300}
.result.success{color:#17602f}.result.partial{color:#8a3b00}.result.failed,.result.timeout{color:#9b1111}
.invalid{background:#fff0f0;border:1px solid #f2b8b8;padding:.2rem 1rem;margin-top:1rem}
.detail{color:#4a525a}.none{color:#5c656e}
footer{margin-top:1.5rem;color:#5c656e;font-size:.8rem}
`;

export function renderStatusPage(doc: StatusDocument): string {
  const now = Date.parse(doc.generatedAt);
  const attention = doc.counts.drifted + doc.counts.failed + doc.counts['observe-only'] + doc.counts.pending;
  const title = `${attention === 0 ? 'in sync' : `${attention} need attention`} · ecs-reconciler`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${STATUS_PAGE_REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${header(doc, now)}
${invalidRevision(doc)}
${incidents(doc, now)}
${next(doc, now)}
${resources(doc)}
${cycles(doc, now)}
<footer>
<p>States: ${RESOURCE_STATES.map((s) => `${badge(s)} ${h(STATE_MEANING[s])}`).join('; ')}.</p>
<p>Generated ${h(doc.generatedAt)}; reloads every ${STATUS_PAGE_REFRESH_SECONDS} s. The same data as JSON: <a href="/status">/status</a>.</p>
</footer>
</body>
</html>
`;
}
