// `run`: wire the source, AWS clients, reconciler, loop, Slack, HTTP server and signals
// together, and keep them running until SIGTERM/SIGINT (or --max-cycles).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients } from '../aws/clients.js';
import { isWriteOperation } from '../aws/rate-limits.js';
import { createLogger, type Logger } from '../log/logger.js';
import { LogEvent } from '../log/log-events.js';
import { secretsFromEnv } from '../log/redact-secrets.js';
import { DriftIncidents } from '../notify/drift-incidents.js';
import { RolloutIncidents } from '../notify/rollout-incidents.js';
import { SlackSender } from '../notify/slack-sender.js';
import { ControllerStatus } from '../server/controller-status.js';
import { startHttpServer, type RunningHttpServer } from '../server/http-server.js';
import { ControllerMetrics } from '../server/metrics.js';
import { createWebhookHandler } from '../server/webhook.js';
import { createDesiredSource } from '../source/create-source.js';
import { Reconciler } from './cycle.js';
import { ControllerLoop } from './loop.js';
import { ConfigError, type RunConfig } from './run-config.js';
import type { DaemonEvents } from '../events/daemon-events.js';
import { variableLoadOptions } from '../spec/variable-sources.js';
import { looksSecret } from '../spec/substitute-variables.js';

/** ECS's default stop timeout is 30 s: running writes get 25 s of it. */
export const SHUTDOWN_GRACE_MS = 25_000;

export interface RunningDaemon {
  logger: Logger;
  server: RunningHttpServer;
  loop: ControllerLoop;
  /** what /status shows: the last cycle, each resource's state and ARN */
  status: ControllerStatus;
  /** resolves with the exit code once the daemon has stopped */
  done: Promise<number>;
  shutdown(reason: string): Promise<number>;
}

export async function startDaemon(config: RunConfig, env: NodeJS.ProcessEnv = process.env): Promise<RunningDaemon> {
  const secrets = secretsFromEnv(env);
  const logger = createLogger({ format: config.logFormat, secrets });
  // the values of `${NAME}` for every revision: read once at start (a values file that cannot be read fails the start)
  const variables = await variableLoadOptions({ values: config.values, envVariables: config.envVariables, env });
  if (!variables.ok) throw new ConfigError(variables.errors.map((e) => `${e.line > 0 ? `${e.file}:${e.line}:${e.col}` : e.file}: ${e.message}`).join('\n'));
  for (const [name, value] of Object.entries({ ...variables.options.variables, ...variables.options.environment?.values })) {
    if (value !== undefined && looksSecret(name, value)) secrets.add(value);
  }
  const metrics = new ControllerMetrics();
  const clients = createAwsClients({ requestDeadlineMs: config.awsTimeoutMs });
  clients.calls.onCall(metrics.awsCallListener());
  const workDir = config.workDir ?? (await mkdtemp(join(tmpdir(), 'ecs-reconciler-')));
  const source = await createDesiredSource({
    source: config.source,
    ...(config.branch === undefined ? {} : { branch: config.branch }),
    path: config.path,
    workDir,
    ...(env.GIT_TOKEN ? { token: env.GIT_TOKEN } : {}),
    ...(env.GIT_USERNAME ? { username: env.GIT_USERNAME } : {}),
    ...(env.GIT_SSH_KEY_FILE ? { sshKeyFile: env.GIT_SSH_KEY_FILE } : {}),
    logger,
    secrets,
  });
  // a source that does not exist fails the start with one line; one that may come back is retried
  await source.checkExists?.();
  // with --events-queue the longest wait between full cycles is the resync: /readyz and /healthz bound by it
  const boundMs = config.eventsQueue === undefined ? config.intervalMs : Math.max(config.intervalMs, config.resyncMs);
  const status = new ControllerStatus({ intervalMs: boundMs, cycleTimeoutMs: config.cycleTimeoutMs, stallGraceMs: config.stallGraceMs });
  // readiness (did AWS answer this cycle) and the cycle's calls and writes on /status
  // (the events queue's polls are no part of a cycle)
  clients.calls.onCall((call) => {
    if (call.service !== 'sqs') status.awsCallFinished(call.outcome === 'ok', isWriteOperation(call.operation));
  });
  status.setSource(source.describe());
  const sender = env.SLACK_WEBHOOK_URL ? new SlackSender({ webhookUrl: env.SLACK_WEBHOOK_URL, secrets, logger }) : undefined;
  if (sender === undefined) logger.info({ event: LogEvent.notifyDisabled }, 'SLACK_WEBHOOK_URL is not set: drift alerts go to the log only');
  const incidents = new DriftIncidents({
    notify: (m) => sender?.enqueue(m),
    realertMs: config.realertMs,
    ...(config.stateDir === undefined ? {} : { stateFile: join(config.stateDir, 'incidents.json') }),
    logger,
  });
  const rollouts = new RolloutIncidents({
    notify: (m) => sender?.enqueue(m),
    notifyRollouts: config.notifyRollouts,
    ...(config.stateDir === undefined ? {} : { stateFile: join(config.stateDir, 'rollouts.json') }),
    warn: (msg) => logger.warn(msg),
  });
  const retryFailed = { requested: false };
  // --config: one reconciler per target (src/targets/), else the one implicit target
  const configFile = config.configFile;
  // loaded only with --config: the STS and DynamoDB clients cost start-up time otherwise
  const targets = configFile === undefined ? undefined : await (await import('../targets/targets-daemon.js')).startTargets({
    config: { ...config, configFile }, source, logger, metrics, status, secrets, notify: (m) => sender?.enqueue(m), gate: clients.gate, retryFailed,
    trigger: (reason) => loop.trigger(reason),
  });
  // --events-queue: one poller for the process; with --config each event goes to the target its
  // account and region name. Loaded only with a queue: the SQS and STS packages cost megabytes of heap otherwise
  const events: DaemonEvents | undefined =
    config.eventsQueue === undefined ? undefined : await (await import('../events/daemon-events.js')).startEventsFor(config, config.eventsQueue, logger);
  const single = targets === undefined ? new Reconciler({
    source, clients, logger, incidents, rollouts, retryFailed, status, metrics, secrets, ...(events === undefined ? {} : { authors: events.authors }),
    ownerId: config.ownerId, prune: config.prune, maxDeletes: config.maxDeletes, dryRun: config.dryRun,
    loadOptions: variables.options,
  }) : undefined;
  const reconciler = targets ?? single!;

  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  let stopping: Promise<number> | undefined;
  const loop = new ControllerLoop({
    cycle: (timedOut) => {
      // a timed-out cycle starts no new AWS request, so it ends within one request deadline
      clients.gate.open();
      timedOut.addEventListener('abort', () => clients.gate.close(String((timedOut.reason as Error).message)), { once: true });
      return reconciler.run();
    },
    intervalMs: config.intervalMs,
    ...(events === undefined ? {} : { currentIntervalMs: () => events.intervalMs() }),
    cycleTimeoutMs: config.cycleTimeoutMs,
    logger,
    status,
    metrics,
    afterCycle: (n) => {
      if (config.maxCycles > 0 && n >= config.maxCycles) void shutdown(`--max-cycles ${config.maxCycles} reached`);
    },
  });
  const webhook = createWebhookHandler({ secret: env.WEBHOOK_SECRET, branch: config.branch ?? 'main', onPush: () => loop.trigger('push'), logger });
  const server = await startHttpServer({ port: config.port, host: config.host, status, metrics, webhook, statusToken: env.STATUS_TOKEN || undefined, logger,
    onRetry: () => {
      retryFailed.requested = true;
      logger.info({ event: 'retry.requested' }, 'POST /retry: the next cycle deploys again what failed rollouts hold');
      loop.trigger('retry');
    },
  });

  const poll = setInterval(() => {
    void reconciler.sourceMoved().then((moved) => {
      if (moved) loop.trigger('git-poll');
    });
  }, config.gitPollMs);
  poll.unref();

  async function shutdown(reason: string): Promise<number> {
    stopping ??= (async () => {
      logger.info({ event: LogEvent.shutdown, reason }, `stopping (${reason}): no new cycles or writes; waiting up to ${SHUTDOWN_GRACE_MS / 1000} s for the writes under way`);
      clearInterval(poll);
      await events?.stop();
      // the running cycle finishes the apply steps it has started and starts no other
      clients.gate.drain(reason);
      const finished = await loop.stop(SHUTDOWN_GRACE_MS);
      if (!finished) logger.warn({ event: LogEvent.shutdown }, 'running cycle did not finish in time; exiting anyway');
      await sender?.close(2_000);
      await server.close();
      await targets?.close();
      await source.close();
      clients.destroy();
      logger.info({ event: LogEvent.shutdown, cycles: loop.cycles }, 'stopped');
      logger.flush?.();
      resolveDone(0);
      return 0;
    })();
    return stopping;
  }

  loop.start();
  await events?.connect({ clients, logger, status, reconciler, loop });
  return { logger, server, loop, status, done, shutdown };
}
