// deploy/task-definition.json and deploy/service.json (the first deployment, by hand) must be what
// desired/ecs-reconciler.yaml declares (the controller managing itself), compared with the code
// the controller uses on live resources: the task-definition normaliser and diff, and planAll.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateServiceRequest, RegisterTaskDefinitionRequest, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_OPTIONS, resolveRunConfig } from '../../src/controller/run-config.js';
import { normaliseService } from '../../src/reconcilers/service/normalise.js';
import { planAll } from '../../src/reconcilers/plan.js';
import { diffTaskDefinition } from '../../src/reconcilers/service/task-definition.js';
import { normaliseTaskDefinition } from '../../src/reconcilers/service/task-definition-normalise.js';
import type { LiveState, LiveTargetGroup } from '../../src/reconcilers/types.js';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import type { DesiredOf, DesiredState } from '../../src/spec/types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readJson = <T>(p: string): T => JSON.parse(readFileSync(join(root, p), 'utf8')) as T;

const taskDefinitionJson = readJson<RegisterTaskDefinitionRequest>('deploy/task-definition.json');
const serviceJson = readJson<CreateServiceRequest>('deploy/service.json');
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** What ECS answers to DescribeTaskDefinition after registering the JSON (read-only fields added). */
function registered(request: RegisterTaskDefinitionRequest): TaskDefinition {
  return {
    ...request,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${request.family}:1`,
    revision: 1,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
  } as TaskDefinition;
}

let dir = '';
let desired: DesiredState;
let desiredService: DesiredOf<'Service'>;

beforeAll(async () => {
  // only this file: the other desired files belong to other systems
  dir = mkdtempSync(join(tmpdir(), 'ecs-reconciler-self-'));
  cpSync(join(root, 'desired/ecs-reconciler.yaml'), join(dir, 'ecs-reconciler.yaml'));
  const loaded = await loadDesiredState(dir);
  if (!loaded.ok) throw new Error(`desired/ecs-reconciler.yaml is invalid:\n${loaded.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.message}`).join('\n')}`);
  desired = loaded.state;
  const svc = desired.services.find((s) => s.name === serviceJson.serviceName);
  if (svc === undefined) throw new Error(`desired/ecs-reconciler.yaml declares no Service ${serviceJson.serviceName}`);
  desiredService = svc;
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('deploy/task-definition.json against desired/ecs-reconciler.yaml', () => {
  it('normalises to the declared task definition: no diff', () => {
    const live = normaliseTaskDefinition(registered(taskDefinitionJson), []);
    expect(diffTaskDefinition(live.spec, desiredService.spec.taskDefinition)).toEqual([]);
    expect(live.spec).toEqual(desiredService.spec.taskDefinition);
  });

  it('a changed image in the JSON is a diff (the comparison can fail)', () => {
    const changed = structuredClone(taskDefinitionJson);
    changed.containerDefinitions![0]!.image = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/ecs-reconciler:9.9.9`;
    const diffs = diffTaskDefinition(normaliseTaskDefinition(registered(changed), []).spec, desiredService.spec.taskDefinition);
    expect(diffs.map((d) => d.path)).toEqual(['taskDefinition.containers[ecs-reconciler].image']);
  });

  it('carries no field the desired-state format cannot express (health check and stop timeout included)', () => {
    // Drop each container field in turn: only an ECS default written out (essential: true) may
    // change nothing; any other field whose removal goes unnoticed would be lost by the first
    // revision the controller registers for itself.
    const base = normaliseTaskDefinition(registered(taskDefinitionJson), []).spec;
    const container = taskDefinitionJson.containerDefinitions![0]! as unknown as Record<string, unknown>;
    const notCompared = Object.keys(container).filter((key) => {
      const without = structuredClone(taskDefinitionJson);
      delete (without.containerDefinitions![0] as unknown as Record<string, unknown>)[key];
      return diffTaskDefinition(normaliseTaskDefinition(registered(without), []).spec, base).length === 0;
    });
    expect(notCompared).toEqual(['essential']);
    expect(container.essential).toBe(true);
    expect(Object.keys(container)).toEqual(expect.arrayContaining(['healthCheck', 'stopTimeout']));
  });

  it('declares the same container health check and stop timeout in the YAML', () => {
    const c = desiredService.spec.taskDefinition.containers[0]!;
    expect(c.healthCheck).toEqual({ command: ['CMD', 'node', '/app/healthcheck.mjs'], intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 30 });
    expect(c.stopTimeout).toBe(30);
  });

  it('names the secrets as ECS secrets, never as plain environment', () => {
    const c = taskDefinitionJson.containerDefinitions![0]!;
    expect((c.secrets ?? []).map((s) => s.name).sort()).toEqual(['GIT_TOKEN', 'SLACK_WEBHOOK_URL', 'WEBHOOK_SECRET']);
    for (const s of c.secrets ?? []) expect(s.valueFrom).toMatch(/^arn:aws:(secretsmanager|ssm):/);
    const names = (c.environment ?? []).map((e) => e.name ?? '');
    expect(names.filter((n) => /TOKEN|SECRET|WEBHOOK_URL|PASSWORD/.test(n))).toEqual([]);
    expect(names.filter((n) => n.startsWith('ECS_RECONCILER_') || n === 'LOG_LEVEL').length).toBeGreaterThan(0);
  });

  it('configures `run` with known ECS_RECONCILER_* variables whose values parse', () => {
    const env = Object.fromEntries((taskDefinitionJson.containerDefinitions![0]!.environment ?? []).map((e) => [e.name!, e.value!]));
    const known = new Set(RUN_OPTIONS.map((o) => o.env));
    expect(Object.keys(env).filter((n) => n.startsWith('ECS_RECONCILER_') && !known.has(n))).toEqual([]);
    const config = resolveRunConfig({}, env);
    expect(config).toMatchObject({ source: env.ECS_RECONCILER_SOURCE, branch: 'main', path: 'desired/', intervalMs: 60_000, port: 8080 });
    // the health check and the port mapping reach the port the server listens on
    expect(taskDefinitionJson.containerDefinitions![0]!.portMappings?.[0]?.containerPort).toBe(config.port);
    expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(env.LOG_LEVEL);
  });

  it('is sized and shaped for Fargate: awsvpc, 256 CPU units / 512 MiB, awslogs, stop timeout 30', () => {
    expect(taskDefinitionJson).toMatchObject({ networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' });
    expect(taskDefinitionJson.containerDefinitions![0]!.logConfiguration?.logDriver).toBe('awslogs');
  });
});

describe('deploy/service.json against desired/ecs-reconciler.yaml', () => {
  it('plans no change for the service: same count, deployment, network, load balancer and task content', () => {
    const tgName = /targetgroup\/([^/]+)\//.exec(serviceJson.loadBalancers?.[0]?.targetGroupArn ?? '')?.[1] ?? '';
    const desiredTg = desired.targetGroups.find((t) => t.name === tgName);
    expect(desiredTg, `service.json's target group ${tgName} is declared`).toBeDefined();
    const liveTg: LiveTargetGroup = {
      arn: serviceJson.loadBalancers![0]!.targetGroupArn!,
      name: tgName,
      vpcId: desiredTg!.spec.vpcId,
      protocol: desiredTg!.spec.protocol,
      port: desiredTg!.spec.port,
      targetType: desiredTg!.spec.targetType,
      healthCheck: { path: '/', protocol: 'HTTP', port: 'traffic-port', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200' },
      attributes: {},
      tags: {},
      loadBalancerArns: [],
    };
    const { cluster, taskDefinition: _td, ...rest } = serviceJson;
    const described: Service = {
      ...rest,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`,
      serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${serviceJson.serviceName}`,
      status: 'ACTIVE',
    } as Service;
    const live: LiveState = {
      loadBalancers: [],
      targetGroups: [liveTg],
      listeners: [],
      rules: [],
      securityGroups: [],
      services: [normaliseService(described, normaliseTaskDefinition(registered(taskDefinitionJson), []))],
      clusters: [cluster!],
      scalableTargets: [],
    };
    const plan = planAll({ ...desired, listenerRules: [], securityGroupIngress: [] }, live, { prune: false, ownerId: 'ecs-reconciler' });
    expect(plan.conflicts).toEqual([]);
    const change = plan.changes.find((c) => c.id === desiredService.id);
    expect(change?.diffs).toEqual([]);
    expect(change?.kind === 'Service' && change.registerTaskDefinition).toBe(false);
  });

  it('runs one controller at a time: desired count 1, maximum 100 %, minimum healthy 0 %', () => {
    expect(serviceJson.desiredCount).toBe(1);
    expect(serviceJson.deploymentConfiguration).toEqual({ maximumPercent: 100, minimumHealthyPercent: 0 });
    expect(desiredService.spec.desiredCount).toBe(1);
    expect(desiredService.spec.deployment).toEqual({ maximumPercent: 100, minimumHealthyPercent: 0 });
    expect(desiredService.policy).toBe('enforce');
    expect(desiredService.ignore).toEqual([]);
    expect(serviceJson.taskDefinition).toBe(taskDefinitionJson.family);
  });
});
