// The client secret of an authenticate-oidc step, for CreateRule / ModifyRule only: read from SSM
// Parameter Store (GetParameter WithDecryption, a SecureString) at apply time, never kept, logged
// or planned. A ModifyRule whose live rule already authenticates with the same client sends
// UseExistingClientSecret instead, so an unchanged secret is not read (nor needs ssm access).
import { awsCall, errorCode } from '../../aws/errors.js';
import type { AuthenticateAction } from '../../spec/types.js';
import type { ClientSecretSource } from '../shared/action-authenticate.js';
import type { ApplyContext } from '../shared/apply-context.js';
import type { LiveRule } from '../types.js';

export class ClientSecretError extends Error {}

async function readSecret(ctx: ApplyContext, name: string, changeId: string): Promise<string> {
  try {
    // the SSM package is loaded only when a rule needs a client secret
    const [{ GetParameterCommand }, ssm] = await Promise.all([import('@aws-sdk/client-ssm'), ctx.clients.ssm.get()]);
    const out = await awsCall({ service: 'ssm', operation: 'GetParameter', resource: name }, () =>
      ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })),
    );
    const value = out.Parameter?.Value;
    if (value === undefined || value === '') throw new ClientSecretError(`${changeId}: the client secret parameter ${name} is empty: put the secret in it (aws ssm put-parameter --type SecureString --overwrite)`);
    return value;
  } catch (err) {
    if (err instanceof ClientSecretError) throw err;
    // the message of an SSM error names the parameter, never its value
    throw new ClientSecretError(
      `${changeId}: cannot read the client secret from SSM parameter ${name} (${errorCode(err) ?? 'Error'}): create it as a SecureString, and grant ssm:GetParameter on it (and kms:Decrypt on its key)`,
    );
  }
}

/** The secret source of each step (undefined for cognito steps), in order. */
export async function clientSecrets(
  ctx: ApplyContext,
  changeId: string,
  steps: readonly AuthenticateAction[],
  live: LiveRule | undefined,
): Promise<(ClientSecretSource | undefined)[]> {
  return Promise.all(
    steps.map(async (step, i) => {
      if (step.type !== 'authenticate-oidc') return undefined;
      const before = live?.action.authenticate?.[i];
      if (before?.type === 'authenticate-oidc' && before.authenticateOidcConfig.clientId === step.authenticateOidcConfig.clientId) {
        return { useExisting: true as const };
      }
      const name = step.authenticateOidcConfig.clientSecretFrom?.ssmParameter;
      if (name === undefined) throw new ClientSecretError(`${changeId}: authenticate-oidc needs clientSecretFrom.ssmParameter`);
      return { secret: await readSecret(ctx, name, changeId) };
    }),
  );
}
