// The one logger factory: pino JSON lines (or pino-pretty for a terminal) with two layers of
// secret protection: structural redaction of known keys, and a free-text scrub of every
// serialised line against the SecretRegistry (URL credentials, tokens, the Slack webhook URL).
// Levels stay pino's numbers (30 info, 40 warn, ...): pino-pretty's `-L warn`, pino transports
// and log pipelines compare numbers, and a label string passed every such filter. Every line has
// an `event`: the call's own, else `log` (so a query on `event` never misses a line).
import { pino } from 'pino';
import type { DestinationStream, Level, Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';
import { REDACTED, SecretRegistry } from './redact-secrets.js';

export type Logger = PinoLogger;
export type LogFormat = 'json' | 'pretty';

/** The `event` of a line logged without one. */
export const GENERIC_EVENT = 'log';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

export interface LoggerOptions {
  /** default: LOG_LEVEL from the environment, else `info` */
  level?: string;
  /** default `json` */
  format?: LogFormat;
  /** where lines go; default stdout (fd 1), synchronous */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** values scrubbed from every line; shared with the git source and the Slack sender */
  secrets?: SecretRegistry;
  /** extra fields on every line */
  base?: Record<string, unknown>;
}

/**
 * Keys whose values are never logged, wherever a log call puts them (top level or one level
 * down, and request headers). Free-text occurrences are caught by the registry scrub.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'gitToken',
  '*.gitToken',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'webhookUrl',
  '*.webhookUrl',
  'slackWebhookUrl',
  '*.slackWebhookUrl',
  'webhookSecret',
  '*.webhookSecret',
  'headers.authorization',
  'headers.cookie',
  'headers["x-gitlab-token"]',
  'headers["x-hub-signature-256"]',
  '*.headers.authorization',
  '*.headers["x-gitlab-token"]',
  '*.headers["x-hub-signature-256"]',
  'env.GIT_TOKEN',
  'env.SLACK_WEBHOOK_URL',
  'env.WEBHOOK_SECRET',
];

/** Throws a user-facing error for an unknown level name. */
export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  if (value === undefined || value.trim() === '') return fallback;
  const v = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new Error(`unknown log level "${value}" (LOG_LEVEL / --log-level): use one of ${LOG_LEVELS.join(', ')}`);
}

/** Throws a user-facing error for an unknown format name. */
export function parseLogFormat(value: string | undefined, fallback: LogFormat = 'json'): LogFormat {
  if (value === undefined || value.trim() === '') return fallback;
  const v = value.trim().toLowerCase();
  if (v === 'json' || v === 'pretty') return v;
  throw new Error(`unknown log format "${value}" (--log-format): use json or pretty`);
}

/** Colours only on a terminal and never with NO_COLOR set (https://no-color.org). */
export function prettyColours(
  destination: LoggerOptions['destination'],
  stdout: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return destination === undefined && stdout.isTTY === true && (env.NO_COLOR ?? '') === '';
}

function prettyStream(destination: LoggerOptions['destination']): DestinationStream {
  return pinoPretty({
    colorize: prettyColours(destination),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    messageKey: 'msg',
    // `event` first so a terminal reader sees what happened at a glance
    messageFormat: '{if event}[{event}] {end}{msg}',
    singleLine: false,
    sync: true,
    ...(destination === undefined ? { destination: 1 } : { destination: destination as NodeJS.WritableStream }),
  });
}

/**
 * Errors in log lines: type, code and message; the stack only at debug/trace (users read these
 * logs, and a stack trace says nothing to them).
 */
export function errorSerializer(withStack: boolean): (err: unknown) => Record<string, unknown> {
  return (err) => {
    // `err: { message }` (a message already scrubbed, no Error at hand) keeps its text: String()
    // of it logged "[object Object]" for every source.failed
    if (!(err instanceof Error)) return plainErrorFields(err);
    const e = err as Error & { code?: unknown; revision?: unknown };
    return {
      type: e.name,
      message: e.message,
      ...(e.code === undefined ? {} : { code: e.code }),
      ...(withStack && e.stack ? { stack: e.stack } : {}),
    };
  };
}

function plainErrorFields(err: unknown): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const { type, message, code } = err as { type?: unknown; message?: unknown; code?: unknown };
  let text: string;
  try {
    text = typeof message === 'string' ? message : JSON.stringify(err);
  } catch {
    text = Object.prototype.toString.call(err);
  }
  return { ...(typeof type === 'string' ? { type } : {}), message: text, ...(code === undefined ? {} : { code }) };
}

/** Create the process logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = parseLogLevel(options.level ?? process.env.LOG_LEVEL);
  const format = options.format ?? 'json';
  const secrets = options.secrets ?? new SecretRegistry();
  const stream: DestinationStream =
    format === 'pretty'
      ? prettyStream(options.destination)
      : ((options.destination as DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level,
      base: { ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      // the call's own `event` wins over this one (pino merges the call's object last)
      mixin: (merge) => ((merge as { event?: unknown }).event === undefined ? { event: GENERIC_EVENT } : {}),
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: errorSerializer(level === 'debug' || level === 'trace') },
      hooks: { streamWrite: (line) => secrets.scrub(line) },
    },
    stream,
  );
}

/** A logger that drops everything (tests, library defaults). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
