// The AWS services the controller talks to (sqs: the optional --events-queue), and how each is named in IAM and in
// the SDK's per-service endpoint variable.

export const AWS_SERVICES = ['ecs', 'elbv2', 'ec2', 'sqs', 'autoscaling', 'ssm'] as const;
export type AwsService = (typeof AWS_SERVICES)[number];

/** IAM action prefix, as in `elasticloadbalancing:DescribeRules`. */
export const IAM_PREFIX: Record<AwsService, string> = {
  ecs: 'ecs',
  elbv2: 'elasticloadbalancing',
  ec2: 'ec2',
  sqs: 'sqs',
  autoscaling: 'application-autoscaling',
  ssm: 'ssm',
};

/** The SDK's per-service endpoint variable (from each client's serviceId). */
export const ENDPOINT_ENV: Record<AwsService, string> = {
  ecs: 'AWS_ENDPOINT_URL_ECS',
  elbv2: 'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
  ec2: 'AWS_ENDPOINT_URL_EC2',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  autoscaling: 'AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING',
  ssm: 'AWS_ENDPOINT_URL_SSM',
};

/** `elasticloadbalancing:DescribeRules` */
export function iamAction(service: AwsService, operation: string): string {
  return `${IAM_PREFIX[service]}:${operation}`;
}

/** Where the SDK will send requests for `service`, as configured in the environment (undefined = AWS). */
export function configuredEndpoint(service: AwsService, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[ENDPOINT_ENV[service]] || env.AWS_ENDPOINT_URL || undefined;
}
