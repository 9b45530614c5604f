import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftIncidents, incidentKey } from '../../src/notify/drift-incidents.js';
import type { CycleObservation, DriftObservation } from '../../src/notify/drift-incidents.js';
import { SlackSender } from '../../src/notify/slack-sender.js';
import type { SlackMessage } from '../../src/notify/slack-sender.js';
import { startFakeSlack } from './slack-fixtures.js';

const HOUR = 3_600_000;
const SHA = '0123456789abcdef0123456789abcdef01234567';
const RULE = 'ListenerRule/users-api';

const drift = (over: Partial<DriftObservation> = {}): DriftObservation => ({
  id: RULE,
  arn: 'arn:aws:elasticloadbalancing:us-east-1:123:listener-rule/app/x/1/2/3',
  fields: [{ path: 'conditions.pathPatterns', live: ['/x'], desired: ['/users*'] }],
  corrected: true,
  observeOnly: false,
  specHash: 'h1',
  ...over,
});

function model(stateFile?: string): { incidents: DriftIncidents; sent: SlackMessage[]; clock: { now: number } } {
  const sent: SlackMessage[] = [];
  const clock = { now: Date.parse('2025-03-01T00:00:00Z') };
  const incidents = new DriftIncidents({ notify: (m) => sent.push(m), now: () => clock.now, stateFile });
  // a first quiet cycle, as after any start
  incidents.observeCycle({ revision: SHA, drifts: [], inSync: [] });
  return { incidents, sent, clock };
}

const cycle = (drifts: DriftObservation[], inSync: string[] = []): CycleObservation => ({ revision: SHA, drifts, inSync });

describe('incidentKey', () => {
  it.each([
    ['field order does not matter', drift({ fields: [{ path: 'b', live: 1, desired: 2 }, { path: 'a', live: 1, desired: 2 }] }), `${RULE}|a,b|h1`],
    ['values are not part of the key', drift({ fields: [{ path: 'a', live: 'anything', desired: 'else' }] }), `${RULE}|a|h1`],
    ['the desired hash is', drift({ fields: [{ path: 'a', live: 1, desired: 2 }], specHash: 'h2' }), `${RULE}|a|h2`],
  ])('%s', (_name, d, key) => {
    expect(incidentKey(d)).toBe(key);
  });
});

describe('DriftIncidents', () => {
  it('sends one message when a drift is first seen and one when it is resolved', () => {
    const { incidents, sent } = model();
    expect(incidents.observeCycle(cycle([drift()])).map((d) => d.type)).toEqual(['opened']);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain('Drift on `ListenerRule/users-api`');
    expect(sent[0]?.text).toContain('`conditions.pathPatterns`: live `["/x"]` → desired `["/users*"]`');
    expect(sent[0]?.text).toContain('Corrected');
    expect(sent[0]?.text).toContain('0123456789ab');

    // the same drift again (e.g. something keeps changing it back): no message
    incidents.observeCycle(cycle([drift({ fields: [{ path: 'conditions.pathPatterns', live: ['/y'], desired: ['/users*'] }] })]));
    expect(sent).toHaveLength(1);

    expect(incidents.observeCycle(cycle([], [RULE])).map((d) => d.type)).toEqual(['resolved']);
    expect(sent[1]?.text).toContain('Drift resolved on `ListenerRule/users-api`');
    incidents.observeCycle(cycle([], [RULE]));
    expect(sent).toHaveLength(2);
  });

  it.each([
    ['other fields drifted', drift({ fields: [{ path: 'priority', live: 5, desired: 100 }] })],
    ['the desired spec changed', drift({ specHash: 'h2' })],
  ])('opens a new incident when %s', (_name, next) => {
    const { incidents, sent } = model();
    incidents.observeCycle(cycle([drift()]));
    expect(incidents.observeCycle(cycle([next])).map((d) => d.type)).toEqual(['replaced', 'opened']);
    expect(sent).toHaveLength(2);
  });

  it('re-announces a persisting observe-only drift at most every --realert', () => {
    const { incidents, sent, clock } = model();
    const observed = drift({ corrected: false, observeOnly: true });
    incidents.observeCycle(cycle([observed]));
    expect(sent[0]?.text).toContain('policy is `observe`');
    clock.now += 5 * HOUR;
    incidents.observeCycle(cycle([observed]));
    expect(sent).toHaveLength(1);
    clock.now += 1 * HOUR;
    expect(incidents.observeCycle(cycle([observed])).map((d) => d.type)).toEqual(['reminded']);
    expect(sent[1]?.text).toContain('Drift still open');
    expect(sent[1]?.text).toContain('(6 h)');
    clock.now += 1 * HOUR;
    incidents.observeCycle(cycle([observed]));
    expect(sent).toHaveLength(2);
  });

  it('does not re-announce a drift that keeps being corrected', () => {
    const { incidents, sent, clock } = model();
    incidents.observeCycle(cycle([drift()]));
    clock.now += 7 * HOUR;
    incidents.observeCycle(cycle([drift()]));
    expect(sent).toHaveLength(1);
  });

  it('says why a correction failed', () => {
    const { incidents, sent } = model();
    incidents.observeCycle(cycle([drift({ corrected: false, error: 'ModifyRule: AccessDenied' })]));
    expect(sent[0]?.text).toContain('Not corrected: ModifyRule: AccessDenied');
  });

  it('closes incidents of resources no longer declared without a message', () => {
    const { incidents, sent } = model();
    incidents.observeCycle(cycle([drift()]));
    expect(incidents.observeCycle({ ...cycle([]), declared: ['TargetGroup/x'] }).map((d) => d.type)).toEqual(['forgotten']);
    expect(sent).toHaveLength(1);
    expect(incidents.open()).toEqual([]);
  });

  it('sends a rollout and an invalid revision once per revision', () => {
    const { incidents, sent } = model();
    const items = [
      { id: RULE, action: 'update', diffs: [{ path: 'conditions.pathPatterns' }] },
      { id: 'TargetGroup/new', action: 'create' },
    ];
    expect(incidents.rollout(SHA, items, 'route /doc')).toBeDefined();
    expect(incidents.rollout(SHA, items)).toBeUndefined();
    expect(incidents.rollout('b'.repeat(40), [])).toBeUndefined();
    expect(sent[0]?.text).toContain('Rolled out commit `0123456789ab`* (route /doc): 2 changes');
    expect(sent[0]?.text).toContain('• ~ update `ListenerRule/users-api`: conditions.pathPatterns');
    expect(sent[0]?.text).toContain('• + create `TargetGroup/new`');

    const bad = 'c'.repeat(40);
    const errors = [{ file: 'rules.yaml', line: 4, col: 3, message: 'unknown field "prio"' }];
    expect(incidents.invalidRevision(bad, errors, SHA)?.text).toContain('• rules.yaml:4:3: unknown field "prio"');
    expect(incidents.invalidRevision(bad, errors, SHA)).toBeUndefined();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.text).toContain('`cccccccccccc` is invalid and was not applied*; commit `0123456789ab` stays in force');
  });
});

describe('DriftIncidents across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecsr-incidents-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('does not repeat an open incident, an invalid revision or a rollout when the state file survives', () => {
    const file = join(dir, 'state', 'incidents.json');
    const first = model(file);
    const observed = drift({ corrected: false, observeOnly: true });
    first.incidents.observeCycle(cycle([observed]));
    first.incidents.invalidRevision('d'.repeat(40), []);
    first.incidents.rollout(SHA, [{ id: RULE, action: 'update' }]);
    expect(first.sent).toHaveLength(3);
    expect(JSON.parse(readFileSync(file, 'utf8')).incidents).toHaveLength(1);

    const second = model(file);
    expect(second.incidents.restored).toBe(true);
    second.incidents.observeCycle(cycle([observed]));
    second.incidents.invalidRevision('d'.repeat(40), []);
    second.incidents.rollout(SHA, [{ id: RULE, action: 'update' }]);
    expect(second.sent).toHaveLength(0);
    second.incidents.observeCycle(cycle([], [RULE]));
    expect(second.sent.map((m) => m.title)).toEqual([`drift resolved on ${RULE}`]);
  });

  it('without a state file, marks a drift found by the first cycle as possibly reported before', () => {
    const sent: SlackMessage[] = [];
    const incidents = new DriftIncidents({ notify: (m) => sent.push(m) });
    incidents.observeCycle(cycle([drift()]));
    incidents.observeCycle(cycle([drift({ id: 'TargetGroup/other' })]));
    expect(sent[0]?.text).toContain('may have been reported before');
    expect(sent[1]?.text).not.toContain('may have been reported before');
  });

  it('starts empty, with a warning, when the state file is corrupt', () => {
    const file = join(dir, 'corrupt.json');
    writeFileSync(file, '{not json');
    const incidents = new DriftIncidents({ notify: () => undefined, stateFile: file });
    expect(incidents.restored).toBe(false);
    expect(incidents.open()).toEqual([]);
  });
});

describe('DriftIncidents through a real Slack sender', () => {
  it('posts exactly one drift and one resolved message over HTTP for a corrected drift', async () => {
    const slack = await startFakeSlack();
    const sender = new SlackSender({ webhookUrl: slack.url });
    const incidents = new DriftIncidents({ notify: (m) => sender.enqueue(m) });
    incidents.observeCycle(cycle([]));
    incidents.observeCycle(cycle([drift()]));
    incidents.observeCycle(cycle([drift()]));
    incidents.observeCycle(cycle([], [RULE]));
    incidents.observeCycle(cycle([], [RULE]));
    await sender.flush();
    const texts = slack.delivered();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('Drift on');
    expect(texts[1]).toContain('Drift resolved on');
    await slack.close();
  });
});
