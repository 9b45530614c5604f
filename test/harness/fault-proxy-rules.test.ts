// The fault proxy's pure parts: how a request is identified, how rules match, the seeded RNG
// and the token bucket. No network.
import { describe, expect, it } from 'vitest';
import { awsErrorResponse, identifyAwsCall, isReadOperation } from '../support/aws-wire.js';
import { FaultPlan, TokenBucket, matches, seededRandom, type CallMatcher } from '../support/fault-proxy-rules.js';

const auth = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
});

describe('identifyAwsCall', () => {
  it.each([
    {
      name: 'ECS JSON: operation from X-Amz-Target',
      headers: { ...auth('ecs'), 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.UpdateService' },
      body: '{"cluster":"c","service":"s","desiredCount":2}',
      expected: { service: 'ecs', operation: 'UpdateService', params: { cluster: 'c', service: 's', desiredCount: 2 } },
    },
    {
      name: 'ELBv2 query: Action from the form body',
      headers: auth('elasticloadbalancing'),
      body: 'Action=ModifyRule&Version=2015-12-01&RuleArn=arn%3Ax&Conditions.member.1.Field=path-pattern',
      expected: { service: 'elbv2', operation: 'ModifyRule', params: { RuleArn: 'arn:x', 'Conditions.member.1.Field': 'path-pattern' } },
    },
    {
      name: 'EC2 query',
      headers: auth('ec2'),
      body: 'Action=RevokeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1',
      expected: { service: 'ec2', operation: 'RevokeSecurityGroupIngress', params: { GroupId: 'sg-1' } },
    },
    {
      name: 'unsigned query falls back to the API version',
      headers: {},
      body: 'Action=DescribeRules&Version=2015-12-01',
      expected: { service: 'elbv2', operation: 'DescribeRules', params: {} },
    },
    {
      name: 'unsigned JSON falls back to the target prefix',
      headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListServices' },
      body: '',
      expected: { service: 'ecs', operation: 'ListServices', params: {} },
    },
  ])('$name', ({ headers, body, expected }) => {
    expect(identifyAwsCall(headers, body)).toEqual(expected);
  });

  it.each([
    ['DescribeServices', true],
    ['ListTagsForResource', true],
    ['GetCallerIdentity', true],
    ['CreateService', false],
    ['AuthorizeSecurityGroupIngress', false],
    ['SetRulePriorities', false],
  ])('%s is a read: %s', (operation, read) => {
    expect(isReadOperation(operation)).toBe(read);
  });
});

describe('awsErrorResponse', () => {
  it.each([
    { service: 'ecs', kind: 'throttle', status: 400, contains: '"__type":"ThrottlingException"' },
    { service: 'elbv2', kind: 'throttle', status: 400, contains: '<Code>Throttling</Code>' },
    { service: 'ec2', kind: 'throttle', status: 503, contains: '<Response><Errors><Error><Code>RequestLimitExceeded</Code>' },
    { service: 'ecs', kind: 'error500', status: 500, contains: '"__type":"ServerException"' },
    { service: 'elbv2', kind: 'error500', status: 500, contains: '<Code>InternalFailure</Code>' },
    { service: 'ec2', kind: 'error500', status: 500, contains: '<Code>InternalError</Code>' },
  ] as const)('$service $kind -> HTTP $status', ({ service, kind, status, contains }) => {
    const response = awsErrorResponse(service, kind);
    expect(response.status).toBe(status);
    expect(response.body).toContain(contains);
  });
});

describe('matches', () => {
  const call = { service: 'elbv2', operation: 'DescribeRules' };
  it.each<[CallMatcher, boolean]>([
    [{}, true],
    [{ service: 'elbv2' }, true],
    [{ service: ['ecs', 'ec2'] }, false],
    [{ operation: 'DescribeRules' }, true],
    [{ operation: ['DescribeListeners'] }, false],
    [{ operation: /^Describe/ }, true],
    [{ kind: 'read' }, true],
    [{ kind: 'write' }, false],
    [{ service: 'elbv2', kind: 'write' }, false],
  ])('%o -> %s', (matcher, expected) => {
    expect(matches(matcher, call)).toBe(expected);
  });
});

describe('seededRandom and FaultPlan', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    expect(take(7).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('a probability of 0.25 fires on roughly a quarter of 4000 calls', () => {
    const plan = new FaultPlan([{ fault: 'throttle', probability: 0.25 }], [], [], 0, 3, () => 0);
    let fired = 0;
    for (let i = 0; i < 4000; i++) if (plan.decide({ service: 'ecs', operation: 'ListServices' })) fired++;
    expect(fired).toBeGreaterThan(900);
    expect(fired).toBeLessThan(1100);
  });

  it('rules are checked in order and the first that fires wins', () => {
    const plan = new FaultPlan(
      [
        { operation: 'CreateService', fault: 'drop', times: 1 },
        { service: 'ecs', fault: 'error500' },
      ],
      [],
      [],
      0,
      1,
      () => 0,
    );
    const call = { service: 'ecs', operation: 'CreateService' };
    expect([plan.decide(call)?.fault, plan.decide(call)?.fault]).toEqual(['drop', 'error500']);
  });

  it('latency adds the base and every matching rule', () => {
    const plan = new FaultPlan([], [], [{ service: 'ecs', latencyMs: 20 }, { kind: 'write', latencyMs: 5 }], 10, 1, () => 0);
    expect(plan.latencyFor({ service: 'ecs', operation: 'CreateService' })).toBe(35);
    expect(plan.latencyFor({ service: 'ec2', operation: 'DescribeVpcs' })).toBe(10);
  });
});

describe('TokenBucket', () => {
  it('starts full, empties one token per call and refills at the given rate up to capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    for (let i = 0; i < 3; i++) bucket.take();
    expect(bucket.available()).toBe(0);
    now = 500;
    expect(bucket.available()).toBe(1);
    now = 60_000;
    expect(bucket.available()).toBe(3);
  });
});
