import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { logDriftDetected, logSourceInvalid, LogEvent } from '../../src/log/log-events.js';
import { renderValue } from '../../src/log/render-value.js';
import { createLogger, GENERIC_EVENT, parseLogFormat, parseLogLevel } from '../../src/log/logger.js';
import { REDACTED, SecretRegistry } from '../../src/log/redact-secrets.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter((l) => l !== '') };
}

describe('createLogger (json)', () => {
  it("writes JSON lines with pino's numeric level and the event name", () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.info({ event: LogEvent.cycleCompleted, durationMs: 12 }, 'cycle completed');
    log.debug('hidden at info');
    const lines = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, event: 'cycle.completed', durationMs: 12, msg: 'cycle completed' });
  });

  it.each([
    ['token', { token: 'abc' }],
    ['nested token', { git: { token: 'abc' } }],
    ['authorization header', { req: { headers: { authorization: 'Basic abc' } } }],
    ['gitlab token header', { headers: { 'x-gitlab-token': 'abc' } }],
    ['webhook URL', { slack: { webhookUrl: 'https://example/abc' } }],
    ['env secrets', { env: { GIT_TOKEN: 'abc', SLACK_WEBHOOK_URL: 'https://example/abc' } }],
  ])('redacts the %s key', (_name, obj) => {
    const out = capture();
    createLogger({ destination: out.stream }).info(obj, 'x');
    const line = out.lines()[0] ?? '';
    expect(line).not.toContain('abc');
    expect(line).toContain(REDACTED);
  });

  it('scrubs registered secrets and URL credentials from free text, including messages and errors', () => {
    const secrets = new SecretRegistry(['ghp_supersecret99']);
    const out = capture();
    const log = createLogger({ destination: out.stream, secrets });
    log.error({ err: new Error('auth failed for ghp_supersecret99') }, 'fetch https://me:ghp_supersecret99@host/r.git');
    secrets.add('added-later-secret');
    log.warn({ detail: 'value added-later-secret' }, 'later');
    const text = out.lines().join('\n');
    expect(text).not.toContain('ghp_supersecret99');
    expect(text).not.toContain('added-later-secret');
    for (const l of out.lines()) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('drift helpers log one event per fact with resource, commit and fields', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream });
    logDriftDetected(log, {
      id: 'ListenerRule/users-api',
      arn: 'arn:rule',
      revision: 'abc123',
      policy: 'enforce',
      fields: [{ path: 'conditions.pathPatterns', live: ['/x'], desired: ['/users*'] }],
    });
    logSourceInvalid(log, { revision: 'def456', errors: [{ file: 'a.yaml', line: 3, col: 5, message: 'bad' }] });
    const [drift, invalid] = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(drift).toMatchObject({
      level: 40,
      event: 'drift.detected',
      resource: 'ListenerRule/users-api',
      arn: 'arn:rule',
      commit: 'abc123',
      fields: [{ path: 'conditions.pathPatterns', live: ['/x'], desired: ['/users*'] }],
    });
    expect(invalid).toMatchObject({ level: 50, event: 'source.invalid', commit: 'def456' });
    expect(String(invalid?.msg)).toContain('a.yaml:3:5: bad');
  });
});

describe('levels and events for log tools', () => {
  it('gives every line an event: its own, else "log"', () => {
    const out = capture();
    const log = createLogger({ level: 'debug', destination: out.stream });
    log.info('no fields at all');
    log.warn({ step: 'TargetGroup/x' }, 'fields but no event');
    log.child({ component: 'git' }).debug('from a child logger');
    log.info({ event: LogEvent.sourceUpdated }, 'its own event');
    const events = out.lines().map((l) => (JSON.parse(l) as { event?: unknown }).event);
    expect(events).toEqual([GENERIC_EVENT, GENERIC_EVENT, GENERIC_EVENT, 'source.updated']);
  });

  it("pino-pretty -L warn keeps only warn and above (it compares pino's numeric levels)", async () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.info({ event: LogEvent.cycleCompleted }, 'routine cycle');
    log.warn({ event: LogEvent.driftDetected }, 'drift seen');
    log.error({ event: LogEvent.applyFailed }, 'write failed');
    const pretty = fileURLToPath(new URL('../../node_modules/pino-pretty/bin.js', import.meta.url));
    const shown = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [pretty, '-L', 'warn', '--colorize', 'false'], (error, stdout) => (error ? reject(error) : resolve(stdout)));
      child.stdin?.end(`${out.lines().join('\n')}\n`);
    });
    expect(shown).not.toContain('routine cycle');
    expect(shown).toContain('WARN: drift seen');
    expect(shown).toContain('ERROR: write failed');
  });
});

describe('error serialisation', () => {
  it.each([
    ['info', false],
    ['debug', true],
  ])('at %s the stack is shown: %s', (level, stack) => {
    const out = capture();
    const err = Object.assign(new Error('DescribeRules failed: AccessDenied'), { code: 'AccessDenied' });
    createLogger({ level, destination: out.stream }).error({ err }, 'observe failed');
    const line = JSON.parse(out.lines()[0] ?? '{}') as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ type: 'Error', message: 'DescribeRules failed: AccessDenied', code: 'AccessDenied' });
    expect('stack' in line.err).toBe(stack);
  });
});

describe('createLogger (pretty)', () => {
  it('writes human lines with the event first and still scrubs secrets', () => {
    const out = capture();
    const secrets = new SecretRegistry(['ghp_prettysecret1']);
    const log = createLogger({ format: 'pretty', destination: out.stream, secrets });
    log.warn({ event: 'drift.detected', detail: 'ghp_prettysecret1' }, 'drift on TargetGroup/x');
    const text = out.lines().join('\n');
    expect(text).toContain('[drift.detected] drift on TargetGroup/x');
    expect(text).toContain('WARN');
    expect(text).not.toContain('ghp_prettysecret1');
    expect(text).not.toMatch(/^\{/);
  });
});

describe('option parsing', () => {
  it.each([
    [undefined, 'info'],
    ['', 'info'],
    ['DEBUG', 'debug'],
    ['silent', 'silent'],
  ])('level %s -> %s', (input, expected) => {
    expect(parseLogLevel(input)).toBe(expected);
  });

  it('rejects an unknown level naming the variable and the choices', () => {
    expect(() => parseLogLevel('verbose')).toThrow(/LOG_LEVEL.*fatal, error, warn, info, debug, trace, silent/);
  });

  it.each([
    ['pretty', 'pretty'],
    [undefined, 'json'],
  ])('format %s -> %s', (input, expected) => {
    expect(parseLogFormat(input)).toBe(expected);
  });

  it('rejects an unknown format', () => {
    expect(() => parseLogFormat('xml')).toThrow(/--log-format/);
  });

  it('cuts long values for display and marks absent ones (the plan renderer: strings quoted)', () => {
    expect(renderValue('x'.repeat(300), { maxLength: 10 })).toBe(`"${'x'.repeat(7)}…"`);
    expect(renderValue('x'.repeat(300), { maxLength: 10 })).toHaveLength(10);
    expect(renderValue(['a'.repeat(20)], { maxLength: 10 })).toBe(`["${'a'.repeat(7)}…`);
    expect(renderValue(undefined)).toBe('(absent)');
    expect(renderValue({ a: 1 })).toBe('{"a":1}');
    expect(renderValue('/ping')).toBe('"/ping"');
  });
});
