import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { SecretRegistry } from '../../src/log/redact-secrets.js';
import { SlackSender, foldMessages } from '../../src/notify/slack-sender.js';
import { startFakeSlack } from './slack-fixtures.js';
import type { FakeSlack } from './slack-fixtures.js';

function capturedLogger(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const chunks: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c.toString());
        cb();
      },
    }),
  });
  return { logger, text: () => chunks.join('') };
}

const msg = (n: number): { text: string; title: string } => ({ text: `message ${n}`, title: `title ${n}` });

describe('SlackSender', () => {
  let slack: FakeSlack;
  afterEach(async () => {
    await slack.close();
  });

  it('posts queued messages in order and scrubs the webhook URL and registered secrets', async () => {
    slack = await startFakeSlack();
    const secrets = new SecretRegistry(['ghp_notInSlack12345']);
    const sender = new SlackSender({ webhookUrl: slack.url, secrets });
    sender.enqueue({ text: `token ghp_notInSlack12345 url ${slack.url}`, title: 't' });
    sender.enqueue(msg(2));
    expect(await sender.flush()).toBe(true);
    expect(slack.delivered()).toEqual(['token [redacted] url [redacted]', 'message 2']);
    expect(sender.stats).toMatchObject({ posted: 2, dropped: 0 });
  });

  it('sends at most 10 a minute, folding the rest into one "…and N more"', async () => {
    slack = await startFakeSlack();
    const sender = new SlackSender({ webhookUrl: slack.url });
    for (let i = 1; i <= 15; i++) sender.enqueue(msg(i));
    await sender.flush();
    const texts = slack.delivered();
    expect(texts).toHaveLength(10);
    expect(texts.slice(0, 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `message ${i}`));
    expect(texts[9]).toMatch(/^…and 6 more/);
    for (let i = 10; i <= 15; i++) expect(texts[9]).toContain(`• title ${i}`);
    expect(sender.stats.folded).toBe(6);
  });

  it('holds messages beyond the limit until the window moves on', async () => {
    slack = await startFakeSlack();
    let clock = 0;
    const sender = new SlackSender({ webhookUrl: slack.url, maxPerMinute: 2, windowMs: 200, now: () => clock });
    sender.enqueue(msg(1));
    sender.enqueue(msg(2));
    await sender.flush();
    sender.enqueue(msg(3));
    await new Promise((r) => setTimeout(r, 50));
    expect(slack.posts).toHaveLength(2);
    clock = 250;
    await sender.flush();
    expect(slack.delivered()).toEqual(['message 1', 'message 2', 'message 3']);
  });

  it('retries a 500 with backoff and delivers once', async () => {
    slack = await startFakeSlack();
    slack.script = [500, 503];
    const sender = new SlackSender({ webhookUrl: slack.url, retryDelaysMs: [10, 10, 10] });
    sender.enqueue(msg(1));
    await sender.flush();
    expect(slack.posts).toHaveLength(3);
    expect(slack.delivered()).toEqual(['message 1']);
    expect(sender.stats).toMatchObject({ posted: 1, failedAttempts: 2, dropped: 0 });
  });

  it('drops a message after the retries with a log line that does not show the URL', async () => {
    slack = await startFakeSlack();
    slack.fallback = 500;
    const log = capturedLogger();
    const sender = new SlackSender({ webhookUrl: slack.url, retryDelaysMs: [5, 5], logger: log.logger });
    sender.enqueue(msg(1));
    sender.enqueue(msg(2));
    await sender.flush();
    expect(slack.posts).toHaveLength(6);
    expect(sender.stats.dropped).toBe(2);
    expect(log.text()).toContain('"event":"notify.dropped"');
    expect(log.text()).toContain('Slack answered HTTP 500');
    expect(log.text()).not.toContain('slackSecretPath1234');
  });

  it('does not retry a 4xx answer', async () => {
    slack = await startFakeSlack();
    slack.fallback = 404;
    const sender = new SlackSender({ webhookUrl: slack.url, retryDelaysMs: [5, 5] });
    sender.enqueue(msg(1));
    await sender.flush();
    expect(slack.posts).toHaveLength(1);
    expect(sender.stats.dropped).toBe(1);
  });

  it('times out a hung Slack, retries, and the messages behind it still go out; enqueue never waits', async () => {
    slack = await startFakeSlack();
    slack.script = ['hang', 'hang'];
    const log = capturedLogger();
    const sender = new SlackSender({ webhookUrl: slack.url, timeoutMs: 150, retryDelaysMs: [10], logger: log.logger });
    sender.enqueue(msg(1));
    sender.enqueue(msg(2));
    // both were accepted synchronously while the first post is still in flight
    expect(sender.pending).toBe(2);
    await sender.flush();
    expect(slack.delivered()).toEqual(['message 2']);
    expect(log.text()).toContain('did not answer within the request timeout');
  });

  it('drops queued messages at close when Slack stays down', async () => {
    slack = await startFakeSlack();
    slack.fallback = 'hang';
    const sender = new SlackSender({ webhookUrl: slack.url, timeoutMs: 5000, retryDelaysMs: [] });
    sender.enqueue(msg(1));
    sender.enqueue(msg(2));
    await sender.close(100);
    expect(sender.stats.dropped).toBeGreaterThanOrEqual(1);
    sender.enqueue(msg(3));
    expect(sender.pending).toBeLessThanOrEqual(1);
  });

  it('is a no-op without SLACK_WEBHOOK_URL', async () => {
    slack = await startFakeSlack();
    const sender = new SlackSender({ webhookUrl: undefined });
    expect(sender.enabled).toBe(false);
    sender.enqueue(msg(1));
    expect(sender.pending).toBe(0);
    expect(await sender.flush(10)).toBe(true);
  });
});

describe('foldMessages', () => {
  it('lists at most 20 titles and counts the rest', () => {
    const folded = foldMessages(Array.from({ length: 25 }, (_, i) => msg(i)));
    expect(folded.title).toBe('…and 25 more');
    expect(folded.text.split('\n')).toHaveLength(1 + 20 + 1);
    expect(folded.text).toContain('• …5 others');
  });
});
