// The controller's own identity, asked once at start (STS GetCallerIdentity needs no
// permission): CloudTrail events of its own writes are recognised by it and are never drift.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** The caller's ARN, or undefined with the reason when STS did not answer. */
export async function callerArn(options: { region?: string; timeoutMs?: number } = {}): Promise<{ arn?: string; error?: string }> {
  const sts = new STSClient({
    ...(options.region ? { region: options.region } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, socketTimeout: options.timeoutMs ?? 8_000 },
  });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return out.Arn ? { arn: out.Arn } : { error: 'STS answered without an ARN' };
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    sts.destroy();
  }
}
