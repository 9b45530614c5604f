// The YAML documents as users write them, once they passed the JSON Schemas (before defaults).
import type { ElbProtocol, ImageSource, Kind, KindSpecs } from './types.js';
import type { ParsedDocument } from './parse-documents.js';

export type RawTags = Record<string, string>;

/** `{ name: shop-alb-sg }` or `{ tags: { Name: shop-alb } }`: a security group looked up each cycle (issue 16). */
export type RawSecurityGroupLookup = { name: string; tags?: never } | { tags: RawTags; name?: never };

export interface RawAction {
  forward?: {
    targetGroup?: string;
    targetGroups?: { targetGroup: string; weight?: number }[];
    stickiness?: { enabled: boolean; durationSeconds?: number };
  };
  fixedResponse?: { statusCode: number | string; contentType?: string; messageBody?: string };
  redirect?: {
    statusCode: 'HTTP_301' | 'HTTP_302';
    protocol?: string;
    host?: string;
    port?: number | string;
    path?: string;
    query?: string;
  };
}

export interface RawTargetGroupSpec {
  /** exactly one of vpcId | vpc */
  vpcId?: string;
  vpc?: { tags: RawTags };
  protocol: ElbProtocol;
  protocolVersion?: 'HTTP1' | 'HTTP2' | 'GRPC';
  port: number;
  targetType?: 'instance' | 'ip';
  healthCheck?: {
    path?: string;
    protocol?: 'HTTP' | 'HTTPS' | 'TCP';
    port?: number | string;
    intervalSeconds?: number;
    timeoutSeconds?: number;
    healthyThreshold?: number;
    unhealthyThreshold?: number;
    matcher?: number | string;
  };
  attributes?: Record<string, string | number | boolean>;
  tags?: RawTags;
}

export interface RawListenerSpec {
  loadBalancer: string;
  port: number;
  protocol: ElbProtocol;
  certificateArn?: string;
  sslPolicy?: string;
  alpnPolicy?: 'HTTP1Only' | 'HTTP2Only' | 'HTTP2Optional' | 'HTTP2Preferred' | 'None';
  additionalCertificates?: string[];
  defaultAction: RawAction;
}

export interface RawListenerRuleSpec {
  listener: { loadBalancer: string; port: number } | { arn: string };
  priority: number;
  conditions: {
    pathPatterns?: string[];
    hostHeaders?: string[];
    httpRequestMethods?: string[];
    sourceIps?: string[];
    httpHeaders?: { name: string; values: string[] }[];
    queryStrings?: { key?: string; value: string }[];
  };
  /** exactly one of action | actions (schema) */
  action?: RawAction;
  actions?: RawActionStep[];
}

interface RawAuthenticateCommon {
  scope?: string;
  sessionCookieName?: string;
  sessionTimeout?: number;
  onUnauthenticatedRequest?: 'deny' | 'allow' | 'authenticate';
  authenticationRequestExtraParams?: Record<string, string>;
}

export interface RawAuthenticateOidc {
  type: 'authenticate-oidc';
  authenticateOidcConfig: RawAuthenticateCommon & {
    issuer: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    userInfoEndpoint: string;
    clientId: string;
    clientSecretFrom?: { ssmParameter: string };
    /** accepted by the schema only so that cross-checks can say what to do instead */
    clientSecret?: string;
  };
}

export interface RawAuthenticateCognito {
  type: 'authenticate-cognito';
  authenticateCognitoConfig: RawAuthenticateCommon & { userPoolArn: string; userPoolClientId: string; userPoolDomain: string };
}

/** One entry of `actions`: an authenticate step, or (last) a v1 action. */
export type RawActionStep = RawAuthenticateOidc | RawAuthenticateCognito | (RawAction & { type?: undefined });

export interface RawIngressRule {
  protocol: 'tcp' | 'udp' | 'icmp' | 'all';
  port?: number;
  fromPort?: number;
  toPort?: number;
  source: { securityGroup?: string; securityGroupName?: string; cidr?: string; ipv6Cidr?: string; prefixList?: string };
  description?: string;
}

export interface RawSecurityGroupIngressSpec {
  /** exactly one of groupId | groupName */
  groupId?: string;
  groupName?: string;
  exclusive?: boolean;
  rules: RawIngressRule[];
}

export interface RawContainer {
  name: string;
  /** exactly one of image and imageFrom (cross-checks-image-source.ts) */
  image?: string;
  imageFrom?: ImageSource;
  essential?: boolean;
  portMappings?: { containerPort?: number; containerPortRange?: string; hostPort?: number; protocol?: 'tcp' | 'udp'; name?: string; appProtocol?: 'http' | 'http2' | 'grpc' }[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  environment?: Record<string, string | { value: string; secret?: boolean }>;
  secrets?: Record<string, string>;
  command?: string[];
  entryPoint?: string[];
  logs?: { group: string; region: string; streamPrefix: string };
  healthCheck?: { command: string[]; intervalSeconds?: number; timeoutSeconds?: number; retries?: number; startPeriodSeconds?: number };
  stopTimeout?: number;
  /** RegisterTaskDefinition container fields in AWS's shapes (src/spec/aws-fields.ts CONTAINER_FIELDS) */
  [awsField: string]: unknown;
}

export interface RawTaskDefinition {
  family: string;
  networkMode?: 'bridge' | 'awsvpc' | 'host';
  cpu?: string | number;
  memory?: string | number;
  executionRoleArn?: string;
  taskRoleArn?: string;
  containers: RawContainer[];
  /** RegisterTaskDefinition task-level fields in AWS's shapes (TASK_DEFINITION_FIELDS) */
  [awsField: string]: unknown;
}

export interface RawServiceSpec {
  cluster: string;
  launchType?: 'EC2' | 'FARGATE';
  desiredCount?: number;
  deployment?: {
    maximumPercent?: number;
    minimumHealthyPercent?: number;
    circuitBreaker?: { enable: boolean; rollback: boolean };
    alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
  };
  healthCheckGracePeriodSeconds?: number;
  taskDefinition: RawTaskDefinition;
  loadBalancers?: { targetGroup: string; containerName: string; containerPort: number }[];
  network?: { subnets: string[] | { tags: RawTags }; securityGroups?: (string | RawSecurityGroupLookup)[]; assignPublicIp?: boolean };
  tags?: RawTags;
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  /** the other CreateService fields in AWS's shapes (SERVICE_FIELDS) */
  [awsField: string]: unknown;
}

export interface RawScalableTargetSpec {
  service: string;
  minCapacity: number;
  maxCapacity: number;
  scalingPolicies?: {
    policyName: string;
    policyType?: 'TargetTrackingScaling';
    targetTrackingScalingPolicyConfiguration: {
      targetValue: number;
      predefinedMetricSpecification: { predefinedMetricType: import('./types.js').PredefinedMetricType; targetGroup?: string };
      scaleInCooldown?: number;
      scaleOutCooldown?: number;
      disableScaleIn?: boolean;
    };
  }[];
  scheduledActions?: { scheduledActionName: string; schedule: string; timezone?: string; scalableTargetAction: { minCapacity?: number; maxCapacity?: number } }[];
}

/** The YAML shapes of the kinds whose normalisation changes the shape (defaults, references). */
interface RawSpecs {
  TargetGroup: RawTargetGroupSpec;
  Listener: RawListenerSpec;
  ListenerRule: RawListenerRuleSpec;
  SecurityGroupIngress: RawSecurityGroupIngressSpec;
  Service: RawServiceSpec;
  ScalableTarget: RawScalableTargetSpec;
}

/** A kind without an entry in RawSpecs is written in YAML exactly as its normalised spec. */
export type RawSpecOf = RawSpecs & { [K in Exclude<Kind, keyof RawSpecs>]: KindSpecs[K] };

export interface RawMetadata {
  name: string;
  policy?: 'enforce' | 'observe';
  ignore?: string[];
  allowReplace?: boolean;
}

/** A document that passed its schema, with where it came from. */
export type ValidDoc = {
  [K in Kind]: { kind: K; name: string; id: string; metadata: RawMetadata; spec: RawSpecOf[K]; pd: ParsedDocument };
}[Kind];

export type ValidDocOf<K extends Kind> = Extract<ValidDoc, { kind: K }>;
