// The AWS-named task definition and service fields (src/spec/aws-fields.ts) round trip against
// moto: two services declaring them (Fargate on capacity providers with a FireLens router, EFS and
// a read-only root file system; EC2 with placement, Docker and host volumes), applied once, then
// the plan is empty. Then, one field at a time, a person changes AWS with the SDK (UpdateService,
// or a revision registered by hand and rolled onto): the plan shows that one field as DRIFT with
// both values, one apply corrects it, and the plan is empty again.
// moto never reports serviceConnectConfiguration: it is tested at plan/write level
// (test/reconcilers/service/service-fields.test.ts), see test/README.md.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createCluster, createSubnets, createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let subnet: string;

const CLUSTER = 'fields-cluster';
/** a containerPortRange mapping as both sides read it: no single container or host port */
const RANGE = (range: string) => ({ containerPort: 0, containerPortRange: range, hostPort: 0, protocol: 'tcp' });

function yaml(): string {
  return `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: fields-fargate }
spec:
  cluster: ${CLUSTER}
  capacityProviderStrategy:
    - { capacityProvider: FARGATE, base: 1, weight: 1 }
    - { capacityProvider: FARGATE_SPOT, weight: 3 }
  deployment:
    maximumPercent: 150
    minimumHealthyPercent: 50
    circuitBreaker: { enable: true, rollback: true }
    alarms: { alarmNames: [api-5xx, api-latency], enable: true, rollback: false }
  enableExecuteCommand: true
  enableECSManagedTags: true
  propagateTags: TASK_DEFINITION
  platformVersion: 1.4.0
  availabilityZoneRebalancing: ENABLED
  serviceRegistries:
    - { registryArn: "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0abc" }
  taskDefinition:
    family: fields-fargate
    cpu: "512"
    memory: "1024"
    runtimePlatform: { cpuArchitecture: ARM64, operatingSystemFamily: LINUX }
    ephemeralStorage: { sizeInGiB: 30 }
    pidMode: task
    volumes:
      - name: data
        efsVolumeConfiguration: { fileSystemId: fs-0abc1234, transitEncryption: ENABLED }
      - name: scratch
    containers:
      - name: app
        image: nginx:1.27
        portMappings: [{ containerPort: 80, name: http, appProtocol: http }, { containerPortRange: "8000-8010" }]
        dependsOn: [{ containerName: log-router, condition: START }]
        readonlyRootFilesystem: true
        user: "1000"
        workingDirectory: /srv
        dockerLabels: { team: payments }
        ulimits: [{ name: nofile, softLimit: 4096, hardLimit: 8192 }]
        linuxParameters: { initProcessEnabled: true, capabilities: { add: [SYS_PTRACE] } }
        mountPoints:
          - { sourceVolume: data, containerPath: /data }
          - { sourceVolume: scratch, containerPath: /tmp }
        startTimeout: 60
        logConfiguration:
          logDriver: awsfirelens
          options: { Name: cloudwatch, region: us-east-1, log_group_name: /ecs/fields }
      - name: log-router
        image: public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0
        essential: false
        memoryReservation: 50
        firelensConfiguration: { type: fluentbit, options: { enable-ecs-log-metadata: "true" } }
  network: { subnets: [${subnet}] }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: fields-ec2 }
spec:
  cluster: ${CLUSTER}
  launchType: EC2
  placementConstraints: [{ type: distinctInstance }]
  placementStrategy:
    - { type: spread, field: "attribute:ecs.availability-zone" }
    - { type: binpack, field: memory }
  taskDefinition:
    family: fields-ec2
    networkMode: bridge
    ipcMode: task
    volumes:
      - name: cache
        dockerVolumeConfiguration: { scope: shared, autoprovision: true, driver: local }
      - name: host-logs
        host: { sourcePath: /var/log/app }
    containers:
      - name: web
        image: nginx:1.27
        memory: 256
        privileged: true
        hostname: web
        dnsServers: [10.0.0.2, 1.1.1.1]
        extraHosts: [{ hostname: db.internal, ipAddress: 10.0.0.5 }]
        systemControls: [{ namespace: net.core.somaxconn, value: "1024" }]
        interactive: true
        pseudoTerminal: true
        mountPoints: [{ sourceVolume: cache, containerPath: /cache, readOnly: true }]
        logConfiguration:
          logDriver: awslogs
          options: { awslogs-group: /ecs/web, awslogs-region: us-east-1, awslogs-stream-prefix: web, mode: non-blocking }
          secretOptions: [{ name: token, valueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/token" }]
      - name: helper
        image: busybox:1.36
        memory: 64
        essential: false
        volumesFrom: [{ sourceContainer: web, readOnly: true }]
        repositoryCredentials: { credentialsParameter: "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry" }
        mountPoints: [{ sourceVolume: host-logs, containerPath: /logs }]
`;
}

async function describeService(name: string) {
  const out = await clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }));
  return out.services![0]!;
}

/** A person registers a revision by hand (the running one, changed) and rolls the service onto it. */
async function handRevision(service: string, change: (td: RegisterTaskDefinitionCommandInput) => void): Promise<void> {
  const running = (await describeService(service)).taskDefinition!;
  const { taskDefinition } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: running }));
  const {
    taskDefinitionArn: _a, revision: _r, status: _s, requiresAttributes: _q, compatibilities: _c, registeredAt: _t, registeredBy: _b, deregisteredAt: _d,
    ...input
  } = taskDefinition as TaskDefinition & Record<string, unknown>;
  const copy = structuredClone(input) as RegisterTaskDefinitionCommandInput;
  change(copy);
  const registered = await clients.ecs.send(new RegisterTaskDefinitionCommand(copy));
  await clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service, taskDefinition: registered.taskDefinition!.taskDefinitionArn! }));
}

const container = (td: RegisterTaskDefinitionCommandInput, name: string) => td.containerDefinitions!.find((c) => c.name === name)!;

interface Case {
  name: string;
  service: 'fields-fargate' | 'fields-ec2';
  /** the change by hand */
  by: { update: Omit<UpdateServiceCommandInput, 'cluster' | 'service'> } | { revision: (td: RegisterTaskDefinitionCommandInput) => void };
  path: string;
  live: unknown;
  desired: unknown;
}

const FARGATE_DEPLOYMENT = { maximumPercent: 150, minimumHealthyPercent: 50, alarms: { alarmNames: ['api-5xx', 'api-latency'], enable: true, rollback: false } };

const CASES: Case[] = [
  { name: 'circuit breaker turned off', service: 'fields-fargate', by: { update: { deploymentConfiguration: { ...FARGATE_DEPLOYMENT, deploymentCircuitBreaker: { enable: false, rollback: false } } } },
    path: 'deployment.circuitBreaker', live: undefined, desired: { enable: true, rollback: true } },
  { name: 'deployment alarms dropped', service: 'fields-fargate',
    by: { update: { deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 50, deploymentCircuitBreaker: { enable: true, rollback: true }, alarms: { alarmNames: ['api-5xx'], enable: true, rollback: false } } } },
    path: 'deployment.alarms', live: { alarmNames: ['api-5xx'], enable: true, rollback: false }, desired: { alarmNames: ['api-5xx', 'api-latency'], enable: true, rollback: false } },
  { name: 'capacity provider weights', service: 'fields-fargate', by: { update: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }], forceNewDeployment: true } },
    path: 'capacityProviderStrategy', live: [{ base: 1, capacityProvider: 'FARGATE', weight: 1 }], desired: [{ base: 1, capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }] },
  { name: 'ECS Exec turned off', service: 'fields-fargate', by: { update: { enableExecuteCommand: false } }, path: 'enableExecuteCommand', live: undefined, desired: true },
  { name: 'managed tags turned off', service: 'fields-fargate', by: { update: { enableECSManagedTags: false } }, path: 'enableECSManagedTags', live: undefined, desired: true },
  { name: 'tag propagation', service: 'fields-fargate', by: { update: { propagateTags: 'SERVICE' } }, path: 'propagateTags', live: 'SERVICE', desired: 'TASK_DEFINITION' },
  { name: 'platform version', service: 'fields-fargate', by: { update: { platformVersion: '1.3.0' } }, path: 'platformVersion', live: '1.3.0', desired: '1.4.0' },
  { name: 'AZ rebalancing', service: 'fields-fargate', by: { update: { availabilityZoneRebalancing: 'DISABLED' } }, path: 'availabilityZoneRebalancing', live: 'DISABLED', desired: 'ENABLED' },
  { name: 'service registry', service: 'fields-fargate', by: { update: { serviceRegistries: [] } }, path: 'serviceRegistries', live: undefined,
    desired: [{ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0abc' }] },
  { name: 'placement strategy order', service: 'fields-ec2',
    by: { update: { placementStrategy: [{ type: 'binpack', field: 'memory' }, { type: 'spread', field: 'attribute:ecs.availability-zone' }] } },
    path: 'placementStrategy', live: [{ field: 'memory', type: 'binpack' }, { field: 'attribute:ecs.availability-zone', type: 'spread' }],
    desired: [{ field: 'attribute:ecs.availability-zone', type: 'spread' }, { field: 'memory', type: 'binpack' }] },
  { name: 'placement constraints', service: 'fields-ec2', by: { update: { placementConstraints: [] } }, path: 'placementConstraints', live: undefined, desired: [{ type: 'distinctInstance' }] },
  { name: 'read-only root file system', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').readonlyRootFilesystem = false; } },
    path: 'taskDefinition.containers[app].readonlyRootFilesystem', live: undefined, desired: true },
  { name: 'dependsOn', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').dependsOn = []; } },
    path: 'taskDefinition.containers[app].dependsOn', live: undefined, desired: [{ condition: 'START', containerName: 'log-router' }] },
  { name: 'FireLens log configuration', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').logConfiguration!.options!.log_group_name = '/ecs/other'; } },
    path: 'taskDefinition.containers[app].logConfiguration', live: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch', log_group_name: '/ecs/other', region: 'us-east-1' } },
    desired: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch', log_group_name: '/ecs/fields', region: 'us-east-1' } } },
  { name: 'firelensConfiguration', service: 'fields-fargate', by: { revision: (td) => { container(td, 'log-router').firelensConfiguration = { type: 'fluentd' }; } },
    path: 'taskDefinition.containers[log-router].firelensConfiguration', live: { type: 'fluentd' }, desired: { options: { 'enable-ecs-log-metadata': 'true' }, type: 'fluentbit' } },
  { name: 'mount points', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').mountPoints = [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }, { sourceVolume: 'scratch', containerPath: '/tmp' }]; } },
    path: 'taskDefinition.containers[app].mountPoints', live: [{ containerPath: '/data', readOnly: true, sourceVolume: 'data' }, { containerPath: '/tmp', sourceVolume: 'scratch' }],
    desired: [{ containerPath: '/data', sourceVolume: 'data' }, { containerPath: '/tmp', sourceVolume: 'scratch' }] },
  { name: 'ulimits', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').ulimits = [{ name: 'nofile', softLimit: 1024, hardLimit: 8192 }]; } },
    path: 'taskDefinition.containers[app].ulimits', live: [{ hardLimit: 8192, name: 'nofile', softLimit: 1024 }], desired: [{ hardLimit: 8192, name: 'nofile', softLimit: 4096 }] },
  { name: 'linuxParameters', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').linuxParameters = { capabilities: { add: ['SYS_PTRACE'] } }; } },
    path: 'taskDefinition.containers[app].linuxParameters', live: { capabilities: { add: ['SYS_PTRACE'] } }, desired: { capabilities: { add: ['SYS_PTRACE'] }, initProcessEnabled: true } },
  { name: 'user', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').user = 'root'; } }, path: 'taskDefinition.containers[app].user', live: 'root', desired: '1000' },
  { name: 'workingDirectory', service: 'fields-fargate', by: { revision: (td) => { delete container(td, 'app').workingDirectory; } }, path: 'taskDefinition.containers[app].workingDirectory', live: undefined, desired: '/srv' },
  { name: 'dockerLabels', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').dockerLabels = { team: 'search' }; } },
    path: 'taskDefinition.containers[app].dockerLabels', live: { team: 'search' }, desired: { team: 'payments' } },
  { name: 'startTimeout', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').startTimeout = 120; } }, path: 'taskDefinition.containers[app].startTimeout', live: 120, desired: 60 },
  { name: 'port name', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').portMappings = [{ containerPort: 80, name: 'web', appProtocol: 'http' }, { containerPortRange: '8000-8010' }]; } },
    path: 'taskDefinition.containers[app].portMappings',
    live: [RANGE('8000-8010'), { appProtocol: 'http', containerPort: 80, hostPort: 80, name: 'web', protocol: 'tcp' }], desired: [RANGE('8000-8010'), { appProtocol: 'http', containerPort: 80, hostPort: 80, name: 'http', protocol: 'tcp' }] },
  { name: 'containerPortRange', service: 'fields-fargate', by: { revision: (td) => { container(td, 'app').portMappings = [{ containerPort: 80, name: 'http', appProtocol: 'http' }, { containerPortRange: '8000-8020' }]; } },
    path: 'taskDefinition.containers[app].portMappings',
    live: [RANGE('8000-8020'), { appProtocol: 'http', containerPort: 80, hostPort: 80, name: 'http', protocol: 'tcp' }], desired: [RANGE('8000-8010'), { appProtocol: 'http', containerPort: 80, hostPort: 80, name: 'http', protocol: 'tcp' }] },
  { name: 'EFS volume', service: 'fields-fargate', by: { revision: (td) => { td.volumes = [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0abc1234' } }, { name: 'scratch' }]; } },
    path: 'taskDefinition.volumes', live: [{ efsVolumeConfiguration: { fileSystemId: 'fs-0abc1234' }, name: 'data' }, { name: 'scratch' }],
    desired: [{ efsVolumeConfiguration: { fileSystemId: 'fs-0abc1234', transitEncryption: 'ENABLED' }, name: 'data' }, { name: 'scratch' }] },
  { name: 'runtimePlatform', service: 'fields-fargate', by: { revision: (td) => { td.runtimePlatform = { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' }; } },
    path: 'taskDefinition.runtimePlatform', live: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' }, desired: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' } },
  { name: 'ephemeralStorage', service: 'fields-fargate', by: { revision: (td) => { delete td.ephemeralStorage; } }, path: 'taskDefinition.ephemeralStorage', live: undefined, desired: { sizeInGiB: 30 } },
  { name: 'pidMode', service: 'fields-fargate', by: { revision: (td) => { delete td.pidMode; } }, path: 'taskDefinition.pidMode', live: undefined, desired: 'task' },
  { name: 'ipcMode', service: 'fields-ec2', by: { revision: (td) => { td.ipcMode = 'host'; } }, path: 'taskDefinition.ipcMode', live: 'host', desired: 'task' },
  { name: 'privileged', service: 'fields-ec2', by: { revision: (td) => { container(td, 'web').privileged = false; } }, path: 'taskDefinition.containers[web].privileged', live: undefined, desired: true },
  { name: 'dnsServers order', service: 'fields-ec2', by: { revision: (td) => { container(td, 'web').dnsServers = ['1.1.1.1', '10.0.0.2']; } },
    path: 'taskDefinition.containers[web].dnsServers', live: ['1.1.1.1', '10.0.0.2'], desired: ['10.0.0.2', '1.1.1.1'] },
  { name: 'extraHosts', service: 'fields-ec2', by: { revision: (td) => { container(td, 'web').extraHosts = []; } },
    path: 'taskDefinition.containers[web].extraHosts', live: undefined, desired: [{ hostname: 'db.internal', ipAddress: '10.0.0.5' }] },
  { name: 'hostname', service: 'fields-ec2', by: { revision: (td) => { container(td, 'web').hostname = 'other'; } }, path: 'taskDefinition.containers[web].hostname', live: 'other', desired: 'web' },
  { name: 'systemControls', service: 'fields-ec2', by: { revision: (td) => { container(td, 'web').systemControls = [{ namespace: 'net.core.somaxconn', value: '128' }]; } },
    path: 'taskDefinition.containers[web].systemControls', live: [{ namespace: 'net.core.somaxconn', value: '128' }], desired: [{ namespace: 'net.core.somaxconn', value: '1024' }] },
  { name: 'interactive', service: 'fields-ec2', by: { revision: (td) => { container(td, 'web').interactive = false; } }, path: 'taskDefinition.containers[web].interactive', live: undefined, desired: true },
  { name: 'pseudoTerminal', service: 'fields-ec2', by: { revision: (td) => { container(td, 'web').pseudoTerminal = false; } }, path: 'taskDefinition.containers[web].pseudoTerminal', live: undefined, desired: true },
  { name: 'awslogs with more options (logConfiguration)', service: 'fields-ec2', by: { revision: (td) => { delete container(td, 'web').logConfiguration!.options!.mode; container(td, 'web').logConfiguration!.secretOptions = []; } },
    path: 'taskDefinition.containers[web].logs', live: { group: '/ecs/web', region: 'us-east-1', streamPrefix: 'web' }, desired: undefined },
  { name: 'volumesFrom', service: 'fields-ec2', by: { revision: (td) => { container(td, 'helper').volumesFrom = [{ sourceContainer: 'web' }]; } },
    path: 'taskDefinition.containers[helper].volumesFrom', live: [{ sourceContainer: 'web' }], desired: [{ readOnly: true, sourceContainer: 'web' }] },
  { name: 'repositoryCredentials', service: 'fields-ec2', by: { revision: (td) => { delete container(td, 'helper').repositoryCredentials; } },
    path: 'taskDefinition.containers[helper].repositoryCredentials', live: undefined, desired: { credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:registry' } },
  { name: 'Docker and host volumes', service: 'fields-ec2', by: { revision: (td) => { td.volumes = [{ name: 'cache', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } }, { name: 'host-logs', host: { sourcePath: '/var/log/app' } }]; } },
    path: 'taskDefinition.volumes', live: [{ dockerVolumeConfiguration: { driver: 'local' }, name: 'cache' }, { host: { sourcePath: '/var/log/app' }, name: 'host-logs' }],
    desired: [{ dockerVolumeConfiguration: { autoprovision: true, driver: 'local', scope: 'shared' }, name: 'cache' }, { host: { sourcePath: '/var/log/app' }, name: 'host-logs' }] },
];

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  const vpc = await createVpc(clients, 'fields-vpc', '10.9.0.0/16');
  subnet = (await createSubnets(clients, vpc, [{ name: "a", cidr: "10.9.1.0/24", az: "us-east-1a" }]))[0]!;
  await createCluster(clients, CLUSTER);
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'aws-fields-'));
  writeFileSync(join(dir, 'services.yaml'), yaml());
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('AWS-named fields round trip (moto)', () => {
  it('one apply creates both services with every field; then the plan is empty', async () => {
    proxy.resetCounts();
    const first = await applyDir(dir, { endpoint: proxy.url });
    expect(first.report.ok, first.lines.join('\n')).toBe(true);
    // moto's CreateService dropped the fields: sent again with UpdateService in the same apply
    const updates = proxy.writes().filter((w) => w.operation === 'UpdateService');
    expect(updates.map((u) => JSON.stringify(u.params)), first.lines.join('\n')).toHaveLength(2);
    const resent = first.lines.filter((l) => l.includes('not kept by CreateService, sent again'));
    for (const name of ['fields-fargate', 'fields-ec2']) expect(resent.some((l) => l.includes(name)), resent.join('\n')).toBe(true);
    expect(resent.join('\n')).toContain('capacityProviderStrategy');
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
    const svc = await describeService('fields-fargate');
    expect(svc.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    expect(svc.capacityProviderStrategy?.map((s) => s.capacityProvider)).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });

  it.each(CASES)('$name: changed by hand -> DRIFT with both values -> apply corrects', async (c) => {
    if ('update' in c.by) await clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: c.service, ...c.by.update }));
    else await handRevision(c.service, c.by.revision);
    const drifted = await planDir(dir, motoUrl());
    const change = drifted.changes.find((ch) => ch.name === c.service)!;
    expect(change.cause, pendingChanges(drifted).join('\n')).toBe('drift');
    expect(change.diffs.map((d) => d.path), pendingChanges(drifted).join('\n')).toEqual(
      c.path === 'taskDefinition.containers[web].logs' ? [c.path, 'taskDefinition.containers[web].logConfiguration'] : [c.path],
    );
    expect(change.diffs[0]).toEqual({ path: c.path, live: c.live, desired: c.desired });
    const fix = await applyDir(dir, { endpoint: proxy.url });
    expect(fix.report.ok, fix.lines.join('\n')).toBe(true);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});
