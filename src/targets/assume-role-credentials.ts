// Credentials of one target: STS AssumeRole with the target's role (and external id), kept
// until shortly before they expire and then assumed again. Written here because
// @aws-sdk/credential-providers (fromTemporaryCredentials) is not among the installed packages;
// @aws-sdk/client-sts is, and this is the whole of what that provider would do for us.
// A refusal (AccessDenied, a wrong external id, an account that does not match) is a
// TargetCredentialsError naming the target and the role: it fails that target's cycle only.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { ReconcilerError } from '../reconciler-error.js';
import { errorCode } from '../aws/errors.js';
import type { TargetSpec } from './targets-config.js';

export class TargetCredentialsError extends ReconcilerError {
  override readonly name = 'TargetCredentialsError';
  constructor(message: string) {
    super('target.credentials', message);
  }
}

export interface AssumeRoleOptions {
  /** assume again this long before expiry (default 5 min, or half the lifetime when shorter) */
  refreshBeforeMs?: number;
  /** DurationSeconds of each session (default 3600) */
  durationSeconds?: number;
  /** RoleSessionName (default ecs-reconciler-<target>) */
  sessionName?: string;
  now?: () => number;
  /** the STS client (tests); default one in the target's region, credentials from the default chain */
  sts?: STSClient;
}

export type CredentialProvider = (() => Promise<AwsCredentialIdentity>) & { destroy(): void };

export function assumeRoleCredentials(target: TargetSpec & { roleArn: string }, opts: AssumeRoleOptions = {}): CredentialProvider {
  const now = opts.now ?? Date.now;
  const sts = opts.sts ?? new STSClient({ region: target.region, maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, socketTimeout: 8_000 } });
  let cached: { credentials: AwsCredentialIdentity; refreshAt: number } | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;

  async function assume(): Promise<AwsCredentialIdentity> {
    const started = now();
    let answer;
    try {
      answer = await sts.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: (opts.sessionName ?? `ecs-reconciler-${target.name}`).slice(0, 64),
          DurationSeconds: opts.durationSeconds ?? 3600,
          ...(target.externalId === undefined ? {} : { ExternalId: target.externalId }),
        }),
      );
    } catch (error) {
      const code = errorCode(error) ?? 'error';
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new TargetCredentialsError(
        `target ${target.name}: cannot assume ${target.roleArn}: ${code}: ${message}; check the role's trust policy names this controller's role (and the external id), and that the controller may sts:AssumeRole it`,
      );
    }
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new TargetCredentialsError(`target ${target.name}: AssumeRole ${target.roleArn} answered without credentials`);
    const assumedAccount = /^arn:aws[a-z-]*:sts::(\d{12}):/.exec(answer.AssumedRoleUser?.Arn ?? '')?.[1];
    if (target.account !== undefined && assumedAccount !== undefined && assumedAccount !== target.account) {
      throw new TargetCredentialsError(`target ${target.name}: ${target.roleArn} gave credentials for account ${assumedAccount}, not ${target.account}`);
    }
    const expiresAt = c.Expiration?.getTime() ?? started + (opts.durationSeconds ?? 3600) * 1000;
    const lifetime = Math.max(0, expiresAt - started);
    const before = Math.min(opts.refreshBeforeMs ?? 300_000, lifetime / 2);
    const credentials: AwsCredentialIdentity = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      expiration: new Date(expiresAt),
    };
    cached = { credentials, refreshAt: expiresAt - before };
    return credentials;
  }

  const provider = (async () => {
    if (cached !== undefined && now() < cached.refreshAt) return cached.credentials;
    // one AssumeRole at a time for all the target's clients
    inFlight ??= assume().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }) as CredentialProvider;
  provider.destroy = () => sts.destroy();
  return provider;
}
