import { describe, expect, it } from 'vitest';
import { gitEnv, tailLines } from '../../src/source/git-command.js';
import { gitAuth, shellQuote } from '../../src/source/git-credentials.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('gitAuth', () => {
  it.each([
    ['GIT_TOKEN', { url: 'https://github.com/o/r.git', token: 'tok12345678' }, 'https://github.com/o/r.git', 'https://github.com', `x-access-token:tok12345678`],
    ['GIT_TOKEN + GIT_USERNAME', { url: 'https://gitlab.example:8443/o/r.git', token: 'tok12345678', username: 'oauth2' }, 'https://gitlab.example:8443/o/r.git', 'https://gitlab.example:8443', 'oauth2:tok12345678'],
    ['user:token in URL', { url: 'https://bob:tok12345678@host/o/r.git' }, 'https://host/o/r.git', 'https://host', 'bob:tok12345678'],
    ['token as URL user', { url: 'https://tok12345678@host/o/r.git' }, 'https://host/o/r.git', 'https://host', 'x-access-token:tok12345678'],
    ['URL credentials win over GIT_TOKEN', { url: 'https://bob:fromurl1234@host/r.git', token: 'fromenv1234' }, 'https://host/r.git', 'https://host', 'bob:fromurl1234'],
  ])('%s: header scoped to the origin, URL clean', (_name, input, cleanUrl, origin, userPass) => {
    const auth = gitAuth(input);
    expect(auth.url).toBe(cleanUrl);
    expect(auth.config[`http.${origin}/.extraHeader`]).toBe(`Authorization: Basic ${b64(userPass)}`);
    expect(auth.config['credential.helper']).toBe('');
    expect(auth.secrets).toContain(b64(userPass));
    expect(auth.secrets).toContain(userPass.slice(userPass.indexOf(':') + 1));
    expect(auth.insecure).toBe(false);
  });

  it('flags a token over plain http', () => {
    expect(gitAuth({ url: 'http://127.0.0.1:9/r.git', token: 'tok12345678' }).insecure).toBe(true);
  });

  it.each([
    ['file URL', 'file:///srv/r.git'],
    ['plain path', '/srv/r.git'],
    ['https without token', 'https://host/r.git'],
  ])('%s: no header, no ssh command', (_name, url) => {
    const auth = gitAuth({ url });
    expect(Object.keys(auth.config).filter((k) => k.endsWith('extraHeader'))).toEqual([]);
    expect(auth.env).toEqual({});
  });

  it('uses the ssh key file through GIT_SSH_COMMAND, quoted for the shell', () => {
    const auth = gitAuth({ url: 'git@github.com:o/r.git', sshKeyFile: "/keys/it's key", sshKnownHostsFile: '/k/known' });
    expect(auth.env.GIT_SSH_COMMAND).toBe(
      `ssh -i '/keys/it'\\''s key' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='/k/known'`,
    );
  });

  it('never lets ssh prompt, unless the user set their own GIT_SSH_COMMAND', () => {
    expect(gitAuth({ url: 'ssh://git@host/r.git' }).env.GIT_SSH_COMMAND).toContain('BatchMode=yes');
    expect(gitAuth({ url: 'ssh://git@host/r.git', inheritedSshCommand: 'ssh -F cfg' }).env).toEqual({});
  });

  it('quotes single quotes', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe('gitEnv', () => {
  it('passes config through GIT_CONFIG_* and drops variables that could redirect git or leak secrets', () => {
    const env = gitEnv(
      { 'credential.helper': '', 'http.https://h/.extraHeader': 'Authorization: Basic x' },
      { GIT_SSH_COMMAND: 'ssh -i k' },
      { PATH: '/bin', HOME: '/h', GIT_DIR: '/elsewhere', GIT_TOKEN: 't', GIT_ASKPASS: '/x', SLACK_WEBHOOK_URL: 'u', GIT_CONFIG_GLOBAL: '/g', HTTPS_PROXY: 'p' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/h',
      HTTPS_PROXY: 'p',
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
      LC_ALL: 'C',
      LANGUAGE: 'C',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'credential.helper',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.https://h/.extraHeader',
      GIT_CONFIG_VALUE_1: 'Authorization: Basic x',
      GIT_SSH_COMMAND: 'ssh -i k',
    });
  });

  it('keeps the last lines of stderr', () => {
    expect(tailLines('a\n\nb\nc\nd\ne\n', 2)).toBe('d | e');
  });
});
