// Task definition revisions for a Service change. A revision is registered only when no recent
// revision of the family carries the same `ecs-reconciler/content-hash` tag, so identical content
// never makes a new revision (this also makes a retried register safe).
// ECS has no client token for RegisterTaskDefinition, so that lookup is the only idempotency there
// is, and it can only be believed once the earlier register is no longer in flight: after a
// register that got no answer (timeout, reset) it is repeated for a landing window, and if the
// revision does not appear the register is not sent again (see unanswered-registers.ts).
import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { ContainerSpec, TaskDefinitionSpec } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { ownershipTags, toEcsTags } from '../shared/apply-context.js';
import { ApplyWriteError, performWrite } from '../shared/apply-write.js';
import { awaitLanding, guardAmbiguousRetries, landingWindowMs, UnsettledWriteError } from '../../aws/write-retry.js';
import { requestDeadlineOf } from '../../aws/request-deadline.js';
import { clearUnansweredRegister, noteUnansweredRegister, unansweredRegisterSince, UNANSWERED_REGISTER_HOLD_MS } from './unanswered-registers.js';
import { diffTaskDefinition, taskDefinitionContentHash } from './task-definition.js';
import { taskDefinitionSpecOf } from './task-definition-normalise.js';
import type { ChangeOf } from '../types.js';
import { TAG_CONTENT_HASH } from '../types.js';

/** How many of the newest revisions of a family are checked for identical content. */
export const REVISIONS_CHECKED = 5;

function containerDefinition(c: ContainerSpec): ContainerDefinition {
  return {
    name: c.name,
    image: c.image,
    essential: c.essential,
    portMappings: c.portMappings.map((p) => ({
      // a range goes alone: AWS refuses containerPort or hostPort beside it
      ...(p.containerPortRange === undefined ? { containerPort: p.containerPort, hostPort: p.hostPort } : { containerPortRange: p.containerPortRange }),
      protocol: p.protocol,
      ...(p.name === undefined ? {} : { name: p.name }),
      ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
    })),
    ...(c.cpu === undefined ? {} : { cpu: c.cpu }),
    ...(c.memory === undefined ? {} : { memory: c.memory }),
    ...(c.memoryReservation === undefined ? {} : { memoryReservation: c.memoryReservation }),
    environment: c.environment.map((e) => ({ name: e.name, value: e.value })),
    secrets: c.secrets.map((s) => ({ name: s.name, valueFrom: s.valueFrom })),
    ...(c.command === undefined ? {} : { command: [...c.command] }),
    ...(c.entryPoint === undefined ? {} : { entryPoint: [...c.entryPoint] }),
    ...(c.logs === undefined
      ? {}
      : {
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': c.logs.group,
              'awslogs-region': c.logs.region,
              'awslogs-stream-prefix': c.logs.streamPrefix,
            },
          },
        }),
    ...(c.healthCheck === undefined
      ? {}
      : {
          healthCheck: {
            command: [...c.healthCheck.command],
            interval: c.healthCheck.intervalSeconds,
            timeout: c.healthCheck.timeoutSeconds,
            retries: c.healthCheck.retries,
            ...(c.healthCheck.startPeriodSeconds === undefined ? {} : { startPeriod: c.healthCheck.startPeriodSeconds }),
          },
        }),
    ...(c.stopTimeout === undefined ? {} : { stopTimeout: c.stopTimeout }),
    // the AWS-shaped fields (aws-fields.ts CONTAINER_FIELDS) go as they are: the YAML has AWS's names
    ...(c.aws ?? {}),
  };
}

export function registerInput(spec: TaskDefinitionSpec): Omit<RegisterTaskDefinitionCommandInput, 'tags'> {
  return {
    family: spec.family,
    networkMode: spec.networkMode,
    requiresCompatibilities: [...spec.requiresCompatibilities],
    ...(spec.cpu === undefined ? {} : { cpu: spec.cpu }),
    ...(spec.memory === undefined ? {} : { memory: spec.memory }),
    ...(spec.executionRoleArn === undefined ? {} : { executionRoleArn: spec.executionRoleArn }),
    ...(spec.taskRoleArn === undefined ? {} : { taskRoleArn: spec.taskRoleArn }),
    containerDefinitions: spec.containers.map(containerDefinition),
    ...(spec.aws ?? {}),
  };
}

function revisionOf(arn: string): number {
  const n = Number(arn.slice(arn.lastIndexOf(':') + 1));
  return Number.isFinite(n) ? n : 0;
}

/** The newest revision of `family` whose content-hash tag equals `hash`, among the few newest. */
export async function findRevisionByContentHash(ctx: ApplyContext, family: string, hash: string): Promise<string | undefined> {
  const out = await ctx.clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC', maxResults: REVISIONS_CHECKED, status: 'ACTIVE' }),
  );
  // sorted here too: an endpoint may ignore `sort` (moto lists oldest first)
  const newest = (out.taskDefinitionArns ?? [])
    .filter((arn) => arn.includes(`:task-definition/${family}:`))
    .sort((a, b) => revisionOf(b) - revisionOf(a))
    .slice(0, REVISIONS_CHECKED);
  for (const arn of newest) {
    const td = await ctx.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
    if ((td.tags ?? []).some((t) => t.key === TAG_CONTENT_HASH && t.value === hash)) return arn;
  }
  return undefined;
}

/** The ARN of a revision with the desired content: the running one, a recent one, or a new one. */
export async function ensureTaskDefinition(change: ChangeOf<'Service'>, ctx: ApplyContext): Promise<string> {
  const desired = change.desired;
  if (desired === undefined) throw new Error(`${change.id}: no desired task definition`);
  // on an existing service, the ignored fields at their live value (ignored-live.ts)
  const spec = (change.writeSpec ?? desired.spec).taskDefinition;
  const hash = taskDefinitionContentHash(spec);
  const running = change.live?.taskDefinition;
  if (running !== undefined && running.tags[TAG_CONTENT_HASH] === hash) return running.arn;
  const ecs = ctx.clients.ecs;
  const lookup = () => findRevisionByContentHash(ctx, spec.family, hash);
  const existing = await lookup();
  if (existing !== undefined) {
    clearUnansweredRegister(ecs, spec.family, hash);
    ctx.log.info({ kind: 'Service', name: change.name, arn: existing }, `reusing task definition ${spec.family} ${existing} (same content)`);
    return existing;
  }
  const pendingSince = unansweredRegisterSince(ecs, spec.family, hash);
  if (pendingSince !== undefined) {
    const message =
      `a RegisterTaskDefinition of task definition ${spec.family} sent ${new Date(pendingSince).toISOString()} got no answer and may still land: ` +
      `not sent again (that would make a second revision) until it appears or ${UNANSWERED_REGISTER_HOLD_MS / 60_000} min have passed`;
    ctx.log.warn({ kind: 'Service', name: change.name, operation: 'RegisterTaskDefinition' }, message);
    throw new ApplyWriteError(change.id, 'RegisterTaskDefinition', message, undefined);
  }
  let sentAt = Date.now();
  return performWrite(ctx, {
    change,
    verb: 'register',
    subject: `task definition ${spec.family}`,
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    send: async ({ ambiguous, unanswered }) => {
      if (ambiguous) {
        // after a 5xx ECS has finished with the request: one look is enough. After no answer the
        // register may still be on its way: keep looking for the landing window
        const windowMs = landingWindowMs(requestDeadlineOf(ecs));
        const found = unanswered ? await awaitLanding(lookup, { windowMs }) : await lookup();
        if (found !== undefined) {
          clearUnansweredRegister(ecs, spec.family, hash);
          return found;
        }
        if (unanswered) {
          noteUnansweredRegister(ecs, spec.family, hash, sentAt);
          throw new UnsettledWriteError(
            `RegisterTaskDefinition got no answer and no revision with its content appeared within ${windowMs / 1000} s: ` +
              'it may still land, so it is not sent again (that would make a second revision); the next cycle looks for it by its content hash',
          );
        }
      }
      sentAt = Date.now();
      const out = await ecs.send(
        guardAmbiguousRetries(
          new RegisterTaskDefinitionCommand({
            ...registerInput(spec),
            tags: toEcsTags({ ...ownershipTags(ctx, 'Service', change.name), [TAG_CONTENT_HASH]: hash }),
          }),
        ),
      );
      const arn = out.taskDefinition?.taskDefinitionArn;
      if (arn === undefined) throw new Error('RegisterTaskDefinition returned no task definition');
      // read after write: a revision is immutable, so a field its answer lacks can only be sent again as another revision
      const dropped = diffTaskDefinition(taskDefinitionSpecOf(out.taskDefinition!), spec).map((d) => d.path);
      if (dropped.length > 0) {
        ctx.log.warn(
          { kind: 'Service', name: change.name, operation: 'RegisterTaskDefinition', arn },
          `RegisterTaskDefinition of ${spec.family} answered without what was sent for ${dropped.join(', ')}: the next plan shows the difference`,
        );
      }
      return arn;
    },
    resultId: (arn) => arn,
  });
}
