// Typed AWS call errors and the one-line explanations users see.
// Classifies SDK service errors (by AWS error code), Node network errors (by errno code)
// and credential/region resolution errors; never prints a stack.
import { ReconcilerError } from '../reconciler-error.js';
import { type AwsService, iamAction } from './aws-service.js';

export type AwsErrorKind =
  | 'access-denied'
  | 'credentials'
  | 'unreachable'
  | 'throttled'
  | 'not-found'
  | 'region'
  | 'server'
  | 'other';

export interface AwsCallContext {
  service: AwsService;
  /** API operation, e.g. `DescribeRules` */
  operation: string;
  /** `Kind/name` (or a short list of them) the call was made for */
  resource?: string;
  /** endpoint URL, when known (filled from the error when the client middleware saw the request) */
  endpoint?: string;
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequests',
  'TooManyRequestsException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
]);
const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'Forbidden',
]);
const CREDENTIAL_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'InvalidAccessKeyId',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ServiceUnavailable', 'InternalFailure', 'InternalError']);
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
  TimeoutError: 'timed out',
};

interface ErrorLike {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $endpoint?: string;
  address?: string;
  port?: number;
  cause?: unknown;
  errors?: unknown[];
}

function asErrorLike(err: unknown): ErrorLike {
  return err !== null && typeof err === 'object' ? (err as ErrorLike) : { message: String(err) };
}

/** The stable code of any error: the AWS error code, the Node errno code, or the error name. */
export function errorCode(err: unknown): string {
  if (err instanceof AwsCallError) return err.code;
  const e = asErrorLike(err);
  if (typeof e.Code === 'string' && e.Code) return e.Code;
  if (typeof e.code === 'string' && e.code) return e.code;
  // Node's fetch/net may wrap several attempts (happy eyeballs) in an AggregateError
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  if (e.name === 'TimeoutError') return 'TimeoutError';
  if (e.name && e.name !== 'Error') return e.name;
  if (e.cause) return errorCode(e.cause);
  if (/region is missing/i.test(e.message ?? '')) return 'RegionMissing';
  return 'Error';
}

function codeSet(err: unknown): string[] {
  const e = asErrorLike(err);
  return [errorCode(err), e.name ?? '', e.Code ?? ''].filter(Boolean);
}

function status(err: unknown): number | undefined {
  return asErrorLike(err).$metadata?.httpStatusCode;
}

export function isThrottling(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.kind === 'throttled';
  return status(err) === 429 || codeSet(err).some((c) => THROTTLING_CODES.has(c));
}

export function isAccessDenied(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.kind === 'access-denied';
  return codeSet(err).some((c) => ACCESS_DENIED_CODES.has(c));
}

export function isCredentialsError(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.kind === 'credentials';
  return codeSet(err).some((c) => CREDENTIAL_CODES.has(c)) || /could not load credentials/i.test(asErrorLike(err).message ?? '');
}

export function isNotFound(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.kind === 'not-found';
  return codeSet(err).some((c) => /NotFound/.test(c) && !/Operation/.test(c));
}

export function isUnreachable(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.kind === 'unreachable';
  if (status(err) !== undefined) return false;
  return codeSet(err).some((c) => c in NETWORK_CODES);
}

/** Can the same call succeed if made again later: throttling, 5xx, timeouts, connection resets. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AwsCallError) return isRetryable(err.cause) || err.kind === 'throttled' || err.kind === 'unreachable' || err.kind === 'server';
  const s = status(err);
  if (s !== undefined && s >= 500) return true;
  if (isThrottling(err)) return true;
  return codeSet(err).some((c) => TRANSIENT_CODES.has(c) || c in NETWORK_CODES);
}

export function classifyAwsError(err: unknown): AwsErrorKind {
  if (err instanceof AwsCallError) return err.kind;
  if (errorCode(err) === 'RegionMissing') return 'region';
  if (isThrottling(err)) return 'throttled';
  if (isCredentialsError(err)) return 'credentials';
  if (isAccessDenied(err)) return 'access-denied';
  if (isNotFound(err)) return 'not-found';
  if (isUnreachable(err)) return 'unreachable';
  const s = status(err);
  if ((s !== undefined && s >= 500) || codeSet(err).some((c) => TRANSIENT_CODES.has(c))) return 'server';
  return 'other';
}

/** One line of the AWS message: no newlines, bounded length. */
function oneLine(text: string | undefined, max = 300): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function endpointOf(err: unknown, ctx: Partial<AwsCallContext>): string {
  const e = asErrorLike(err);
  if (ctx.endpoint) return ctx.endpoint;
  if (e.$endpoint) return e.$endpoint;
  if (e.address) return e.port ? `${e.address}:${e.port}` : e.address;
  return `the ${ctx.service ?? 'AWS'} endpoint`;
}

function callOf(ctx: Partial<AwsCallContext>): string {
  if (!ctx.service || !ctx.operation) return '';
  return `${iamAction(ctx.service, ctx.operation)}${ctx.resource ? ` for ${ctx.resource}` : ''}`;
}

/**
 * One line a person can act on, e.g.
 * `AccessDenied on elasticloadbalancing:DescribeRules for ListenerRule/users-api: <message>`.
 */
export function describeAwsError(err: unknown, ctx: Partial<AwsCallContext> = {}): string {
  if (err instanceof AwsCallError) return err.message;
  const e = asErrorLike(err);
  const code = errorCode(err);
  const call = callOf(ctx);
  const msg = oneLine(e.message) || code;
  switch (classifyAwsError(err)) {
    case 'region':
      return 'AWS region not set: set AWS_REGION (or a region in your AWS profile) and run again';
    case 'unreachable': {
      const reason = NETWORK_CODES[code] ?? code;
      return `cannot reach AWS endpoint ${endpointOf(err, ctx)}: ${reason}${call ? ` (${call})` : ''}; check the network and AWS_ENDPOINT_URL*`;
    }
    case 'credentials':
      if (code === 'CredentialsProviderError' || /could not load credentials/i.test(msg)) {
        return `AWS credentials not found: ${msg}; set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an ECS task role`;
      }
      return `AWS credentials expired or invalid: ${code}: ${msg}${call ? ` (${call})` : ''}; refresh the credentials (new session token, aws sso login) and run again`;
    case 'access-denied':
      return `${code} on ${call || 'AWS'}: ${msg}${ctx.service && ctx.operation ? ` (grant ${iamAction(ctx.service, ctx.operation)} to the controller's IAM role)` : ''}`;
    case 'throttled': {
      const attempts = e.$metadata?.attempts;
      return `${code} on ${call || 'AWS'}: ${msg}${attempts ? ` after ${attempts} attempts` : ''}; AWS is throttling this account: lower the controller's rate limits or retry later`;
    }
    default:
      return `${code} on ${call || 'AWS'}: ${msg}`;
  }
}

/** An AWS call that failed, with the call and resource it was made for. `message` is one line. */
export class AwsCallError extends ReconcilerError {
  override readonly name = 'AwsCallError';
  readonly kind: AwsErrorKind;
  readonly service: AwsService | undefined;
  readonly operation: string | undefined;
  readonly resource: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(cause: unknown, ctx: Partial<AwsCallContext> = {}) {
    super(errorCode(cause), describeAwsError(cause, ctx), { cause });
    this.kind = classifyAwsError(cause);
    this.service = ctx.service;
    this.operation = ctx.operation;
    this.resource = ctx.resource;
    this.httpStatus = status(cause);
  }
}

/** Wrap any error from an AWS call (idempotent: an AwsCallError is returned as is). */
export function toAwsCallError(err: unknown, ctx: Partial<AwsCallContext>): AwsCallError {
  return err instanceof AwsCallError ? err : new AwsCallError(err, ctx);
}

/** Run one AWS call; any failure becomes an AwsCallError naming the call and resource. */
export async function awsCall<T>(ctx: AwsCallContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAwsCallError(err, ctx);
  }
}

/** `Kind/a`, `Kind/a, Kind/b`, or `Kind/a, Kind/b (+3 more)`: for error context. */
export function resourceList(ids: readonly string[], show = 2): string | undefined {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return undefined;
  if (unique.length <= show + 1) return unique.join(', ');
  return `${unique.slice(0, show).join(', ')} (+${unique.length - show} more)`;
}
