// Conflicts reach Slack once per incident (issue 11 item 1): opened once, quiet while the same
// conflict stays, reminded after --realert, resolved once, kept across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import type { SlackMessage } from '../../src/notify/slack-sender.js';

const HOUR = 3_600_000;
const SHA = '0123456789abcdef0123456789abcdef01234567';
const RULE = 'ListenerRule/users-api';
const HELD =
  'ListenerRule/users-api: priority 100 on listener web-alb:80 is held by rule arn:rule/1 (not managed by ecs-reconciler; path /handmade* -> fixed-response 200); declared: path /users* -> forward users-tg';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function model(stateFile?: string) {
  const sent: SlackMessage[] = [];
  const clock = { now: Date.parse('2025-03-01T00:00:00Z') };
  const incidents = new DriftIncidents({ notify: (m) => sent.push(m), now: () => clock.now, stateFile, realertMs: 6 * HOUR });
  const cycle = (conflicts: { id: string; message: string }[], declared = [RULE, 'Service/api']) =>
    incidents.observeConflicts({ revision: SHA, conflicts, declared }).map((d) => d.type);
  return { incidents, sent, clock, cycle };
}

describe('conflict incidents', () => {
  it('one message when a conflict appears, none while it stays, one when it is gone', () => {
    const { sent, cycle } = model();
    expect(cycle([{ id: RULE, message: HELD }])).toEqual(['opened']);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('Conflict on `ListenerRule/users-api`');
    // escaped for Slack (&gt; shows as >): the text read from AWS cannot format the message
    expect(sent[0]!.text).toContain('/handmade* -&gt; fixed-response 200');
    expect(sent[0]!.text).toContain('declared: path /users* -&gt; forward users-tg');
    expect(sent[0]!.text).toContain('0123456789ab');
    for (let i = 0; i < 5; i += 1) expect(cycle([{ id: RULE, message: HELD }])).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(cycle([])).toEqual(['resolved']);
    expect(sent[1]!.text).toContain('Conflict resolved on `ListenerRule/users-api`');
    expect(cycle([])).toEqual([]);
  });

  it('another conflict on the same resource is a new incident; several conflicts of one resource are one', () => {
    const { sent, cycle } = model();
    expect(cycle([{ id: RULE, message: HELD }, { id: RULE, message: 'second' }])).toEqual(['opened']);
    expect(sent[0]!.text).toContain('; second');
    expect(cycle([{ id: RULE, message: 'other holder' }])).toEqual(['replaced', 'opened']);
    expect(sent).toHaveLength(2);
  });

  it('re-announces an open conflict at most every --realert', () => {
    const { sent, clock, cycle } = model();
    cycle([{ id: RULE, message: HELD }]);
    clock.now += 5 * HOUR;
    expect(cycle([{ id: RULE, message: HELD }])).toEqual([]);
    clock.now += HOUR;
    expect(cycle([{ id: RULE, message: HELD }])).toEqual(['reminded']);
    expect(sent[1]!.text).toContain('Conflict still open');
    expect(cycle([{ id: RULE, message: HELD }])).toEqual([]);
  });

  it('closes the incident of a resource no longer declared without a message', () => {
    const { sent, cycle } = model();
    cycle([{ id: RULE, message: HELD }]);
    expect(cycle([], ['Service/api'])).toEqual(['forgotten']);
    expect(sent).toHaveLength(1);
  });

  it('does not repeat an open conflict after a restart with the state file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conflicts-'));
    dirs.push(dir);
    const file = join(dir, 'incidents.json');
    const first = model(file);
    first.cycle([{ id: RULE, message: HELD }]);
    const second = model(file);
    expect(second.incidents.openConflicts().map((c) => c.id)).toEqual([RULE]);
    expect(second.cycle([{ id: RULE, message: HELD }])).toEqual([]);
    expect(second.sent).toEqual([]);
  });
});
