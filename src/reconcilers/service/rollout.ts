// The outcome of the last rollout of ours, read from the DescribeServices answer the plan already
// has (no extra call). A rollout is the ECS deployment an UpdateService of ours started: its id is
// kept with the spec hash it deploys in the `ecs-reconciler/rollout` tag. A spec hash whose rollout
// failed (or that the circuit breaker rolled back) is held with `ecs-reconciler/held-spec-hash`:
// not deployed again while the files say the same, so a breaker's rollback is not fought every
// interval. Pure.
import type { RolloutStatus } from '../shared/rollout-status.js';
import type { LiveDeployment, LiveRolloutRead } from './types.js';
import type { Tags } from '../shared/resource-types.js';

/** `<spec hash>:<deployment id>` of the deployment our last UpdateService started */
export const TAG_ROLLOUT = 'ecs-reconciler/rollout';
/** the spec hash whose rollout failed: not redeployed until the desired hash changes or a retry is asked */
export const TAG_HELD_SPEC_HASH = 'ecs-reconciler/held-spec-hash';

export function rolloutTagValue(specHash: string, deploymentId: string): string {
  return `${specHash}:${deploymentId}`;
}

export function parseRolloutTag(value: string | undefined): { specHash: string; deploymentId: string } | undefined {
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) return undefined;
  return { specHash: value.slice(0, colon), deploymentId: value.slice(colon + 1) };
}

/** `arn:...:task-definition/payments-api:7` -> `payments-api:7` */
export function revisionLabel(taskDefinitionArn: string): string {
  return taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1);
}

export interface RolloutInput {
  tags: Tags;
  rollout?: LiveRolloutRead;
}

const FAILURE_EVENT = /fail|roll(ing|ed)? ?back|unable|stopped/i;
const STOPPED_EVENT = /\(task [^)]*\).*(stopped|Error|failed)/i;

function counts(d: LiveDeployment): string {
  return `running ${d.runningCount}/${d.desiredCount}, pending ${d.pendingCount}, failed tasks ${d.failedTasks}`;
}

/**
 * The rollout of `desiredHash`, or undefined when no rollout of ours for that hash is known (never
 * followed: created, moto, or superseded). Held hashes are always reported (failed or rolled back).
 */
export function serviceRollout(live: RolloutInput, desiredHash: string): RolloutStatus | undefined {
  const held = live.tags[TAG_HELD_SPEC_HASH] === desiredHash;
  const tag = parseRolloutTag(live.tags[TAG_ROLLOUT]);
  const ourTag = tag !== undefined && tag.specHash === desiredHash ? tag : undefined;
  if (ourTag === undefined && !held) return undefined;
  const deployments = live.rollout?.deployments ?? [];
  const messages = (live.rollout?.events ?? []).map((e) => e.message);
  const ours = ourTag === undefined ? undefined : deployments.find((d) => d.id === ourTag.deploymentId);
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const mentionsOurs = ourTag === undefined ? [] : messages.filter((m) => m.includes(ourTag.deploymentId) && FAILURE_EVENT.test(m));
  const failed = ours?.rolloutState === 'FAILED' || (ours === undefined && mentionsOurs.length > 0);
  const base = { specHash: desiredHash, ...(ourTag === undefined ? {} : { deploymentId: ourTag.deploymentId }) };

  if (failed || held) {
    const rolledBack = primary !== undefined && primary.id !== ourTag?.deploymentId;
    const reason = ours?.rolloutStateReason ?? mentionsOurs[0] ?? (held ? 'an earlier rollout of this spec hash failed' : 'the deployment failed');
    // ECS lists events newest first: the oldest failing task is the first that failed
    const stoppedReason = [...messages].reverse().find((m) => STOPPED_EVENT.test(m));
    const status: RolloutStatus = {
      ...base,
      state: rolledBack ? 'rolled-back' : 'rollout-failed',
      held,
      reason,
      events: messages.slice(0, 5),
      detail: rolledBack ? `rolled back to ${revisionLabel(primary.taskDefinition)}: ${reason}` : `rollout failed: ${reason}`,
      ...(stoppedReason === undefined ? {} : { stoppedReason }),
      ...(rolledBack ? { rolledBackTo: revisionLabel(primary.taskDefinition) } : {}),
    };
    if (held) status.detail += ` (spec hash ${desiredHash} held: change the files, or apply --retry-failed / POST /retry)`;
    return status;
  }
  if (ours === undefined) return undefined;
  if (ours.rolloutState === 'COMPLETED') {
    return { ...base, state: 'in-sync', held: false, detail: `rollout ${ours.id} completed (${counts(ours)})` };
  }
  return {
    ...base,
    state: 'rolling-out',
    held: false,
    detail: `rolling out ${revisionLabel(ours.taskDefinition)}: ${counts(ours)}${ours.createdAt === undefined ? '' : `, since ${ours.createdAt}`}`,
    ...(ours.createdAt === undefined ? {} : { startedAt: ours.createdAt }),
  };
}

/**
 * The deployment an UpdateService answer started: its PRIMARY deployment, when it is new (not among
 * the deployments read before the write) and runs the revision sent. An endpoint that adds no
 * deployment (moto) starts nothing to follow, even when the revision sent is the one it began with.
 */
export function startedDeployment(deployments: readonly LiveDeployment[], taskDefinitionArn: string, before: readonly LiveDeployment[]): string | undefined {
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (primary === undefined || primary.id === '' || primary.taskDefinition !== taskDefinitionArn) return undefined;
  return before.some((d) => d.id === primary.id) ? undefined : primary.id;
}
