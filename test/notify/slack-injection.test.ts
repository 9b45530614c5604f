// Slack formatting injection, end to end through the real sender to a local HTTP server standing
// in for Slack: file names, kinds and names from real files on disk (loaded by the same loader
// a git checkout goes through), a commit subject, and ARNs / live values as AWS could return
// them. Nothing may become a mention (<!here>, <!channel>, <!everyone>), a link
// (<https://…|label>) or an extra line of the message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import { SlackSender } from '../../src/notify/slack-sender.js';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import { startFakeSlack, type FakeSlack } from './slack-fixtures.js';

const SHA = 'a'.repeat(40);

/** What Slack would turn into a mention, a link or a channel/user reference. */
function expectInert(text: string): void {
  expect(text).not.toMatch(/<[!@#]/);
  expect(text).not.toMatch(/<https?:/);
  expect(text).not.toContain('|the fix>');
}

describe('Slack messages carry values from files and AWS as inert text', () => {
  let slack: FakeSlack;
  let sender: SlackSender;
  let incidents: DriftIncidents;
  beforeEach(async () => {
    slack = await startFakeSlack();
    sender = new SlackSender({ webhookUrl: slack.url, maxPerMinute: 100 });
    incidents = new DriftIncidents({ notify: (m) => sender.enqueue(m) });
  });
  afterEach(async () => {
    await sender.close(1000);
    await slack.close();
  });

  it('an invalid commit: a file named <!here>.yaml, a kind with <!channel> and a link, a newline in a file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsr-slack-inj-'));
    writeFileSync(join(dir, '<!here>.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: "<!channel> please <https://evil.example|the fix>"\nmetadata: { name: x }\nspec: {}\n');
    writeFileSync(join(dir, 'a\n• fake bullet <!everyone>.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: "a&b" }\nspec: {}\n');
    const loaded = await loadDesiredState(dir);
    expect(loaded.ok).toBe(false);
    const errors = loaded.ok ? [] : loaded.errors;
    incidents.invalidRevision(SHA, errors);
    await sender.flush();

    const [text] = slack.delivered();
    expect(text).toBeDefined();
    expectInert(text!);
    expect(text).toContain('&lt;!here&gt;.yaml:2:7');
    expect(text).toContain('&lt;!channel&gt; please &lt;https://evil.example|the fix&gt;');
    expect(text).toContain('a&amp;b');
    // one head line plus one bullet per error: the newline in the file name added none
    const lines = text!.split('\n');
    expect(lines).toHaveLength(1 + errors.length);
    expect(lines.filter((l) => l.startsWith('• fake bullet'))).toEqual([]);
    expect(text).toContain('a • fake bullet &lt;!everyone&gt;.yaml');
  });

  it('a drift: ARN, field path and live value from AWS, and the correction error', async () => {
    incidents.observeCycle({
      revision: SHA,
      inSync: [],
      drifts: [
        {
          id: 'TargetGroup/users-tg',
          arn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/<!channel>/1',
          fields: [{ path: 'tags.<@U123>', live: 'x\n• *Resolved* <https://evil.example|the fix>\u2028& more', desired: 'ok' }],
          corrected: false,
          observeOnly: false,
          specHash: 'h1',
          error: 'AccessDenied <!here>\r\n• all good',
        },
      ],
    });
    await sender.flush();
    const [text] = slack.delivered();
    expectInert(text!);
    const lines = text!.split('\n');
    // head, one field, outcome, and the note of a first cycle without stored state
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^_Found by the first check/);
    expect(lines[0]).toContain('targetgroup/&lt;!channel&gt;/1');
    expect(lines[1]).toContain('tags.&lt;@U123&gt;');
    expect(lines[1]).toContain('&amp; more');
    expect(lines[2]).toContain('AccessDenied &lt;!here&gt;  • all good');
  });

  it('a rollout: the commit subject and the resource names', async () => {
    incidents.rollout(SHA, [{ id: 'Service/<!subteam^S1>', action: 'update', diffs: [{ path: 'desiredCount\n• fake' }] }], 'deploy <!here> now');
    await sender.flush();
    const [text] = slack.delivered();
    expectInert(text!);
    expect(text!.split('\n')).toHaveLength(2);
    expect(text).toContain('(deploy &lt;!here&gt; now)');
    expect(text).toContain('`Service/&lt;!subteam^S1&gt;`: desiredCount • fake');
  });

  it('a fold of many messages lists their titles escaped', async () => {
    const folding = new SlackSender({ webhookUrl: slack.url, maxPerMinute: 2 });
    for (let i = 0; i < 4; i++) folding.enqueue({ text: `m${i}`, title: `drift on TargetGroup/<!here>-${i}\n• fake` });
    await folding.flush();
    await folding.close(100);
    const fold = slack.delivered().find((t) => t.startsWith('…and'));
    expect(fold).toBeDefined();
    expectInert(fold!);
    expect(fold!.split('\n').filter((l) => l.startsWith('• fake'))).toEqual([]);
  });
});
