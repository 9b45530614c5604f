// A commit the git source refuses for what it holds (a symbolic link out of the checkout) is an
// invalid revision for the daemon: logged as source.invalid, shown in /status and sent to Slack
// once with the link's file:line, not logged as a source failure every cycle.
import { describe, expect, it } from 'vitest';
import { Reconciler, type CycleDeps } from '../../src/controller/cycle.js';
import { SecretRegistry } from '../../src/log/redact-secrets.js';
import { SourceError } from '../../src/source/desired-source.js';

const SHA = 'a'.repeat(40);

function deps() {
  const invalid: { revision: string; errors: unknown[] }[] = [];
  const shown: { revision: string; errors: unknown[] }[] = [];
  const events: string[] = [];
  const log = (obj: { event?: string }) => {
    if (obj.event) events.push(obj.event);
  };
  const d = {
    source: {
      describe: () => 'https://git.example/repo.git',
      sync: () =>
        Promise.reject(
          new SourceError(
            'source.unsafe-link',
            `commit ${SHA} of https://git.example/repo.git was not loaded: 1 symbolic link(s) leave the repository\ndesired/ext:1:1: symbolic link to "/etc" leaves the repository`,
            SHA,
          ),
        ),
    },
    logger: { error: log, warn: log, info: log, debug: log },
    incidents: { invalidRevision: (revision: string, errors: unknown[]) => invalid.push({ revision, errors }) },
    status: { setInvalidRevision: (revision: string, errors: unknown[]) => shown.push({ revision, errors }) },
    metrics: {},
    secrets: new SecretRegistry(),
  } as unknown as CycleDeps;
  return { d, invalid, shown, events };
}

describe('a commit refused for an escaping link', () => {
  it('is an invalid revision: alerted and shown once, with the link as file:line', async () => {
    const { d, invalid, shown, events } = deps();
    const reconciler = new Reconciler(d);
    await expect(reconciler.run()).rejects.toThrow(/no valid desired state yet: commit a{40} was refused/);
    await expect(reconciler.run()).rejects.toThrow(/was refused/);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toEqual({
      revision: SHA,
      errors: [{ file: 'desired/ext', line: 1, col: 1, message: 'symbolic link to "/etc" leaves the repository' }],
    });
    expect(shown).toHaveLength(1);
    expect(events).toEqual(['source.invalid']);
  });
});
