import { describe, expect, it } from 'vitest';
import {
  AwsCallError,
  awsCall,
  classifyAwsError,
  describeAwsError,
  errorCode,
  isAccessDenied,
  isNotFound,
  isRetryable,
  isThrottling,
  resourceList,
} from '../../src/aws/errors.js';

/** The shape the SDK throws for a service error. */
function serviceError(name: string, status: number, message = 'msg', code?: string): Error {
  return Object.assign(new Error(message), {
    name,
    ...(code ? { Code: code } : {}),
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1 },
  });
}

/** The shape Node throws for a network failure. */
function netError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, errno: -111, syscall: 'connect', address: '127.0.0.1', port: 1 });
}

describe('classification', () => {
  it.each([
    ['ECS ThrottlingException', serviceError('ThrottlingException', 400), 'throttled', true],
    ['ELBv2 Throttling (XML code)', serviceError('Throttling', 400, 'Rate exceeded', 'Throttling'), 'throttled', true],
    ['EC2 RequestLimitExceeded', serviceError('RequestLimitExceeded', 503, 'Request limit exceeded.', 'RequestLimitExceeded'), 'throttled', true],
    ['HTTP 429', serviceError('TooManyRequests', 429), 'throttled', true],
    ['500 InternalFailure', serviceError('InternalFailure', 500), 'server', true],
    ['503 ServiceUnavailable', serviceError('ServiceUnavailable', 503), 'server', true],
    ['connection refused', netError('ECONNREFUSED'), 'unreachable', true],
    ['connection reset', netError('ECONNRESET'), 'unreachable', true],
    ['DNS failure', netError('ENOTFOUND'), 'unreachable', true],
    ['socket timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), 'unreachable', true],
    ['ELBv2 AccessDenied', serviceError('AccessDenied', 403, 'not authorized', 'AccessDenied'), 'access-denied', false],
    ['ECS AccessDeniedException', serviceError('AccessDeniedException', 400), 'access-denied', false],
    ['EC2 UnauthorizedOperation', serviceError('UnauthorizedOperation', 403, 'x', 'UnauthorizedOperation'), 'access-denied', false],
    ['ELBv2 ExpiredToken', serviceError('ExpiredToken', 403, 'expired', 'ExpiredToken'), 'credentials', false],
    ['ECS UnrecognizedClientException', serviceError('UnrecognizedClientException', 400), 'credentials', false],
    ['EC2 AuthFailure', serviceError('AuthFailure', 401, 'x', 'AuthFailure'), 'credentials', false],
    ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'credentials', false],
    ['TargetGroupNotFound', serviceError('TargetGroupNotFoundException', 400, 'One or more target groups not found', 'TargetGroupNotFound'), 'not-found', false],
    ['InvalidGroup.NotFound', serviceError('InvalidGroup.NotFound', 400, 'x', 'InvalidGroup.NotFound'), 'not-found', false],
    ['ClusterNotFoundException', serviceError('ClusterNotFoundException', 400), 'not-found', false],
    ['ValidationError', serviceError('ValidationError', 400, 'bad', 'ValidationError'), 'other', false],
    ['region missing', new Error('Region is missing'), 'region', false],
  ])('%s -> %s (retryable: %s)', (_label, err, kind, retryable) => {
    expect(classifyAwsError(err)).toBe(kind);
    expect(isRetryable(err)).toBe(retryable);
    expect(isThrottling(err)).toBe(kind === 'throttled');
    expect(isAccessDenied(err)).toBe(kind === 'access-denied');
    expect(isNotFound(err)).toBe(kind === 'not-found');
  });

  it('prefers the AWS code, then the errno code, then the name', () => {
    expect(errorCode(serviceError('TargetGroupNotFoundException', 400, 'x', 'TargetGroupNotFound'))).toBe('TargetGroupNotFound');
    expect(errorCode(netError('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(errorCode(serviceError('ClusterNotFoundException', 400))).toBe('ClusterNotFoundException');
    expect(errorCode(new AggregateError([netError('ECONNREFUSED')]))).toBe('ECONNREFUSED');
    expect(errorCode('a string')).toBe('Error');
  });
});

describe('describeAwsError: one line a person can act on', () => {
  it('names the code, IAM action and resource for AccessDenied', () => {
    const err = serviceError('AccessDenied', 403, 'User: arn:aws:iam::1:user/x is not authorized\nto perform: elasticloadbalancing:DescribeRules', 'AccessDenied');
    const line = describeAwsError(err, { service: 'elbv2', operation: 'DescribeRules', resource: 'ListenerRule/users-api' });
    expect(line).toMatch(/^AccessDenied on elasticloadbalancing:DescribeRules for ListenerRule\/users-api: User: arn:aws:iam::1:user\/x is not authorized to perform/);
    expect(line).toContain("grant elasticloadbalancing:DescribeRules to the controller's IAM role");
    expect(line).not.toContain('\n');
  });

  it('names the endpoint and the reason when AWS cannot be reached', () => {
    const err = Object.assign(netError('ECONNREFUSED'), { $endpoint: 'http://127.0.0.1:1' });
    expect(describeAwsError(err, { service: 'ecs', operation: 'DescribeServices', resource: 'Service/payments-api' })).toBe(
      'cannot reach AWS endpoint http://127.0.0.1:1: connection refused (ecs:DescribeServices for Service/payments-api); check the network and AWS_ENDPOINT_URL*',
    );
  });

  it('falls back to the socket address when the endpoint was not stamped', () => {
    expect(describeAwsError(netError('ECONNREFUSED'), { service: 'ec2', operation: 'DescribeSecurityGroups' })).toMatch(
      /^cannot reach AWS endpoint 127\.0\.0\.1:1: connection refused/,
    );
  });

  it('says credentials are expired or invalid, without a stack', () => {
    const err = serviceError('ExpiredTokenException', 400, 'The security token included in the request is expired');
    const line = describeAwsError(err, { service: 'ecs', operation: 'DescribeClusters' });
    expect(line).toMatch(/^AWS credentials expired or invalid: ExpiredTokenException: The security token included in the request is expired/);
    expect(line).not.toMatch(/\n|at .*\.js/);
  });

  it('says when no credentials were found and how to provide them', () => {
    const err = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(describeAwsError(err, {})).toMatch(/^AWS credentials not found: .*set AWS_PROFILE or AWS_ACCESS_KEY_ID/);
  });

  it('explains a missing region', () => {
    expect(describeAwsError(new Error('Region is missing'))).toMatch(/^AWS region not set: set AWS_REGION/);
  });

  it('truncates a very long AWS message', () => {
    const line = describeAwsError(serviceError('ValidationError', 400, 'x'.repeat(2000), 'ValidationError'), {
      service: 'elbv2',
      operation: 'DescribeTags',
    });
    expect(line.length).toBeLessThan(400);
  });
});

describe('AwsCallError and awsCall', () => {
  it('keeps a stable code, kind, call, resource and cause', async () => {
    const cause = serviceError('AccessDeniedException', 400, 'denied');
    const err = await awsCall({ service: 'ecs', operation: 'DescribeServices', resource: 'Service/a' }, async () => {
      throw cause;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toMatchObject({ code: 'AccessDeniedException', kind: 'access-denied', service: 'ecs', operation: 'DescribeServices', resource: 'Service/a', cause });
    expect((err as AwsCallError).message).toBe(
      "AccessDeniedException on ecs:DescribeServices for Service/a: denied (grant ecs:DescribeServices to the controller's IAM role)",
    );
    // the helpers see through the wrapper
    expect(isAccessDenied(err)).toBe(true);
    expect(isRetryable(err)).toBe(false);
  });

  it('passes results through untouched', async () => {
    await expect(awsCall({ service: 'ec2', operation: 'DescribeSecurityGroups' }, async () => 42)).resolves.toBe(42);
  });
});

describe('resourceList', () => {
  it.each([
    [[], undefined],
    [['Service/a'], 'Service/a'],
    [['Service/a', 'Service/b', 'Service/c'], 'Service/a, Service/b, Service/c'],
    [['Service/a', 'Service/b', 'Service/c', 'Service/d'], 'Service/a, Service/b (+2 more)'],
    [['Service/a', 'Service/a'], 'Service/a'],
  ])('%j -> %s', (ids, expected) => {
    expect(resourceList(ids)).toBe(expected);
  });
});
