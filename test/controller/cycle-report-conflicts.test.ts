// The daemon's cycle report hands the plan's conflicts to the incident model (issue 11 item 1):
// a conflict reaches Slack once, not every cycle, and its resolution once.
import { describe, expect, it } from 'vitest';
import { reportCycle } from '../../src/controller/cycle-report.js';
import type { ApplyReport } from '../../src/controller/apply-report.js';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import type { SlackMessage } from '../../src/notify/slack-sender.js';
import type { Plan } from '../../src/reconcilers/types.js';
import { desiredState, listenerRule } from '../reconcilers/fixtures.js';

const rule = listenerRule('users-api');
const conflict = { id: rule.id, message: `${rule.id}: priority 100 on listener web-alb:80 is held by rule arn:rule/1 (not managed by ecs-reconciler; path /handmade* -> fixed-response 200); declared: path /users* -> forward users-tg` };
const report: ApplyReport = { dryRun: false, writes: [], outcomes: [], noops: 0, conflicts: [], prune: { requested: false, deletions: 0 }, ok: false };

function deps(sent: SlackMessage[]) {
  const quiet = () => undefined;
  const logger = { info: quiet, warn: quiet, error: quiet, debug: quiet, child: () => logger } as never;
  return {
    logger,
    incidents: new DriftIncidents({ notify: (m) => sent.push(m) }),
    status: { setResources: quiet, setOutlook: quiet } as never,
    metrics: { recordDrift: quiet, setResourceStates: quiet, setRolloutsInProgress: quiet, recordRollout: quiet } as never,
    dryRun: false,
  };
}

describe('reportCycle: conflicts', () => {
  it('sends one Slack message for a conflict seen over several cycles, and one when it is gone', () => {
    const sent: SlackMessage[] = [];
    const d = deps(sent);
    const inForce = { revision: 'r1', state: desiredState({ listenerRules: [rule] }) };
    const blocked: Plan = { changes: [], conflicts: [conflict] };
    for (let i = 0; i < 3; i += 1) reportCycle(d, inForce, blocked, report);
    expect(sent.map((m) => m.title)).toEqual([`conflict on ${rule.id}`]);
    // escaped for Slack (&gt; shows as >): the text read from AWS cannot format the message
    expect(sent[0]!.text).toContain('/handmade* -&gt; fixed-response 200');
    reportCycle(d, inForce, { changes: [], conflicts: [] }, { ...report, ok: true });
    expect(sent.map((m) => m.title)).toEqual([`conflict on ${rule.id}`, `conflict resolved on ${rule.id}`]);
  });
});
