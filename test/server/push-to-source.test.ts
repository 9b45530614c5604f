// The periphery wired the way the loop will wire it: a signed push webhook makes the git source
// fetch the new commit, /status and /metrics show it, a Slack rollout message goes out, and no
// credential shows up in any log line or message.
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logSourceUpdated } from '../../src/log/log-events.js';
import { createLogger } from '../../src/log/logger.js';
import { secretsFromEnv } from '../../src/log/redact-secrets.js';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import { SlackSender } from '../../src/notify/slack-sender.js';
import { ControllerStatus } from '../../src/server/controller-status.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { createWebhookHandler } from '../../src/server/webhook.js';
import { createDesiredSource } from '../../src/source/create-source.js';
import { startFakeSlack } from '../notify/slack-fixtures.js';
import { TestRepo, startGitHttpServer, tempDir } from '../source/git-fixtures.js';
import { httpRequest } from './server-fixtures.js';

describe('push webhook -> git source -> status, metrics, Slack', () => {
  it('follows a signed push and keeps every credential out of logs and messages', async () => {
    const root = tempDir('wired');
    const repo = new TestRepo(root, 'app');
    repo.commit({ 'desired/a.yaml': 'a: 1\n' }, 'first');
    const git = await startGitHttpServer(root, 'x-access-token', 'ghp_wiredToken0987654321');
    const slack = await startFakeSlack();
    const env = { GIT_TOKEN: 'ghp_wiredToken0987654321', SLACK_WEBHOOK_URL: slack.url, WEBHOOK_SECRET: 'wired-webhook-secret' };

    const lines: string[] = [];
    const secrets = secretsFromEnv(env);
    const logger = createLogger({
      level: 'trace',
      secrets,
      destination: new Writable({
        write(c: Buffer, _e, cb) {
          lines.push(c.toString());
          cb();
        },
      }),
    });
    const source = await createDesiredSource({ source: `${git.url}/app.git`, branch: 'main', path: 'desired', workDir: join(root, 'work'), token: env.GIT_TOKEN, logger, secrets });
    const status = new ControllerStatus({ intervalMs: 1000 });
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    const sender = new SlackSender({ webhookUrl: env.SLACK_WEBHOOK_URL, secrets, logger });
    const incidents = new DriftIncidents({ notify: (m) => sender.enqueue(m), logger });

    // what the loop does on each trigger, reduced to the periphery
    const cycle = async (): Promise<void> => {
      status.cycleStarted();
      const snap = await source.sync();
      if (snap.changed) {
        logSourceUpdated(logger, { revision: snap.revision, source: source.describe() });
        status.setRevision(snap.revision);
        metrics.setRevision(snap.revision);
        incidents.rollout(snap.revision, [{ id: 'ListenerRule/a', action: 'update', diffs: [{ path: 'priority' }] }], snap.subject);
      }
      status.cycleFinished({ result: 'success' });
      metrics.recordCycle('success', 0.01);
    };
    let pushes: Promise<void> = Promise.resolve();
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      status,
      metrics,
      logger,
      webhook: createWebhookHandler({ secret: env.WEBHOOK_SECRET, branch: 'main', logger, onPush: () => (pushes = pushes.then(cycle)) }),
    });

    await cycle();
    const first = status.snapshot().revision;
    const sha = repo.commit({ 'desired/a.yaml': 'a: 2\n' }, 'second');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
    const res = await httpRequest(`${server.url}/webhook/git`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${createHmac('sha256', env.WEBHOOK_SECRET).update(body).digest('hex')}` },
      body,
    });
    expect(res.status).toBe(202);
    await pushes;

    const doc = JSON.parse((await httpRequest(`${server.url}/status`)).body);
    expect(first).not.toBe(sha);
    expect(doc.revision).toBe(sha);
    expect((await httpRequest(`${server.url}/metrics`)).body).toContain(`ecs_reconciler_revision_info{revision="${sha}"} 1`);
    await sender.flush();
    expect(slack.delivered()).toHaveLength(2);
    expect(slack.delivered()[1]).toContain(`Rolled out commit \`${sha.slice(0, 12)}\`* (second)`);

    const everything = [...lines, ...slack.posts.map((p) => p.text), doc.source ?? ''].join('\n');
    expect(lines.join('')).toContain('"event":"webhook.push"');
    expect(lines.join('')).toContain('"event":"source.updated"');
    for (const secret of Object.values(env)) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('slackSecretPath1234');

    await server.close();
    await source.close();
    await git.close();
    await slack.close();
    rmSync(root, { recursive: true, force: true });
  });
});
