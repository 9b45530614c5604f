// The AWS-named fields (src/spec/aws-fields.ts): per field, what AWS fills in or reports when it
// is left out reads as absent, lists AWS does not keep in order compare in any order, and the
// desired side (YAML) and the live side (DescribeTaskDefinition / DescribeServices) meet.
import { describe, expect, it } from 'vitest';
import { CONTAINER_FIELDS, normaliseAwsFields, normaliseAwsValue, SERVICE_FIELDS, TASK_DEFINITION_FIELDS, type AwsField } from '../../src/spec/aws-fields.js';
import { containerAwsFields, logsShorthandOf } from '../../src/spec/normalise-service.js';

const rule = (table: readonly AwsField[], name: string): AwsField => {
  const r = table.find((f) => f.name === name);
  if (r === undefined) throw new Error(`no rule ${name}`);
  return r;
};

/** [table, field, what AWS reports, what the YAML says (or undefined: left out)] that must compare equal. */
const EQUAL: [string, readonly AwsField[], string, unknown, unknown][] = [
  ['empty volumes list read as absent', TASK_DEFINITION_FIELDS, 'volumes', [], undefined],
  ['volumes in any order', TASK_DEFINITION_FIELDS, 'volumes', [{ name: 'b' }, { name: 'a' }], [{ name: 'a' }, { name: 'b' }]],
  [
    'EFS rootDirectory "/" and transitEncryption DISABLED are the defaults',
    TASK_DEFINITION_FIELDS,
    'volumes',
    [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: '/', transitEncryption: 'DISABLED', authorizationConfig: { iam: 'DISABLED' } } }],
    [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }],
  ],
  ['docker volume scope task is the default', TASK_DEFINITION_FIELDS, 'volumes', [{ name: 'v', dockerVolumeConfiguration: { scope: 'task', autoprovision: false } }], [{ name: 'v', dockerVolumeConfiguration: {} }]],
  ['ephemeral storage 20 GiB is the Fargate default', TASK_DEFINITION_FIELDS, 'ephemeralStorage', { sizeInGiB: 20 }, undefined],
  ['task placementConstraints [] read as absent', TASK_DEFINITION_FIELDS, 'placementConstraints', [], undefined],
  ['proxy type APPMESH is the default, properties in any order', TASK_DEFINITION_FIELDS, 'proxyConfiguration',
    { type: 'APPMESH', containerName: 'envoy', properties: [{ name: 'b', value: '2' }, { name: 'a', value: '1' }] },
    { containerName: 'envoy', properties: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }],
  ['mountPoints [] (moto, AWS) read as absent', CONTAINER_FIELDS, 'mountPoints', [], undefined],
  ['mountPoints readOnly false is the default, any order', CONTAINER_FIELDS, 'mountPoints',
    [{ sourceVolume: 'b', containerPath: '/b', readOnly: false }, { sourceVolume: 'a', containerPath: '/a' }],
    [{ sourceVolume: 'a', containerPath: '/a' }, { sourceVolume: 'b', containerPath: '/b' }]],
  ['volumesFrom [] read as absent', CONTAINER_FIELDS, 'volumesFrom', [], undefined],
  ['dependsOn in any order', CONTAINER_FIELDS, 'dependsOn',
    [{ containerName: 'b', condition: 'START' }, { containerName: 'a', condition: 'HEALTHY' }],
    [{ containerName: 'a', condition: 'HEALTHY' }, { containerName: 'b', condition: 'START' }]],
  ['ulimits in any order', CONTAINER_FIELDS, 'ulimits', [{ name: 'nproc', softLimit: 1, hardLimit: 1 }, { name: 'nofile', softLimit: 2, hardLimit: 2 }],
    [{ name: 'nofile', softLimit: 2, hardLimit: 2 }, { name: 'nproc', softLimit: 1, hardLimit: 1 }]],
  ['readonlyRootFilesystem false is the default', CONTAINER_FIELDS, 'readonlyRootFilesystem', false, undefined],
  ['privileged false is the default', CONTAINER_FIELDS, 'privileged', false, undefined],
  ['interactive false is the default', CONTAINER_FIELDS, 'interactive', false, undefined],
  ['pseudoTerminal false is the default', CONTAINER_FIELDS, 'pseudoTerminal', false, undefined],
  ['linuxParameters: initProcessEnabled false, capabilities in any order', CONTAINER_FIELDS, 'linuxParameters',
    { initProcessEnabled: false, capabilities: { add: ['SYS_PTRACE', 'NET_ADMIN'], drop: [] } },
    { capabilities: { add: ['NET_ADMIN', 'SYS_PTRACE'] } }],
  ['empty dockerLabels read as absent', CONTAINER_FIELDS, 'dockerLabels', {}, undefined],
  ['systemControls in any order', CONTAINER_FIELDS, 'systemControls', [{ namespace: 'b', value: '1' }, { namespace: 'a', value: '2' }],
    [{ namespace: 'a', value: '2' }, { namespace: 'b', value: '1' }]],
  ['resourceRequirements in any order', CONTAINER_FIELDS, 'resourceRequirements', [{ type: 'InferenceAccelerator', value: 'x' }, { type: 'GPU', value: '1' }],
    [{ type: 'GPU', value: '1' }, { type: 'InferenceAccelerator', value: 'x' }]],
  ['extraHosts in any order', CONTAINER_FIELDS, 'extraHosts', [{ hostname: 'b', ipAddress: '1.1.1.1' }, { hostname: 'a', ipAddress: '2.2.2.2' }],
    [{ hostname: 'a', ipAddress: '2.2.2.2' }, { hostname: 'b', ipAddress: '1.1.1.1' }]],
  ['logConfiguration secretOptions in any order', CONTAINER_FIELDS, 'logConfiguration',
    { logDriver: 'splunk', options: { a: '1' }, secretOptions: [{ name: 'b', valueFrom: 'x' }, { name: 'a', valueFrom: 'y' }] },
    { logDriver: 'splunk', options: { a: '1' }, secretOptions: [{ name: 'a', valueFrom: 'y' }, { name: 'b', valueFrom: 'x' }] }],
  ['capacity provider base 0 and weight 0 are the defaults', SERVICE_FIELDS, 'capacityProviderStrategy',
    [{ capacityProvider: 'FARGATE_SPOT', weight: 0, base: 0 }], [{ capacityProvider: 'FARGATE_SPOT' }]],
  ['circuit breaker off is the default', SERVICE_FIELDS, 'deploymentCircuitBreaker', { enable: false, rollback: false }, undefined],
  ['alarms: none enabled and no names is the default', SERVICE_FIELDS, 'alarms', { alarmNames: [], enable: false, rollback: false }, undefined],
  ['alarm names in any order', SERVICE_FIELDS, 'alarms', { alarmNames: ['b', 'a'], enable: true, rollback: true }, { alarmNames: ['a', 'b'], enable: true, rollback: true }],
  ['service placementConstraints [] read as absent', SERVICE_FIELDS, 'placementConstraints', [], undefined],
  ['enableExecuteCommand false is the default', SERVICE_FIELDS, 'enableExecuteCommand', false, undefined],
  ['enableECSManagedTags false is the default', SERVICE_FIELDS, 'enableECSManagedTags', false, undefined],
  ['platformVersion LATEST is the default', SERVICE_FIELDS, 'platformVersion', 'LATEST', undefined],
  ['serviceRegistries in any order', SERVICE_FIELDS, 'serviceRegistries', [{ registryArn: 'b' }, { registryArn: 'a' }], [{ registryArn: 'a' }, { registryArn: 'b' }]],
  ['Service Connect off is the default', SERVICE_FIELDS, 'serviceConnectConfiguration', { enabled: false }, undefined],
];

/** Values that must stay different. */
const DIFFERENT: [string, readonly AwsField[], string, unknown, unknown][] = [
  ['placementStrategy keeps its order (strategies apply in order)', SERVICE_FIELDS, 'placementStrategy',
    [{ type: 'spread', field: 'attribute:ecs.availability-zone' }, { type: 'binpack', field: 'memory' }],
    [{ type: 'binpack', field: 'memory' }, { type: 'spread', field: 'attribute:ecs.availability-zone' }]],
  ['capacityProviderStrategy keeps its order (base applies to the first)', SERVICE_FIELDS, 'capacityProviderStrategy',
    [{ capacityProvider: 'FARGATE', base: 1 }, { capacityProvider: 'FARGATE_SPOT' }], [{ capacityProvider: 'FARGATE_SPOT' }, { capacityProvider: 'FARGATE', base: 1 }]],
  ['dnsServers keep their order (tried in order)', CONTAINER_FIELDS, 'dnsServers', ['1.1.1.1', '8.8.8.8'], ['8.8.8.8', '1.1.1.1']],
  ['readonlyRootFilesystem true is not the default', CONTAINER_FIELDS, 'readonlyRootFilesystem', true, undefined],
  ['ephemeral storage 30 GiB is not the default', TASK_DEFINITION_FIELDS, 'ephemeralStorage', { sizeInGiB: 30 }, undefined],
  ['circuit breaker without rollback is not the default', SERVICE_FIELDS, 'deploymentCircuitBreaker', { enable: true, rollback: false }, undefined],
];

describe('AWS-named fields: normalisation table', () => {
  it.each(EQUAL)('%s', (_what, table, name, live, desired) => {
    const r = rule(table, name);
    expect(normaliseAwsValue(live, r)).toEqual(normaliseAwsValue(desired, r));
  });
  it.each(DIFFERENT)('%s', (_what, table, name, live, desired) => {
    const r = rule(table, name);
    expect(normaliseAwsValue(live, r)).not.toEqual(normaliseAwsValue(desired, r));
  });

  it('every field of the tables is named once and has a test above', () => {
    const tested = new Set([...EQUAL, ...DIFFERENT].map(([, table, name]) => `${table === SERVICE_FIELDS ? 's' : table === CONTAINER_FIELDS ? 'c' : 't'}:${name}`));
    const untestedOk = new Set([
      // plain values without a default: nothing to normalise but absent vs present
      't:runtimePlatform', 't:pidMode', 't:ipcMode', 'c:firelensConfiguration', 'c:user', 'c:workingDirectory',
      'c:repositoryCredentials', 'c:startTimeout', 'c:hostname', 's:propagateTags', 's:availabilityZoneRebalancing',
    ]);
    for (const [key, table] of [['t', TASK_DEFINITION_FIELDS], ['c', CONTAINER_FIELDS], ['s', SERVICE_FIELDS]] as const) {
      const names = table.map((f) => f.name);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(tested.has(`${key}:${n}`) || untestedOk.has(`${key}:${n}`), `${key}:${n}`).toBe(true);
    }
  });

  it('normaliseAwsFields keeps only the table fields present, and nothing when none is', () => {
    expect(normaliseAwsFields(CONTAINER_FIELDS, { name: 'x', image: 'y', cpu: 0, mountPoints: [], volumesFrom: [] })).toBeUndefined();
    expect(normaliseAwsFields(CONTAINER_FIELDS, { name: 'x', user: '1000', readonlyRootFilesystem: true })).toEqual({ user: '1000', readonlyRootFilesystem: true });
  });
});

describe('logConfiguration beside the logs shorthand', () => {
  const awslogs = { logDriver: 'awslogs', options: { 'awslogs-group': '/g', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'web' } };
  it('awslogs with exactly group, region and stream prefix reads as logs, on both sides', () => {
    expect(logsShorthandOf(awslogs)).toEqual({ group: '/g', region: 'us-east-1', streamPrefix: 'web' });
    expect(containerAwsFields({ logConfiguration: awslogs })).toBeUndefined();
  });
  it('any other log configuration stays a logConfiguration (awslogs with more options, FireLens, splunk)', () => {
    const more = { logDriver: 'awslogs', options: { ...awslogs.options, mode: 'non-blocking' } };
    expect(logsShorthandOf(more)).toBeUndefined();
    expect(containerAwsFields({ logConfiguration: more })).toEqual({ logConfiguration: more });
    expect(logsShorthandOf({ logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } })).toBeUndefined();
    expect(logsShorthandOf({ ...awslogs, secretOptions: [{ name: 'x', valueFrom: 'y' }] })).toBeUndefined();
  });
});
