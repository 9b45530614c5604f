// Who made a change reaches the drift incident, the Slack message and /status; /readyz says
// whether events flow or the resync fell back to the interval.
import { describe, expect, it } from 'vitest';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import type { SlackMessage } from '../../src/notify/slack-sender.js';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { UNKNOWN_AUTHOR } from '../../src/events/event-author.js';

const AUTHOR = 'changed by arn:aws:sts::123456789012:assumed-role/Admin/alice via console (signin) at 12:03:11Z, ModifyRule';

describe('the author of a drift', () => {
  it('is on the Slack message and the open incident', () => {
    const sent: SlackMessage[] = [];
    const incidents = new DriftIncidents({ notify: (m) => sent.push(m) });
    incidents.observeCycle({ revision: 'abc', drifts: [], inSync: [] });
    incidents.observeCycle({
      revision: 'abc',
      drifts: [{ id: 'ListenerRule/users', fields: [{ path: 'priority', live: 5, desired: 1 }], corrected: true, observeOnly: false, specHash: 'h', author: AUTHOR }],
      inSync: [],
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text.split('\n')[1]).toBe(`Changed by arn:aws:sts::123456789012:assumed-role/Admin/alice via console (signin) at 12:03:11Z, ModifyRule`);
    expect(incidents.open()[0]?.author).toBe(AUTHOR);
  });

  it('a drift no event explained says the author is unknown; without events nothing is said', () => {
    const sent: SlackMessage[] = [];
    const incidents = new DriftIncidents({ notify: (m) => sent.push(m) });
    incidents.observeCycle({ revision: 'abc', drifts: [], inSync: [] });
    const drift = { fields: [{ path: 'priority', live: 5, desired: 1 }], corrected: true, observeOnly: false, specHash: 'h' };
    incidents.observeCycle({ revision: 'abc', drifts: [{ id: 'ListenerRule/a', ...drift, author: UNKNOWN_AUTHOR }, { id: 'ListenerRule/b', ...drift }], inSync: [] });
    expect(sent[0]?.text).toContain('Changed by an unknown author: no CloudTrail event explained this change');
    expect(sent[1]?.text).not.toMatch(/changed by/i);
  });
});

describe('/readyz with events', () => {
  const ready = (mode: 'events' | 'fallback'): string => {
    const status = new ControllerStatus({ intervalMs: 600_000 });
    status.setRevision('abc');
    status.cycleStarted();
    status.awsCallFinished(true);
    status.cycleFinished({ result: 'success' });
    status.setEvents({ queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/ecs-reconciler-events', mode, intervalMs: mode === 'events' ? 600_000 : 60_000, received: 3, lastMessageAt: null, ...(mode === 'fallback' ? { reason: 'no event for 612 s, longer than the 600 s resync' } : {}) });
    expect(status.snapshot().events?.mode).toBe(mode);
    return status.readiness().reason;
  };

  it('says events flow and the resync in force', () => {
    expect(ready('events')).toMatch(/events flowing from https:\/\/sqs\..*, full resync every 600 s/);
  });

  it('says it fell back to the interval, and why', () => {
    expect(ready('fallback')).toMatch(/events: falling back to the 60 s interval \(no event for 612 s, longer than the 600 s resync\)/);
  });
});
