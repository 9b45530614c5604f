// The AWS-named service fields at plan and write level (service-fields.ts, read-after-write.ts):
// what moto cannot show (Service Connect is accepted and never reported), what a removed field
// sends, which changes need a new service, and which fields an answer shows not taken.
import { describe, expect, it } from 'vitest';
import type { Service } from '@aws-sdk/client-ecs';
import {
  changeRouteLines,
  diffServiceFields,
  fieldChangeOf,
  liveServiceFields,
  NOT_REPORTED,
  replaceConflict,
  serviceFieldsInput,
} from '../../../src/reconcilers/service/service-fields.js';
import { fieldsNotTaken, resendInput } from '../../../src/reconcilers/service/read-after-write.js';
import type { FieldDiff, LiveService } from '../../../src/reconcilers/types.js';
import { TAG_SPEC_HASH } from '../../../src/reconcilers/types.js';
import type { DesiredOf, ServiceSpec } from '../../../src/spec/types.js';
import { ACCOUNT, ours, service } from '../fixtures.js';

const SERVICE_CONNECT = { enabled: true, namespace: 'internal', services: [{ portName: 'http' }] };

function liveOf(d: DesiredOf<'Service'>, o: Partial<LiveService> = {}): LiveService {
  return {
    arn: `arn:aws:ecs:us-east-2:${ACCOUNT}:service/${d.spec.cluster}/${d.name}`,
    name: d.name,
    clusterArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:cluster/${d.spec.cluster}`,
    clusterName: d.spec.cluster,
    status: 'ACTIVE',
    launchType: d.spec.launchType,
    desiredCount: d.spec.desiredCount,
    deployment: { ...d.spec.deployment },
    taskDefinition: { arn: 'arn:td:1', family: 'f', revision: 1, spec: d.spec.taskDefinition, tags: {} },
    loadBalancers: [],
    tags: ours(d.id, d.specHash),
    ...o,
  };
}

const withAws = (aws: Record<string, unknown>, spec: Partial<ServiceSpec> = {}) => service('api', { ...spec, aws });

describe('Service Connect (accepted, never reported by moto; AWS reports it per deployment)', () => {
  it('not reported and our last write was of this spec: taken as written, no diff', () => {
    const d = withAws({ serviceConnectConfiguration: SERVICE_CONNECT });
    const diffs: FieldDiff[] = [];
    diffServiceFields(diffs, d, liveOf(d));
    expect(diffs).toEqual([]);
  });

  it('not reported and the spec changed since: a diff, so the next UpdateService carries it', () => {
    const d = withAws({ serviceConnectConfiguration: SERVICE_CONNECT });
    const diffs: FieldDiff[] = [];
    diffServiceFields(diffs, d, liveOf(d, { tags: { ...ours(d.id, d.specHash), [TAG_SPEC_HASH]: 'older' } }));
    expect(diffs).toEqual([{ path: 'serviceConnectConfiguration', live: NOT_REPORTED, desired: SERVICE_CONNECT }]);
    expect(serviceFieldsInput(d.spec, new Set(['serviceConnectConfiguration']))).toEqual({ serviceConnectConfiguration: SERVICE_CONNECT });
  });

  it('reported (AWS: in the PRIMARY deployment) and different: compared like any field', () => {
    const answer: Service = { deployments: [{ status: 'PRIMARY', serviceConnectConfiguration: { enabled: true, namespace: 'other' } }] };
    expect(liveServiceFields(answer)).toEqual({ serviceConnectConfiguration: { enabled: true, namespace: 'other' } });
    const d = withAws({ serviceConnectConfiguration: SERVICE_CONNECT });
    const diffs: FieldDiff[] = [];
    diffServiceFields(diffs, d, liveOf(d, { aws: liveServiceFields(answer) }));
    expect(diffs.map((x) => x.path)).toEqual(['serviceConnectConfiguration']);
  });

  it('CreateService sends it with the other declared fields', () => {
    const d = withAws({ serviceConnectConfiguration: SERVICE_CONNECT, enableExecuteCommand: true });
    expect(serviceFieldsInput(d.spec, 'declared')).toEqual({ serviceConnectConfiguration: SERVICE_CONNECT, enableExecuteCommand: true });
  });
});

describe('writes of removed fields', () => {
  it('a field no longer declared is sent as AWS default; a list as empty (which clears it)', () => {
    const spec = service('api').spec;
    expect(serviceFieldsInput(spec, new Set(['enableExecuteCommand', 'placementConstraints', 'serviceRegistries', 'serviceConnectConfiguration']))).toEqual({
      enableExecuteCommand: false,
      placementConstraints: [],
      serviceRegistries: [],
      serviceConnectConfiguration: { enabled: false },
    });
  });

  it('a declared-only field (propagateTags) is never sent when not declared', () => {
    expect(serviceFieldsInput(service('api').spec, new Set(['propagateTags']))).toEqual({});
  });
});

describe('how a change reaches AWS', () => {
  it('service fields in place, task definition fields by a new revision, launchType only by a new service', () => {
    expect(fieldChangeOf('deployment.circuitBreaker')).toBe('in place');
    expect(fieldChangeOf('capacityProviderStrategy')).toBe('in place');
    expect(fieldChangeOf('taskDefinition.containers[web].readonlyRootFilesystem')).toBe('new revision');
    expect(fieldChangeOf('launchType')).toBe('replace');
    expect(changeRouteLines([
      { path: 'enableExecuteCommand', live: undefined, desired: true },
      { path: 'deployment.circuitBreaker', live: undefined, desired: { enable: true, rollback: true } },
      { path: 'taskDefinition.volumes', live: undefined, desired: [] },
    ])).toEqual(['    changes in place (UpdateService): enableExecuteCommand, deployment.circuitBreaker']);
  });

  it('capacity providers back to a launch type: a conflict saying it needs a new service', () => {
    const d = service('api', { launchType: 'FARGATE' });
    const live = liveOf(d, { launchType: '', aws: { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] } });
    expect(replaceConflict(d, live)).toContain('ECS cannot move a service from capacity providers back to a launch type');
  });

  it('a launch type onto capacity providers: in place (no conflict)', () => {
    const d = withAws({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] }, { launchType: 'FARGATE' });
    expect(replaceConflict(d, liveOf(d, { launchType: 'FARGATE' }))).toBeUndefined();
    expect(resendInput(d, 'main', ['capacityProviderStrategy'])).toMatchObject({ forceNewDeployment: true, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] });
  });

  it('EC2 <-> FARGATE: a conflict', () => {
    const d = service('api', { launchType: 'EC2' });
    expect(replaceConflict(d, liveOf(d, { launchType: 'FARGATE' }))).toContain('launch type FARGATE -> EC2 cannot change on an existing ECS service');
  });
});

describe('read after write: fieldsNotTaken', () => {
  const d = withAws({ enableExecuteCommand: true, deploymentCircuitBreaker: { enable: true, rollback: true } }, { healthCheckGracePeriodSeconds: 60 });

  it("moto's CreateService answer (no deploymentConfiguration, grace period, exec): each listed", () => {
    const answer: Service = { serviceName: 'api', desiredCount: 1, launchType: 'EC2' };
    expect(fieldsNotTaken(d, answer)).toEqual([
      'deployment.maximumPercent',
      'deployment.minimumHealthyPercent',
      'healthCheckGracePeriodSeconds',
      'deployment.circuitBreaker',
      'enableExecuteCommand',
    ]);
    const input = resendInput(d, 'payments', fieldsNotTaken(d, answer));
    expect(input).toEqual({
      cluster: 'payments',
      service: 'api',
      enableExecuteCommand: true,
      healthCheckGracePeriodSeconds: 60,
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0, deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
  });

  it('an answer that carries everything: nothing; an ignored field is never listed', () => {
    const answer: Service = {
      deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0, deploymentCircuitBreaker: { enable: true, rollback: true } },
      healthCheckGracePeriodSeconds: 60,
      enableExecuteCommand: true,
    };
    expect(fieldsNotTaken(d, answer)).toEqual([]);
    const ignoring = { ...d, ignore: ['enableExecuteCommand'] };
    expect(fieldsNotTaken(ignoring, { ...answer, enableExecuteCommand: false })).toEqual([]);
  });

  it('Service Connect cannot be checked in an answer that does not report it: not listed', () => {
    const sc = withAws({ serviceConnectConfiguration: SERVICE_CONNECT });
    expect(fieldsNotTaken(sc, { deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 } })).toEqual([]);
  });
});
