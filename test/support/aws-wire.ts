// What the fault proxy needs to know about the three AWS wire protocols the controller speaks:
// ECS (awsJson1_1: operation in X-Amz-Target, JSON body), ELBv2 (awsQuery) and EC2 (ec2Query):
// form bodies with Action=...; and how each service shapes a throttling or server error.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type AwsService = 'ecs' | 'elbv2' | 'ec2';

export interface AwsCallIdentity {
  /** ecs | elbv2 | ec2, or the SigV4 signing name of any other service */
  service: AwsService | string;
  /** e.g. DescribeServices; `unknown` when the request names none */
  operation: string;
  /** the request parameters: parsed JSON (ECS) or the flat form fields without Action/Version */
  params: Record<string, unknown>;
}

const SIGNING_NAMES: Record<string, AwsService> = { ecs: 'ecs', elasticloadbalancing: 'elbv2', ec2: 'ec2' };
const QUERY_VERSIONS: Record<string, AwsService> = { '2015-12-01': 'elbv2', '2016-11-15': 'ec2' };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads service, operation and parameters from one SDK request. */
export function identifyAwsCall(headers: IncomingHttpHeaders, body: string): AwsCallIdentity {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(header(headers, 'authorization') ?? '');
  const signingName = scope?.[1];
  const target = header(headers, 'x-amz-target');
  if (target) {
    let params: Record<string, unknown> = {};
    try {
      const parsed: unknown = body ? JSON.parse(body) : {};
      if (parsed && typeof parsed === 'object') params = parsed as Record<string, unknown>;
    } catch {
      params = { raw: body };
    }
    const service = signingName ? (SIGNING_NAMES[signingName] ?? signingName) : target.startsWith('AmazonEC2ContainerService') ? 'ecs' : 'unknown';
    return { service, operation: target.split('.').pop() ?? 'unknown', params };
  }
  const form = new URLSearchParams(body);
  const params: Record<string, unknown> = {};
  for (const [key, value] of form) if (key !== 'Action' && key !== 'Version') params[key] = value;
  const version = form.get('Version') ?? '';
  const service = signingName ? (SIGNING_NAMES[signingName] ?? signingName) : (QUERY_VERSIONS[version] ?? 'unknown');
  return { service, operation: form.get('Action') ?? 'unknown', params };
}

/** Who signed a request and for which region: the SigV4 credential scope (`Credential=AKID/date/region/service/aws4_request`). */
export function requestSigner(headers: IncomingHttpHeaders): { accessKeyId: string; region: string } | undefined {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(header(headers, 'authorization') ?? '');
  return scope?.[1] === undefined || scope[2] === undefined ? undefined : { accessKeyId: scope[1], region: scope[2] };
}

/** From an STS AssumeRole answer (query XML): the session's access key and the account of the assumed role. */
export function assumedRoleAccount(body: string): { accessKeyId: string; account: string } | undefined {
  const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(body)?.[1];
  const account = /<Arn>arn:aws[a-z-]*:sts::(\d{12}):assumed-role\//.exec(body)?.[1];
  return key === undefined || account === undefined ? undefined : { accessKeyId: key, account };
}

/** Describe*, List*, Get* are reads; everything else writes. */
export function isReadOperation(operation: string): boolean {
  return /^(Describe|List|Get)/.test(operation);
}

export type InjectedError = 'throttle' | 'error500' | 'accessDenied';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The error AWS itself returns for `kind`:
 * ECS: HTTP 400 {"__type":"ThrottlingException"} / 500 ServerException (JSON 1.1);
 * ELBv2: HTTP 400 <ErrorResponse> Code Throttling / 500 InternalFailure;
 * EC2: HTTP 503 <Response><Errors> Code RequestLimitExceeded / 500 InternalError.
 */
export function awsErrorResponse(service: string, kind: InjectedError): WireResponse {
  const requestId = randomUUID();
  if (kind === 'accessDenied') {
    // STS's (and every query protocol's) 403; ECS's JSON shape for the JSON protocols
    if (service === 'ecs' || service === 'unknown' || service === 'dynamodb') {
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized to perform this operation (injected by the test fault proxy)' }),
      };
    }
    return {
      status: 403,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>` +
        `<Message>User is not authorized to perform: ${service}:* (injected by the test fault proxy)</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (service === 'ecs' || service === 'unknown') {
    const body =
      kind === 'throttle'
        ? { __type: 'ThrottlingException', message: 'Rate exceeded' }
        : { __type: 'ServerException', message: 'Service encountered an internal error (injected by the test fault proxy)' };
    return {
      status: kind === 'throttle' ? 400 : 500,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify(body),
    };
  }
  if (service === 'ec2') {
    const [code, message] =
      kind === 'throttle' ? ['RequestLimitExceeded', 'Request limit exceeded.'] : ['InternalError', 'An internal error has occurred (injected by the test fault proxy)'];
    return {
      status: kind === 'throttle' ? 503 : 500,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
        `<Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    };
  }
  const [type, code, message] =
    kind === 'throttle' ? ['Sender', 'Throttling', 'Rate exceeded'] : ['Receiver', 'InternalFailure', 'Internal failure (injected by the test fault proxy)'];
  return {
    status: kind === 'throttle' ? 400 : 500,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">` +
      `<Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}
