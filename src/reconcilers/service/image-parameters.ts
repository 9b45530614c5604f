// Images CI writes (`imageFrom: { ssmParameter }`): every parameter the declared services name,
// read once per cycle with GetParameters (10 names a call, AWS's limit); a name AWS reports under
// InvalidParameters, or a call that fails (access denied), is unreadable and blocks only the
// services that use it. Then, pure: a desired Service with each such container's image filled in
// and a spec hash that covers the values read, so that a new value is a rollout (the hash on the
// service differs), never drift.
import type { AwsClients } from '../../aws/clients.js';
import { awsCall, errorCode } from '../../aws/errors.js';
import { chunk } from '../../aws/paginate.js';
import { specHash } from '../../spec/spec-hash.js';
import type { DesiredOf, DesiredState } from '../../spec/types.js';

export const GET_PARAMETERS_MAX = 10;

/** parameter name -> its value, or why it cannot be read */
export type ImageParameters = Record<string, { value: string } | { error: string }>;

export function parameterNames(desired: DesiredState): string[] {
  const names = desired.services.flatMap((s) => s.spec.taskDefinition.containers.flatMap((c) => (c.imageFrom === undefined ? [] : [c.imageFrom.ssmParameter])));
  return [...new Set(names)].sort();
}

export async function readImageParameters(desired: DesiredState, clients: AwsClients): Promise<ImageParameters> {
  const out: ImageParameters = {};
  await Promise.all(
    chunk(parameterNames(desired), GET_PARAMETERS_MAX).map(async (names) => {
      try {
        // the SSM package is loaded only when a file reads an image from Parameter Store
        const [{ GetParametersCommand }, ssm] = await Promise.all([import('@aws-sdk/client-ssm'), clients.ssm.get()]);
        const answer = await awsCall({ service: 'ssm', operation: 'GetParameters', resource: names.join(', ') }, () =>
          ssm.send(new GetParametersCommand({ Names: names, WithDecryption: false })),
        );
        for (const p of answer.Parameters ?? []) {
          if (p.Name === undefined) continue;
          out[p.Name] = p.Value === undefined || p.Value.trim() === '' ? { error: 'the parameter is empty' } : { value: p.Value.trim() };
        }
        for (const name of answer.InvalidParameters ?? []) out[name] = { error: 'ParameterNotFound: no such parameter in this account and Region' };
      } catch (err) {
        // unreadable (access denied, throttled past the retries): these names only
        const why = `${errorCode(err) ?? 'Error'}: ${err instanceof Error ? err.message : String(err)}`;
        for (const name of names) out[name] = { error: why };
      }
    }),
  );
  for (const name of parameterNames(desired)) out[name] ??= { error: 'not in the GetParameters answer' };
  return out;
}

/** The service with each `imageFrom` image filled in, or why it cannot be (a conflict for it alone). */
export function withImagesRead(d: DesiredOf<'Service'>, parameters: ImageParameters | undefined): { desired: DesiredOf<'Service'> } | { error: string } {
  const sourced = d.spec.taskDefinition.containers.filter((c) => c.imageFrom !== undefined);
  if (sourced.length === 0) return { desired: d };
  const spec = structuredClone(d.spec);
  const images: Record<string, string> = {};
  for (const c of spec.taskDefinition.containers) {
    if (c.imageFrom === undefined) continue;
    const name = c.imageFrom.ssmParameter;
    const read = parameters?.[name] ?? { error: 'not read' };
    if ('error' in read) {
      return {
        error:
          `${d.id}: the image of container '${c.name}' comes from SSM parameter ${name}, which cannot be read (${read.error}); ` +
          `nothing is written to this service until it can: create it (aws ssm put-parameter --name ${name} --type String --value <image>), grant ssm:GetParameters on it, or fix imageFrom (${d.source.file}:${d.source.line})`,
      };
    }
    c.image = c.imageFrom.repository === undefined ? read.value : `${c.imageFrom.repository}:${read.value}`;
    images[c.name] = c.image;
  }
  return { desired: { ...d, spec, specHash: specHash({ spec: d.specHash, images }) } };
}
