// The valid fixture (every kind, every optional field) loads into exactly the expected state;
// one bad document anywhere turns the whole load into errors, never a partial state.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import { summariseState } from '../../src/spec/load-desired-state.js';
import type { DesiredState } from '../../src/spec/types.js';

const FIXTURE = new URL('./valid/full/', import.meta.url).pathname;

async function load(): Promise<DesiredState> {
  const result = await loadDesiredState(FIXTURE);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('\n'));
  return result.state;
}

describe('valid fixture', () => {
  it('loads every kind, sorted by name, with the files read', async () => {
    const state = await load();
    expect(state.files).toEqual(['nested/firewall-and-service.yml', 'routing.yaml']);
    expect(summariseState(state).byKind).toEqual({ TargetGroup: 2, Listener: 3, ListenerRule: 2, SecurityGroupIngress: 1, Service: 2, ScalableTarget: 0 });
    expect(state.targetGroups.map((r) => r.id)).toEqual(['TargetGroup/client-tg', 'TargetGroup/users-tg']);
    expect(state.listeners.map((r) => r.name)).toEqual(['web-8080', 'web-http', 'web-https']);
    expect(state.services.map((r) => [r.name, r.source])).toEqual([
      ['client', { file: 'nested/firewall-and-service.yml', line: 68, col: 1 }],
      ['users-api', { file: 'nested/firewall-and-service.yml', line: 24, col: 1 }],
    ]);
  });

  it('normalises the TargetGroup with every optional field', async () => {
    const tg = (await load()).targetGroups[1]!;
    expect(tg).toMatchObject({ policy: 'observe', ignore: ['healthCheck.path', 'tags.team', 'attributes'], source: { file: 'routing.yaml', line: 3, col: 1 } });
    expect(tg.spec).toEqual({
      vpcId: 'vpc-0f1a5c0000000001',
      protocol: 'HTTP',
      port: 5000,
      targetType: 'ip',
      healthCheck: { path: '/ping', protocol: 'HTTP', port: '5000', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200-299' },
      attributes: { 'deregistration_delay.timeout_seconds': '30', 'stickiness.enabled': 'false', 'load_balancing.algorithm.type': 'least_outstanding_requests' },
      tags: { team: 'users', env: 'prod' },
    });
  });

  it('normalises listeners and rules', async () => {
    const state = await load();
    expect(state.listeners.find((l) => l.name === 'web-https')!.spec).toEqual({
      loadBalancer: 'web-alb',
      port: 443,
      protocol: 'HTTPS',
      certificateArn: 'arn:aws:acm:us-east-2:123456789012:certificate/0f1a5c00-0000-0000-0000-000000000001',
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      defaultAction: { type: 'forward', targetGroup: { name: 'client-tg' } },
    });
    expect(state.listeners.find((l) => l.name === 'web-http')!.spec.defaultAction).toEqual({
      type: 'redirect', statusCode: 'HTTP_301', protocol: 'HTTPS', port: '443', host: '#{host}', path: '/#{path}', query: '#{query}',
    });
    expect(state.listenerRules.find((r) => r.name === 'users-api')!.spec).toEqual({
      listener: { loadBalancer: 'web-alb', port: 443 },
      priority: 100,
      conditions: { pathPatterns: ['/ping', '/users*'], hostHeaders: ['api.example.com'], httpRequestMethods: ['GET'], sourceIps: ['10.0.0.0/8'] },
      action: { type: 'forward', targetGroup: { name: 'users-tg' } },
    });
  });

  it('expands and sorts the ingress rules', async () => {
    const sg = (await load()).securityGroupIngress[0]!;
    expect(sg.spec.exclusive).toBe(true);
    expect(sg.spec.rules).toEqual([
      { protocol: 'all', fromPort: -1, toPort: -1, source: { type: 'securityGroup', value: 'sg-0f1a5c00000000a1' } },
      { protocol: 'icmp', fromPort: -1, toPort: -1, source: { type: 'prefixList', value: 'pl-0f1a5c00000000b1' } },
      { protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: 'sg-0f1a5c00000000a2' }, description: 'app tasks to postgres' },
      { protocol: 'tcp', fromPort: 8000, toPort: 8100, source: { type: 'cidr', value: '10.2.0.0/24' } },
      { protocol: 'udp', fromPort: 53, toPort: 53, source: { type: 'ipv6Cidr', value: '2001:db8::/64' } },
    ]);
  });

  it('normalises the Service with every optional field', async () => {
    const svc = (await load()).services.find((s) => s.name === 'users-api')!;
    expect(svc.ignore).toEqual(['desiredCount']);
    expect(svc.spec).toMatchObject({
      cluster: 'flask-react',
      launchType: 'FARGATE',
      desiredCount: 2,
      deployment: { maximumPercent: 150, minimumHealthyPercent: 50 },
      healthCheckGracePeriodSeconds: 60,
      loadBalancers: [{ targetGroup: { name: 'users-tg' }, containerName: 'users', containerPort: 5000 }],
      network: { subnets: ['subnet-0f1a5c00000000c1', 'subnet-0f1a5c00000000c2'], securityGroups: ['sg-0f1a5c00000000a1'], assignPublicIp: true },
      tags: { team: 'users' },
    });
    const td = svc.spec.taskDefinition;
    expect({ ...td, containers: undefined }).toEqual({
      family: 'users-api',
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      taskRoleArn: 'arn:aws:iam::123456789012:role/users-api-task',
      requiresCompatibilities: ['FARGATE'],
      containers: undefined,
    });
    expect(td.containers[0]).toEqual({
      name: 'users',
      image: '123456789012.dkr.ecr.us-east-2.amazonaws.com/users:1.0',
      essential: true,
      portMappings: [{ containerPort: 5000, hostPort: 5000, protocol: 'tcp' }],
      cpu: 256,
      memory: 512,
      memoryReservation: 256,
      environment: [
        { name: 'APP_SETTINGS', value: 'project.config.ProductionConfig', secret: false },
        { name: 'DATABASE_URL', value: 'postgres://users:pw@db/users', secret: true },
        { name: 'FLASK_ENV', value: 'production', secret: false },
      ],
      secrets: [{ name: 'SECRET_KEY', valueFrom: 'arn:aws:secretsmanager:us-east-2:123456789012:secret:users-key' }],
      command: ['gunicorn', '-b', '0.0.0.0:5000', 'manage:app'],
      entryPoint: ['/bin/sh', '-c'],
      logs: { group: '/ecs/users-api', region: 'us-east-2', streamPrefix: 'users' },
    });
    expect(td.containers[1]).toEqual({
      name: 'sidecar', image: 'public.ecr.aws/docker/library/busybox:1.36', essential: false, portMappings: [], memoryReservation: 64, environment: [], secrets: [],
    });
  });

  it('loads a single file of the fixture on its own (its references are declared in it)', async () => {
    const result = await loadDesiredState(join(FIXTURE, 'routing.yaml'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.state.files).toEqual(['routing.yaml']);
  });

  it('gives no state at all when one document anywhere is invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecsr-partial-'));
    try {
      await cp(FIXTURE, dir, { recursive: true });
      await writeFile(join(dir, 'zz-broken.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: broken }\nspec: { vpcId: vpc-0a, protocol: HTTP, port: 0 }\n');
      const result = await loadDesiredState(dir);
      expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ file: 'zz-broken.yaml', line: 4, code: 'schema.range' })] });
      expect('state' in result).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
