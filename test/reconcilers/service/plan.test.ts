// Service planning: task definition compared by content, registerTaskDefinition, secret
// redaction, ignore, conflicts (cluster, launch type), replace (metadata.allowReplace), prune.
import { describe, expect, it } from 'vitest';
import { planAll } from '../../../src/reconcilers/plan.js';
import { sameTaskDefinitionContent, taskDefinitionContentHash } from '../../../src/reconcilers/service/task-definition.js';
import type { ChangeOf, LiveService, Plan, Tags } from '../../../src/reconcilers/types.js';
import type { ContainerHealthCheck, ContainerSpec, DesiredOf, EnvVar, TaskDefinitionSpec } from '../../../src/spec/types.js';
import { ACCOUNT, OWNER, desiredState, liveState, liveTargetGroupOf, ours, service, targetGroup, taskDefinitionSpec, tgArn } from '../fixtures.js';

const tg = targetGroup('payments-tg');

function liveServiceOf(d: DesiredOf<'Service'>, tags: Tags, o: Partial<LiveService> = {}, td: TaskDefinitionSpec = d.spec.taskDefinition): LiveService {
  const s = d.spec;
  return {
    arn: `arn:aws:ecs:us-east-2:${ACCOUNT}:service/${s.cluster}/${d.name}`,
    name: d.name,
    clusterArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:cluster/${s.cluster}`,
    clusterName: s.cluster,
    status: 'ACTIVE',
    launchType: s.launchType,
    desiredCount: s.desiredCount,
    deployment: { ...s.deployment },
    taskDefinition: { arn: `arn:aws:ecs:us-east-2:${ACCOUNT}:task-definition/${td.family}:3`, family: td.family, revision: 3, spec: structuredClone(td), tags: {} },
    loadBalancers: s.loadBalancers.map((lb) => ({ targetGroupArn: 'name' in lb.targetGroup ? tgArn(lb.targetGroup.name) : lb.targetGroup.arn, containerName: lb.containerName, containerPort: lb.containerPort })),
    tags,
    ...o,
  };
}

function planOf(d: DesiredOf<'Service'>, live: LiveService[], o: { prune?: boolean; clusters?: string[] } = {}): Plan {
  return planAll(
    desiredState({ services: [d], targetGroups: [tg] }),
    liveState({ services: live, targetGroups: [liveTargetGroupOf(tg, ours(tg.id, tg.specHash))], ...(o.clusters === undefined ? {} : { clusters: o.clusters }) }),
    { prune: o.prune ?? false, ownerId: OWNER },
  );
}

function svc(plan: Plan): ChangeOf<'Service'> {
  const c = plan.changes.find((x) => x.kind === 'Service');
  if (c === undefined || c.kind !== 'Service') throw new Error(`no service change in ${JSON.stringify(plan.conflicts)}`);
  return c;
}

const base = service('payments-api', { loadBalancers: [{ targetGroup: { name: 'payments-tg' }, containerName: 'web', containerPort: 80 }] });
const withImage = (image: string): TaskDefinitionSpec => {
  const td = taskDefinitionSpec();
  td.containers[0]!.image = image;
  return td;
};
const withEnv = (environment: EnvVar[]): TaskDefinitionSpec => {
  const td = taskDefinitionSpec();
  td.containers[0]!.environment = environment;
  return td;
};

const check = (o: Partial<ContainerHealthCheck> = {}): ContainerHealthCheck => ({ command: ['CMD', '/bin/check'], intervalSeconds: 30, timeoutSeconds: 5, retries: 3, ...o });
const withContainer = (o: Partial<ContainerSpec>): TaskDefinitionSpec => {
  const td = taskDefinitionSpec();
  td.containers[0] = { ...td.containers[0]!, ...o };
  return td;
};

describe('planServices', () => {
  it('creates a missing service and registers its task definition', () => {
    const c = svc(planOf(base, []));
    expect([c.action, c.cause, c.registerTaskDefinition]).toEqual(['create', 'create', true]);
  });

  it('an INACTIVE service of that name counts as missing', () => {
    expect(svc(planOf(base, [liveServiceOf(base, ours(base.id, base.specHash), { status: 'INACTIVE' })])).action).toBe('create');
  });

  it.each<[string, Partial<LiveService>, TaskDefinitionSpec | undefined, string[], boolean]>([
    ['desired count changed behind our back', { desiredCount: 3 }, undefined, ['desiredCount'], false],
    ['an image in the running task definition changed', {}, withImage('nginx:evil'), ['taskDefinition.containers[web].image'], true],
    ['deployment percentages', { deployment: { maximumPercent: 200, minimumHealthyPercent: 100 } }, undefined, ['deployment.maximumPercent', 'deployment.minimumHealthyPercent'], false],
    ['load balancers', { loadBalancers: [] }, undefined, ['loadBalancers'], false],
    ['a container added by hand', {}, { ...taskDefinitionSpec(), containers: [...taskDefinitionSpec().containers, { ...taskDefinitionSpec().containers[0]!, name: 'sidecar' }] }, ['taskDefinition.containers[sidecar]'], true],
    ['a container health check added by hand (the files declare none)', {}, withContainer({ healthCheck: check() }), ['taskDefinition.containers[web].healthCheck'], true],
    ['a stop timeout set by hand', {}, withContainer({ stopTimeout: 90 }), ['taskDefinition.containers[web].stopTimeout'], true],
  ])('drift: %s', (_label, o, td, paths, register) => {
    const c = svc(planOf(base, [liveServiceOf(base, ours(base.id, base.specHash), o, td)]));
    expect([c.action, c.cause, c.registerTaskDefinition]).toEqual(['update', 'drift', register]);
    expect(c.diffs.map((d) => d.path)).toEqual(paths);
  });

  it.each<[string, Partial<ContainerHealthCheck>, string[]]>([
    ['the command', { command: ['CMD-SHELL', 'exit 1'] }, ['command']],
    ['interval and retries', { intervalSeconds: 60, retries: 5 }, ['intervalSeconds', 'retries']],
    ['a start period added', { startPeriodSeconds: 30 }, ['startPeriodSeconds']],
  ])('health check differs in %s: one diff per field, a new revision', (_label, live, fields) => {
    const d = service('payments-api', { ...base.spec, taskDefinition: withContainer({ healthCheck: check() }) });
    const c = svc(planOf(d, [liveServiceOf(d, ours(d.id, d.specHash), {}, withContainer({ healthCheck: check(live) }))]));
    expect([c.action, c.cause, c.registerTaskDefinition]).toEqual(['update', 'drift', true]);
    expect(c.diffs.map((x) => x.path)).toEqual(fields.map((f) => `taskDefinition.containers[web].healthCheck.${f}`));
  });

  it('a declared health check the running revision lacks is a rollout that registers a revision', () => {
    const d = service('payments-api', { ...base.spec, taskDefinition: withContainer({ healthCheck: check(), stopTimeout: 30 }) });
    const c = svc(planOf(d, [liveServiceOf(base, ours(base.id, base.specHash))]));
    expect([c.action, c.cause, c.registerTaskDefinition]).toEqual(['update', 'rollout', true]);
    expect(c.diffs).toEqual([
      { path: 'taskDefinition.containers[web].stopTimeout', live: undefined, desired: 30 },
      { path: 'taskDefinition.containers[web].healthCheck', live: undefined, desired: check() },
    ]);
  });

  it('names both values of a drifted image', () => {
    const c = svc(planOf(base, [liveServiceOf(base, ours(base.id, base.specHash), {}, withImage('nginx:evil'))]));
    expect(c.diffs).toEqual([{ path: 'taskDefinition.containers[web].image', live: 'nginx:evil', desired: `${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/payments:1.0` }]);
  });

  it('rollout: a new image in the files', () => {
    const d = service('payments-api', { ...base.spec, taskDefinition: withImage('payments:2.0') });
    const c = svc(planOf(d, [liveServiceOf(base, ours(base.id, base.specHash))]));
    expect([c.action, c.cause, c.registerTaskDefinition]).toEqual(['update', 'rollout', true]);
  });

  it.each([
    ['desiredCount', { desiredCount: 7 }, undefined, false],
    ['taskDefinition.containers.image', {}, withImage('ci-built:99'), false],
    ['taskDefinition.containers[web].image', {}, withImage('ci-built:99'), false],
  ])('metadata.ignore %s: no diff and no new revision', (ignorePath, o, td, register) => {
    const d = service('payments-api', base.spec, { ignore: [ignorePath] });
    const c = svc(planOf(d, [liveServiceOf(d, ours(d.id, d.specHash), o, td)]));
    expect([c.action, c.diffs, c.registerTaskDefinition]).toEqual(['noop', [], register]);
  });

  it('secret env values are shown as (secret), never the value; the flag is not compared', () => {
    const d = service('payments-api', { ...base.spec, taskDefinition: withEnv([{ name: 'DB_PASSWORD', value: 'hunter2', secret: true }, { name: 'MODE', value: 'production', secret: false }]) });
    const live = liveServiceOf(d, ours(d.id, d.specHash), {}, withEnv([{ name: 'DB_PASSWORD', value: 'old-secret', secret: false }, { name: 'MODE', value: 'staging', secret: false }, { name: 'TOKEN', value: 'tok-123', secret: false }]));
    const c = svc(planOf(d, [live]));
    expect(c.diffs).toEqual([
      { path: 'taskDefinition.containers[web].environment.DB_PASSWORD', live: '(secret)', desired: '(secret)' },
      { path: 'taskDefinition.containers[web].environment.MODE', live: 'staging', desired: 'production' },
      { path: 'taskDefinition.containers[web].environment.TOKEN', live: '(set)', desired: undefined },
    ]);
    expect(JSON.stringify(c.diffs)).not.toMatch(/hunter2|old-secret|tok-123/);
  });

  it.each([
    ['the cluster does not exist', { clusters: [] as string[] }, 'ECS cluster "payments" not found (desired/test.yaml:3)'],
  ])('conflict: %s', (_label, o, message) => {
    const plan = planOf(base, [], o);
    expect(plan.changes.filter((c) => c.kind === 'Service')).toEqual([]);
    expect(plan.conflicts).toEqual([{ id: base.id, message: expect.stringContaining(message) }]);
  });

  it('conflict: the launch type cannot change on an existing service', () => {
    const plan = planOf(base, [liveServiceOf(base, ours(base.id, base.specHash), { launchType: 'FARGATE' })]);
    expect(plan.conflicts[0]!.message).toContain('launch type FARGATE -> EC2 cannot change on an existing ECS service');
  });

  it('conflict without metadata.allowReplace: the message names the opt-in', () => {
    const plan = planOf(base, [liveServiceOf(base, ours(base.id, base.specHash), { launchType: 'FARGATE' })]);
    expect(plan.changes.filter((c) => c.kind === 'Service')).toEqual([]);
    expect(plan.conflicts[0]!.message).toContain('set metadata.allowReplace: true to let apply replace it');
  });

  it('with metadata.allowReplace on a service of ours: a replace that says why and what apply does', () => {
    const d = { ...base, allowReplace: true as const };
    const live = liveServiceOf(d, ours(d.id, 'older'), { launchType: 'FARGATE', desiredCount: 2 });
    const plan = planOf(d, [live]);
    expect(plan.conflicts).toEqual([]);
    const c = svc(plan);
    expect([c.action, c.cause, c.liveId, c.registerTaskDefinition]).toEqual(['replace', 'rollout', live.arn, true]);
    expect(c.reason).toBe(
      'launchType FARGATE -> EC2: AWS cannot change it in place; metadata.allowReplace: scale to 0 (desiredCount 2), ' +
        'delete once 0 tasks run, then create it again under the same name (the service is down in between)',
    );
    expect(c.diffs).toContainEqual({ path: 'desiredCount', live: 2, desired: 1 });
  });

  it('with metadata.allowReplace, capacity providers back to a launch type: a replace', () => {
    const d = { ...base, allowReplace: true as const };
    const live = liveServiceOf(d, ours(d.id, d.specHash), { launchType: '', aws: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }] } });
    const c = svc(planOf(d, [live]));
    expect(c.action).toBe('replace');
    expect(c.reason).toMatch(/^capacityProviderStrategy -> launchType EC2: AWS cannot change it in place/);
  });

  it('with metadata.allowReplace, a service not tagged as ours is never replaced: a conflict', () => {
    const d = { ...base, allowReplace: true as const };
    const plan = planOf(d, [liveServiceOf(d, {}, { launchType: 'FARGATE' })]);
    expect(plan.changes.filter((c) => c.kind === 'Service')).toEqual([]);
    expect(plan.conflicts[0]!.message).toContain('metadata.allowReplace is set, but service payments/payments-api is not tagged as ours');
  });

  it('metadata.allowReplace with nothing that needs a new service: an ordinary plan', () => {
    const d = { ...base, allowReplace: true as const };
    expect(svc(planOf(d, [liveServiceOf(d, ours(d.id, d.specHash), { desiredCount: 3 })])).action).toBe('update');
  });

  it('prunes a service tagged as ours that left the files, only with prune', () => {
    const old = service('old-api');
    const live = liveServiceOf(old, ours(old.id, old.specHash));
    const ids = (prune: boolean) => planOf(base, [live], { prune }).changes.filter((c) => c.action === 'delete').map((c) => c.id);
    expect(ids(true)).toEqual(['Service/old-api']);
    expect(ids(false)).toEqual([]);
  });

  it('a pruned service says it is scaled to 0, deleted once drained (a later cycle while tasks run), and which revisions go', () => {
    const old = service('old-api', { desiredCount: 2 });
    const revisions = ['arn:aws:ecs:us-east-2:1:task-definition/old-api:3', 'arn:aws:ecs:us-east-2:1:task-definition/old-api:4'];
    const reason = (runningCount: number, desiredCount = 2) =>
      planOf(base, [liveServiceOf(old, ours(old.id, old.specHash), { desiredCount, prune: { runningCount, revisions } })], { prune: true }).changes.find(
        (c) => c.id === 'Service/old-api',
      )?.reason;
    expect(reason(2)).toContain('scale to 0 (desiredCount 2), then delete once its deployments report 0 running tasks (2 running now: the delete waits for a later cycle)');
    expect(reason(2)).toContain('deregister 2 task definition revision(s) tagged as ours');
    expect(reason(0, 0)).not.toContain('scale to 0');
    expect(reason(0, 0)).not.toContain('later cycle');
  });

  it('never prunes a service without our owner tag, or another owner\'s', () => {
    const old = service('old-api');
    for (const tags of [{}, { 'ecs-reconciler/owner': 'someone-else', 'ecs-reconciler/resource': 'Service/old-api' }] as Tags[]) {
      const plan = planOf(base, [liveServiceOf(old, tags)], { prune: true });
      expect(plan.changes.filter((c) => c.action === 'delete')).toEqual([]);
    }
  });
});

describe('task definition content', () => {
  it('equal content gives an equal hash whatever the order of containers, env and the secret flag', () => {
    const a = taskDefinitionSpec({ containers: [{ ...taskDefinitionSpec().containers[0]!, environment: [{ name: 'A', value: '1', secret: true }, { name: 'B', value: '2', secret: false }] }] });
    const b = taskDefinitionSpec({ containers: [{ ...taskDefinitionSpec().containers[0]!, environment: [{ name: 'B', value: '2', secret: false }, { name: 'A', value: '1', secret: false }] }] });
    expect(sameTaskDefinitionContent(a, b)).toBe(true);
    expect(taskDefinitionContentHash(a)).toBe(taskDefinitionContentHash(b));
    expect(taskDefinitionContentHash(a)).not.toBe(taskDefinitionContentHash(withImage('other:1')));
  });
});
