// A target's credentials: one AssumeRole per session, assumed again before expiry, and a refusal
// that names the target and the role.
import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { assumeRoleCredentials, TargetCredentialsError } from '../../src/targets/assume-role-credentials.js';

const ROLE = 'arn:aws:iam::111111111111:role/ecs-reconciler-target';
const target = { name: 'prod', account: '111111111111', region: 'eu-west-1', roleArn: ROLE, externalId: 'ext-1', path: 'stack' };

function fakeSts(answer: (n: number, input: Record<string, unknown>) => unknown) {
  const inputs: Record<string, unknown>[] = [];
  const sts = {
    send: async (command: { input: Record<string, unknown> }) => {
      inputs.push(command.input);
      return answer(inputs.length, command.input);
    },
    destroy: () => undefined,
  } as unknown as STSClient;
  return { sts, inputs };
}

const session = (n: number, expiresAt: number, account = '111111111111') => ({
  Credentials: { AccessKeyId: `ASIA${n}`, SecretAccessKey: 's', SessionToken: `t${n}`, Expiration: new Date(expiresAt) },
  AssumedRoleUser: { Arn: `arn:aws:sts::${account}:assumed-role/ecs-reconciler-target/ecs-reconciler-prod` },
});

describe('assumeRoleCredentials', () => {
  it('assumes once, keeps the session, assumes again 5 minutes before it expires', async () => {
    let now = 0;
    const { sts, inputs } = fakeSts((n) => session(n, now + 3_600_000));
    const provider = assumeRoleCredentials(target, { sts, now: () => now });
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe('ASIA1');
    expect(b).toBe(a); // two callers at once share one AssumeRole
    expect(inputs).toEqual([{ RoleArn: ROLE, RoleSessionName: 'ecs-reconciler-prod', DurationSeconds: 3600, ExternalId: 'ext-1' }]);
    now = 3_600_000 - 300_001;
    expect((await provider()).accessKeyId).toBe('ASIA1');
    now = 3_600_000 - 299_999;
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(inputs).toHaveLength(2);
  });

  it('a refused AssumeRole is an error naming the target, the role and the code', async () => {
    const { sts } = fakeSts(() => {
      throw Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied', Code: 'AccessDenied' });
    });
    const provider = assumeRoleCredentials(target, { sts });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetCredentialsError);
    expect((error as Error).message).toMatch(/^target prod: cannot assume arn:aws:iam::111111111111:role\/ecs-reconciler-target: AccessDenied: User is not authorized/);
  });

  it('credentials for another account than the target\'s are refused', async () => {
    const { sts } = fakeSts((n) => session(n, Date.now() + 3_600_000, '999999999999'));
    await expect(assumeRoleCredentials(target, { sts })()).rejects.toThrow('target prod: arn:aws:iam::111111111111:role/ecs-reconciler-target gave credentials for account 999999999999, not 111111111111');
  });
});
