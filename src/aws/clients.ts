// The SDK clients the controller uses (ECS, ELBv2, EC2, Application Auto Scaling, SSM), each with the call counter and the
// client-side rate limiter in its middleware stack, bounded retries, and a total deadline on
// every attempt (request-deadline.ts) behind a gate the daemon closes on a timed-out cycle.
// Region and credentials come from the SDK's default chain (env, profile, SSO, ECS task
// role, instance role). Endpoints come from the SDK's own AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> support (AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL_EC2,
// AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2,
// AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING, AWS_ENDPOINT_URL_SSM) or a profile's endpoint_url: never hard-coded.
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsService } from './aws-service.js';
import { CALL_COUNTER_MIDDLEWARE_NAME, CallCounter, callCounterMiddleware } from './call-counter.js';
import { type Clock, RATE_LIMIT_MIDDLEWARE_NAME, RateLimiter, rateLimitMiddleware, systemClock } from './rate-limiter.js';
import { parseRateLimits, RATE_LIMITS_ENV, type RateLimitOverrides } from './rate-limits.js';
import { lazyClient, type LazyClient } from './lazy-client.js';
import { applyRequestDeadline, DEFAULT_REQUEST_DEADLINE_MS } from './request-deadline.js';
import { RequestGate } from './request-gate.js';
import { ControllerRetryStrategy, type RetryPolicy } from './retry-strategy.js';

export interface AwsClientOptions {
  /** default: the SDK's chain (AWS_REGION, AWS_DEFAULT_REGION, profile) */
  region?: string;
  /** per-class bucket overrides (see rate-limits.ts), or `false` to switch client-side limiting off;
   *  default: ECS_RECONCILER_RATE_LIMITS (`elbv2:describe=200/50,...` or `off`), else AWS's published rates */
  rateLimits?: RateLimitOverrides | false;
  /** share of each AWS bucket the limiter uses, (0, 1]; default 0.9 (headroom for jitter and other callers) */
  rateLimitUtilization?: number;
  /** attempts in all for transient errors (5xx, timeouts, connection refused); default 3 */
  maxAttempts?: number;
  /** retries after throttling errors; default 8 */
  maxThrottleRetries?: number;
  /** TCP connect timeout, ms; default 3000 */
  connectTimeoutMs?: number;
  /** socket inactivity timeout, ms; default 8000 (3 attempts stay under 30 s) */
  socketTimeoutMs?: number;
  /** total deadline of one attempt (send to last byte of the answer), ms; default 10 000 */
  requestDeadlineMs?: number;
  /** share a gate between client sets (default: a new, open one) */
  gate?: RequestGate;
  /** share a counter between client sets (default: a new one) */
  calls?: CallCounter;
  /** share a limiter between client sets, e.g. the daemon's loop and a one-off apply */
  limiter?: RateLimiter;
  /** time source for the rate limiter (tests) */
  clock?: Clock;
  /** retry backoff tuning (tests) */
  retry?: Partial<Pick<RetryPolicy, 'transientBaseMs' | 'throttleBaseMs'>>;
  /** default: the SDK's chain; a target's assumed-role provider (src/targets/) */
  credentials?: AwsCredentialIdentityProvider;
  /** called with each client's middleware stack after the controller's own middleware (a target's lease guard) */
  extendStack?: (stack: MiddlewareStackLike, service: AwsService) => void;
}

export interface AwsClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  ec2: EC2Client;
  /** the --events-queue's client (CloudTrail events through EventBridge); made (and its package loaded) on first use */
  sqs: LazyClient<SQSClient>;
  /** Application Auto Scaling (the ScalableTarget kind) */
  autoscaling: ApplicationAutoScalingClient;
  /** SSM Parameter Store (images CI writes: imageFrom.ssmParameter; client secrets); made on first use */
  ssm: LazyClient<SSMClient>;
  /** attempts per service/operation/outcome */
  calls: CallCounter;
  /** undefined when client-side rate limiting is off */
  limiter: RateLimiter | undefined;
  /** closed: every new attempt fails at once with RequestsStopped (a timed-out cycle drains) */
  gate: RequestGate;
  /** close the clients' sockets */
  destroy(): void;
}

interface StackLike {
  addRelativeTo(middleware: unknown, options: { name: string; relation: 'before' | 'after'; toMiddleware: string }): void;
}

export type MiddlewareStackLike = StackLike;

/** Order inside finalizeRequest: retry -> rate limit (wait for a token) -> count -> sign -> send. */
function instrument(stack: StackLike, service: AwsService, calls: CallCounter, limiter: RateLimiter | undefined): void {
  let anchor = 'retryMiddleware';
  if (limiter) {
    stack.addRelativeTo(rateLimitMiddleware(limiter, service), {
      name: RATE_LIMIT_MIDDLEWARE_NAME,
      relation: 'after',
      toMiddleware: anchor,
    });
    anchor = RATE_LIMIT_MIDDLEWARE_NAME;
  }
  stack.addRelativeTo(callCounterMiddleware(calls, service), {
    name: CALL_COUNTER_MIDDLEWARE_NAME,
    relation: 'after',
    toMiddleware: anchor,
  });
}

export function createAwsClients(opts: AwsClientOptions = {}): AwsClients {
  // The SDK warns on every process start under Node 20 (supported by this project); keep CLI output clean.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const calls = opts.calls ?? new CallCounter();
  const rateLimits = opts.rateLimits ?? parseRateLimits(process.env[RATE_LIMITS_ENV] ?? '');
  const limiter =
    rateLimits === false ? undefined : (opts.limiter ?? new RateLimiter(rateLimits, opts.clock ?? systemClock, opts.rateLimitUtilization));
  const maxAttempts = opts.maxAttempts ?? 3;
  const common = {
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts,
    retryStrategy: new ControllerRetryStrategy({
      maxAttempts,
      maxThrottleRetries: opts.maxThrottleRetries ?? 8,
      ...opts.retry,
    }),
    requestHandler: {
      connectionTimeout: opts.connectTimeoutMs ?? 3_000,
      socketTimeout: opts.socketTimeoutMs ?? 8_000,
    },
  };

  const ecs = new ECSClient(common);
  const elbv2 = new ElasticLoadBalancingV2Client(common);
  const ec2 = new EC2Client(common);
  const autoscaling = new ApplicationAutoScalingClient(common);
  instrument(ecs.middlewareStack as unknown as StackLike, 'ecs', calls, limiter);
  instrument(elbv2.middlewareStack as unknown as StackLike, 'elbv2', calls, limiter);
  instrument(ec2.middlewareStack as unknown as StackLike, 'ec2', calls, limiter);
  instrument(autoscaling.middlewareStack as unknown as StackLike, 'autoscaling', calls, limiter);
  if (opts.extendStack) {
    opts.extendStack(ecs.middlewareStack as unknown as StackLike, 'ecs');
    opts.extendStack(elbv2.middlewareStack as unknown as StackLike, 'elbv2');
    opts.extendStack(ec2.middlewareStack as unknown as StackLike, 'ec2');
    opts.extendStack(autoscaling.middlewareStack as unknown as StackLike, 'autoscaling');
  }
  const gate = opts.gate ?? new RequestGate();
  const deadlineMs = opts.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  applyRequestDeadline(ecs, deadlineMs, gate, 'ECS request');
  applyRequestDeadline(elbv2, deadlineMs, gate, 'ELBv2 request');
  applyRequestDeadline(ec2, deadlineMs, gate, 'EC2 request');
  applyRequestDeadline(autoscaling, deadlineMs, gate, 'Application Auto Scaling request');
  // loaded only when used: each SDK package costs megabytes of heap (lazy-client.ts)
  const sqs = lazyClient(async () => {
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    // a long poll waits up to 20 s for a message: the socket may be idle that long
    const client = new SQSClient({ ...common, requestHandler: { connectionTimeout: opts.connectTimeoutMs ?? 3_000, socketTimeout: 25_000 } });
    instrument(client.middlewareStack as unknown as StackLike, 'sqs', calls, limiter);
    return client;
  });
  const ssm = lazyClient(async () => {
    const { SSMClient } = await import('@aws-sdk/client-ssm');
    const client = new SSMClient(common);
    instrument(client.middlewareStack as unknown as StackLike, 'ssm', calls, limiter);
    applyRequestDeadline(client, deadlineMs, gate, 'SSM request');
    return client;
  });

  return {
    ecs,
    elbv2,
    ec2,
    sqs,
    autoscaling,
    ssm,
    calls,
    limiter,
    gate,
    destroy() {
      ecs.destroy();
      elbv2.destroy();
      ec2.destroy();
      sqs.destroy();
      autoscaling.destroy();
      ssm.destroy();
    },
  };
}
