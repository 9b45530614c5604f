// Read after write: CreateService and UpdateService answer with the service as AWS now holds it.
// A field sent that the answer does not carry did not take (moto's CreateService drops
// deploymentConfiguration, capacity providers, placement, exec, managed tags and the grace period;
// AWS does this for some fields too). It is sent again at once with UpdateService, in the same
// apply, so that no later cycle finds it as drift. What still does not take after that is logged.
import { UpdateServiceCommand, type Service, type UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { DesiredOf } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { performWrite } from '../shared/apply-write.js';
import { diffField, withoutIgnored } from '../shared/compare-values.js';
import type { ChangeOf, FieldDiff, LiveTaskDefinition } from '../types.js';
import { normaliseService } from './normalise.js';
import { deploymentConfigurationOf, diffServiceFields, isDeploymentPath, serviceFieldsInput } from './service-fields.js';

type DesiredService = DesiredOf<'Service'>;

/** Stands in for the running revision: only the service's own fields are compared here. */
const NO_TASK_DEFINITION: LiveTaskDefinition = {
  arn: '',
  family: '',
  revision: 0,
  spec: { family: '', networkMode: 'bridge', requiresCompatibilities: ['EC2'], containers: [] },
  tags: {},
};

/**
 * The service-level paths (deployment.*, healthCheckGracePeriodSeconds, SERVICE_FIELDS) whose
 * value in `answer` differs from the desired spec, `ignore` honoured. A field AWS never reports
 * (Service Connect on moto) cannot be checked here and is not listed.
 */
export function fieldsNotTaken(desired: DesiredService, answer: Service): string[] {
  const s = desired.spec;
  const live = normaliseService(answer, NO_TASK_DEFINITION);
  const diffs: FieldDiff[] = [];
  diffField(diffs, 'deployment.maximumPercent', live.deployment.maximumPercent, s.deployment.maximumPercent);
  diffField(diffs, 'deployment.minimumHealthyPercent', live.deployment.minimumHealthyPercent, s.deployment.minimumHealthyPercent);
  if (s.healthCheckGracePeriodSeconds !== undefined) {
    diffField(diffs, 'healthCheckGracePeriodSeconds', live.healthCheckGracePeriodSeconds ?? 0, s.healthCheckGracePeriodSeconds);
  }
  diffServiceFields(diffs, desired, live, 'skip');
  return withoutIgnored(diffs, desired.ignore).map((d) => d.path);
}

/** An UpdateService carrying the named service-level fields of the spec. */
export function resendInput(desired: DesiredService, cluster: string, paths: readonly string[]): UpdateServiceCommandInput {
  const s = desired.spec;
  const input: UpdateServiceCommandInput = { cluster, service: desired.name, ...serviceFieldsInput(s, new Set(paths)) };
  if (paths.some(isDeploymentPath)) input.deploymentConfiguration = deploymentConfigurationOf(s);
  if (paths.includes('healthCheckGracePeriodSeconds') && s.healthCheckGracePeriodSeconds !== undefined) {
    input.healthCheckGracePeriodSeconds = s.healthCheckGracePeriodSeconds;
  }
  // ECS starts using a new capacity provider strategy only with a new deployment
  if (paths.includes('capacityProviderStrategy')) input.forceNewDeployment = true;
  return input;
}

/**
 * After `operation` answered with `answer`: send what did not take (among `sent`, when given)
 * again with one UpdateService; log what still does not take after that.
 */
export async function resendNotTaken(
  change: ChangeOf<'Service'>,
  ctx: ApplyContext,
  target: { arn: string; cluster: string },
  answer: Service | undefined,
  operation: 'CreateService' | 'UpdateService',
  sent?: (path: string) => boolean,
): Promise<void> {
  const desired = change.desired;
  if (answer === undefined || desired === undefined) return;
  const missing = fieldsNotTaken(desired, answer).filter((p) => sent === undefined || sent(p));
  if (missing.length === 0) return;
  const input = resendInput(desired, target.cluster, missing);
  const second = await performWrite(ctx, {
    change,
    verb: 'update',
    service: 'ecs',
    operation: 'UpdateService',
    target: target.arn,
    detail: `(${missing.join(', ')}: not kept by ${operation}, sent again)`,
    send: () => ctx.clients.ecs.send(new UpdateServiceCommand(input)),
  });
  const still = second?.service === undefined ? [] : fieldsNotTaken(desired, second.service).filter((p) => missing.includes(p));
  if (still.length > 0) {
    ctx.log.warn(
      { kind: 'Service', name: change.name, operation: 'UpdateService' },
      `${change.id}: AWS did not keep ${still.join(', ')} after ${operation} nor after UpdateService: the next plan shows the difference`,
    );
  }
}
