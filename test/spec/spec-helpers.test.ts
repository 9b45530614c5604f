// Small pure pieces of the spec layer: suggestions, rule keys, task sizes, ignore paths, summaries.
import { describe, expect, it } from 'vitest';
import { editDistance, nearestName, suggestionSuffix } from '../../src/spec/spec-errors.js';
import { ingressRuleKey, sortIngressRules } from '../../src/spec/ingress-rule-key.js';
import { fargateSizeProblem, taskCpuUnits, taskMemoryMiB } from '../../src/spec/normalise-service.js';
import { isKnownSpecPath, knownSpecPaths } from '../../src/spec/ignore-paths.js';
import { formatSummary, summariseState } from '../../src/spec/load-desired-state.js';
import type { DesiredState, IngressRule, Kind } from '../../src/spec/types.js';

describe('nearestName', () => {
  it.each([
    ['healtCheck', 'healthCheck'],
    ['HealthCheck', 'healthCheck'],
    ['prot', 'port'],
    ['vpcid', 'vpcId'],
    ['zzzzzz', undefined],
    ['tags', 'tags'],
  ])('%s -> %s', (input, expected) => {
    expect(nearestName(input, ['vpcId', 'protocol', 'port', 'healthCheck', 'tags'])).toBe(expected);
  });

  it.each([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['same', 'same', 0],
    ['prot', 'port', 1],
  ])('editDistance(%s, %s) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('lists the candidates when none is near', () => {
    expect(suggestionSuffix('xyz', ['a', 'b'])).toBe('; expected one of a, b');
  });
});

describe('ingressRuleKey', () => {
  const rule = (protocol: IngressRule['protocol'], fromPort: number, toPort: number, type: IngressRule['source']['type'], value: string): IngressRule => ({
    protocol, fromPort, toPort, source: { type, value } as IngressRule['source'],
  });

  it.each([
    [rule('tcp', 5432, 5432, 'securityGroup', 'sg-0app'), 'tcp/5432-5432/securityGroup:sg-0app'],
    [rule('all', -1, -1, 'cidr', '10.0.0.0/8'), 'all/-1--1/cidr:10.0.0.0/8'],
    [{ ...rule('udp', 53, 53, 'ipv6Cidr', '::/0'), description: 'ignored' }, 'udp/53-53/ipv6Cidr:::/0'],
  ])('%j -> %s', (r, key) => {
    expect(ingressRuleKey(r)).toBe(key);
  });

  it('sorts by key without mutating its input', () => {
    const input = [rule('tcp', 80, 80, 'cidr', 'b'), rule('tcp', 22, 22, 'cidr', 'a')];
    expect(sortIngressRules(input).map(ingressRuleKey)).toEqual(['tcp/22-22/cidr:a', 'tcp/80-80/cidr:b']);
    expect(input.map(ingressRuleKey)).toEqual(['tcp/80-80/cidr:b', 'tcp/22-22/cidr:a']);
  });
});

describe('task sizes', () => {
  it.each([
    ['256', 256],
    [512, 512],
    ['0.25 vCPU', 256],
    ['1vcpu', 1024],
    [undefined, undefined],
  ] as const)('cpu %s -> %s', (raw, units) => {
    expect(taskCpuUnits(raw)).toBe(units);
  });

  it.each([
    ['512', 512],
    ['0.5 GB', 512],
    ['2GB', 2048],
  ] as const)('memory %s -> %s', (raw, mib) => {
    expect(taskMemoryMiB(raw)).toBe(mib);
  });

  it.each([
    [256, 512, undefined],
    [256, 2048, undefined],
    [256, 3072, 'FARGATE task cpu 256 allows memory 512, 1024, 2048 (MiB), not 3072'],
    [1024, 8192, undefined],
    [1024, 9216, 'FARGATE task cpu 1024 allows memory 2048 to 8192 in steps of 1024 (MiB), not 9216'],
    [4096, 30720, undefined],
    [16384, 122880, undefined],
    [16384, 36864, 'FARGATE task cpu 16384 allows memory 32768 to 122880 in steps of 8192 (MiB), not 36864'],
    [3000, 4096, 'FARGATE task cpu 3000 is not a Fargate size: use one of 256, 512, 1024, 2048, 4096, 8192, 16384'],
  ])('fargate %i cpu / %i MiB', (cpu, memory, problem) => {
    expect(fargateSizeProblem(cpu, memory)).toBe(problem);
  });
});

describe('ignore paths', () => {
  it.each<[Kind, string, boolean]>([
    ['Service', 'desiredCount', true],
    ['Service', 'taskDefinition.containers.image', true],
    ['Service', 'taskDefinition.containers.environment.DATABASE_URL', true],
    ['Service', 'network.subnets', true],
    ['Service', 'deployment.maximumPercent', true],
    ['Service', 'desiredCoun', false],
    ['Service', 'cluster.name', false],
    ['TargetGroup', 'healthCheck.intervalSeconds', true],
    ['TargetGroup', 'attributes.deregistration_delay.timeout_seconds', true],
    ['TargetGroup', 'tags', true],
    ['ListenerRule', 'listener.arn', true],
    ['ListenerRule', 'action.forward.targetGroup', true],
    ['ListenerRule', 'conditions.pathPatterns', true],
    ['Listener', 'defaultAction', true],
    ['SecurityGroupIngress', 'rules.description', true],
    ['SecurityGroupIngress', 'rules..description', false],
    ['SecurityGroupIngress', 'metadata', false],
  ])('%s %s -> %s', (kind, path, known) => {
    expect(isKnownSpecPath(kind, path)).toBe(known);
  });

  it('enumerates the paths of a kind for suggestions', () => {
    expect(knownSpecPaths('TargetGroup')).toEqual(expect.arrayContaining(['vpcId', 'healthCheck', 'healthCheck.matcher', 'attributes', 'tags']));
  });
});

describe('summariseState / formatSummary', () => {
  const state = (counts: Partial<Record<keyof Omit<DesiredState, 'files'>, number>>): DesiredState => ({
    targetGroups: Array(counts.targetGroups ?? 0).fill({}),
    listeners: Array(counts.listeners ?? 0).fill({}),
    listenerRules: Array(counts.listenerRules ?? 0).fill({}),
    securityGroupIngress: Array(counts.securityGroupIngress ?? 0).fill({}),
    services: Array(counts.services ?? 0).fill({}),
    scalableTargets: Array(counts.scalableTargets ?? 0).fill({}),
    files: [],
  });

  it.each([
    [{ targetGroups: 3, listeners: 2, listenerRules: 4, securityGroupIngress: 1, services: 2 }, '12 resources valid: 3 TargetGroup, 2 Listener, 4 ListenerRule, 1 SecurityGroupIngress, 2 Service'],
    [{ services: 1 }, '1 resource valid: 1 Service'],
    [{}, '0 resources valid'],
  ])('%j', (counts, line) => {
    const summary = summariseState(state(counts));
    expect(formatSummary(summary)).toBe(line);
    expect(summary.total).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
  });
});
