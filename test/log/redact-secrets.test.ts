import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  SecretRegistry,
  redactSecrets,
  secretsFromEnv,
  stripUrlCredentials,
} from '../../src/log/redact-secrets.js';

describe('redactSecrets', () => {
  it.each([
    ['url with user and password', 'fatal: https://bob:ghp_abcdefgh123@github.com/o/r.git not found', 'ghp_abcdefgh123'],
    ['url with token only', 'cloning https://ghp_zzzzzzzzzzzz@host/x.git', 'ghp_zzzzzzzzzzzz'],
    ['slack webhook', 'post to https://hooks.slack.com/services/T0001/B0002/XXXXsecretYYYY failed', 'XXXXsecretYYYY'],
    ['authorization header', 'Authorization: Basic eC1hY2Nlc3MtdG9rZW46dG9r', 'eC1hY2Nlc3MtdG9rZW46dG9r'],
    ['bearer header', 'authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
  ])('scrubs %s', (_name, text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it.each([
    ['raw', 'token is s3cr3t-t0ken-value here'],
    ['JSON-escaped', JSON.stringify({ msg: 'x s3cr3t-t0ken-value y' })],
    ['URL-encoded', `q=${encodeURIComponent('s3cr3t-t0ken-value')}`],
  ])('scrubs a registered secret in %s form', (_name, text) => {
    expect(redactSecrets(text, ['s3cr3t-t0ken-value'])).not.toContain('s3cr3t-t0ken-value');
  });

  it('scrubs a secret containing JSON-special characters inside a JSON line', () => {
    const secret = 'pa"ss\\word-long';
    const line = JSON.stringify({ msg: `value ${secret}` });
    const out = redactSecrets(line, [secret]);
    expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(JSON.parse(out)).toEqual({ msg: `value ${REDACTED}` });
  });

  it('replaces the longer secret whole when one contains another', () => {
    expect(redactSecrets('A:abcdefgh-ijklmnop', ['abcdefgh', 'abcdefgh-ijklmnop'])).toBe(`A:${REDACTED}`);
  });

  it('ignores secrets shorter than 8 characters and leaves ordinary text alone', () => {
    expect(redactSecrets('status true, port 80', ['true', '80'])).toBe('status true, port 80');
    expect(redactSecrets('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git');
  });
});

describe('stripUrlCredentials', () => {
  it.each([
    ['https://u:tok@host/r.git', 'https://host/r.git'],
    ['https://tok@host/r.git', 'https://host/r.git'],
    ['https://host/r.git', 'https://host/r.git'],
    ['/srv/repo.git', '/srv/repo.git'],
    ['file:///srv/repo.git', 'file:///srv/repo.git'],
  ])('%s -> %s', (input, expected) => {
    expect(stripUrlCredentials(input)).toBe(expected);
  });
});

describe('SecretRegistry', () => {
  it('collects the secret environment variables and scrubs them', () => {
    const reg = secretsFromEnv({ GIT_TOKEN: 'tok-1234567890', SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hook/abc', WEBHOOK_SECRET: 'short' });
    expect(reg.size).toBe(2);
    const out = reg.scrub('t=tok-1234567890 u=http://127.0.0.1:9/hook/abc');
    expect(out).toBe(`t=${REDACTED} u=${REDACTED}`);
  });

  it('accepts values added later', () => {
    const reg = new SecretRegistry();
    reg.add(undefined, '', 'db-password-42');
    expect(reg.values()).toEqual(['db-password-42']);
  });
});
