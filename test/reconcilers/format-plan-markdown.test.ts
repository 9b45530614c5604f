// `plan --format markdown`: the pull-request comment. Summary line first, one collapsed section
// per changed resource with DRIFT in its title, conflicts open, nothing from the files or AWS able
// to inject markup.
import { describe, expect, it } from 'vitest';
import { formatPlanMarkdown } from '../../src/reconcilers/format-plan-markdown.js';
import { planAll } from '../../src/reconcilers/plan.js';
import type { Plan } from '../../src/reconcilers/types.js';
import { OWNER, desiredState, liveState, liveTargetGroupOf, ours, targetGroup, tgChange } from './fixtures.js';

const usersTg = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } });

function driftedPlan(): Plan {
  // live health-check path changed behind our back: the spec-hash tag still equals the files' hash
  const live = liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash));
  const changed = { ...live, healthCheck: { ...live.healthCheck, path: '/hacked' } };
  return planAll(desiredState({ targetGroups: [usersTg, targetGroup('client-tg')] }), liveState({ targetGroups: [changed] }), { prune: false, ownerId: OWNER });
}

describe('formatPlanMarkdown', () => {
  it('starts with the summary line and gives each change a collapsed section, drift marked', () => {
    expect(formatPlanMarkdown(driftedPlan())).toBe(
      [
        '**Plan: 1 to create, 1 to update, 0 to replace, 0 to delete, 0 to tag; 1 drifted.**',
        '',
        "⚠️ 1 resource was changed in AWS behind the controller's back (DRIFT).",
        '',
        '<details><summary><code>~ update</code> <code>TargetGroup/users-tg</code> ⚠️ <b>DRIFT</b></summary>',
        '',
        '```text',
        '~ update TargetGroup/users-tg DRIFT',
        '    healthCheck.path: "/hacked" -> "/ping"',
        '```',
        '',
        '</details>',
        '',
        '<details><summary><code>+ create</code> <code>TargetGroup/client-tg</code></summary>',
        '',
        '```text',
        '+ create TargetGroup/client-tg',
        '```',
        '',
        '</details>',
      ].join('\n'),
    );
  });

  it('says there is nothing to do in one line', () => {
    const plan = planAll(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash))] }), { prune: false, ownerId: OWNER });
    expect(formatPlanMarkdown(plan)).toBe('**No changes. AWS matches the desired state.**');
  });

  it('counts adoption tags as changes, in the summary and as a section', () => {
    const plan = planAll(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [liveTargetGroupOf(usersTg)] }), { prune: false, ownerId: OWNER });
    const text = formatPlanMarkdown(plan);
    expect(text.split('\n')[0]).toBe('**Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 1 to tag; 0 drifted.**');
    expect(text).toContain('<summary><code>~ tag</code> <code>TargetGroup/users-tg</code> (adopt)</summary>');
  });

  it('escapes what comes from the files or AWS: no HTML in titles, no fence a value can close', () => {
    const evil = { ...tgChange('x', 'delete'), id: 'TargetGroup/<img src=x onerror=alert(1)>', reason: 'tagged ```\n</details><script>' };
    const conflict = { id: 'ListenerRule/r', message: 'held by <b>someone</b> ````' };
    const text = formatPlanMarkdown({ changes: [evil], conflicts: [conflict] });
    // raw only inside code blocks, where GitHub shows it as text
    const titles = text.split('\n').filter((l) => l.startsWith('<details'));
    expect(titles).toHaveLength(2);
    for (const t of titles) expect(t).not.toMatch(/<img|<b>someone/);
    expect(text).toContain('<code>TargetGroup/&lt;img src=x onerror=alert(1)&gt;</code>');
    // the reason holds a ``` run: its block is fenced with 4 backticks, the conflict's (````) with 5
    expect(text).toMatch(/\n````text\n- delete TargetGroup\/<img[^\n]*: tagged ```\n<\/details><script>\n````\n/);
    expect(text).toMatch(/<details open><summary>⛔ 1 conflict \(nothing is written for these resources\)<\/summary>\n\n`````text\nheld by <b>someone<\/b> ````\n`````/);
  });
});
