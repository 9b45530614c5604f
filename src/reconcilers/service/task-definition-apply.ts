// Task definition revisions for a Service change. A revision is registered only when no recent
// revision of the family carries the same `ecs-reconciler/content-hash` tag, so identical content
// never makes a new revision (this also makes a retried register safe).
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
import { performWrite } from '../shared/apply-write.js';
import { guardAmbiguousRetries } from '../../aws/write-retry.js';
import { taskDefinitionContentHash } from './task-definition.js';
import type { ChangeOf } from '../types.js';
import { TAG_CONTENT_HASH } from '../types.js';

/** How many of the newest revisions of a family are checked for identical content. */
export const REVISIONS_CHECKED = 5;

function containerDefinition(c: ContainerSpec): ContainerDefinition {
  return {
    name: c.name,
    image: c.image,
    essential: c.essential,
    portMappings: c.portMappings.map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol })),
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
  const spec = desired.spec.taskDefinition;
  const hash = taskDefinitionContentHash(spec);
  const running = change.live?.taskDefinition;
  if (running !== undefined && running.tags[TAG_CONTENT_HASH] === hash) return running.arn;
  const existing = await findRevisionByContentHash(ctx, spec.family, hash);
  if (existing !== undefined) {
    ctx.log.info({ kind: 'Service', name: change.name, arn: existing }, `reusing task definition ${spec.family} ${existing} (same content)`);
    return existing;
  }
  return performWrite(ctx, {
    change,
    verb: 'register',
    subject: `task definition ${spec.family}`,
    service: 'ecs',
    operation: 'RegisterTaskDefinition',
    send: async ({ ambiguous }) => {
      if (ambiguous) {
        const found = await findRevisionByContentHash(ctx, spec.family, hash);
        if (found !== undefined) return found;
      }
      const out = await ctx.clients.ecs.send(
        guardAmbiguousRetries(
          new RegisterTaskDefinitionCommand({
            ...registerInput(spec),
            tags: toEcsTags({ ...ownershipTags(ctx, 'Service', change.name), [TAG_CONTENT_HASH]: hash }),
          }),
        ),
      );
      const arn = out.taskDefinition?.taskDefinitionArn;
      if (arn === undefined) throw new Error('RegisterTaskDefinition returned no task definition');
      return arn;
    },
    resultId: (arn) => arn,
  });
}
