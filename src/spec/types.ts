// The normalised, validated desired state: what loadDesiredState() returns.
// Every optional AWS-side default that the controller fills in is filled here;
// fields AWS defaults and users may leave out (health check, attributes) stay optional
// so that plan() compares only what was declared.

export const KINDS = ['TargetGroup', 'Listener', 'ListenerRule', 'SecurityGroupIngress', 'Service', 'ScalableTarget'] as const;
export type Kind = (typeof KINDS)[number];
export type Policy = 'enforce' | 'observe';

/** Where a node came from: 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface ResourceMeta<K extends Kind = Kind> {
  kind: K;
  name: string;
  /** `Kind/name`, the identity of the resource. */
  id: string;
  policy: Policy;
  /** spec field paths (dot separated, e.g. `desiredCount`, `healthCheck.path`) never corrected. */
  ignore: string[];
  /**
   * Service only (metadata.allowReplace: true): a change AWS can make only with a new service
   * (launchType, capacity providers back to a launch type) replaces it; without it, a conflict.
   */
  allowReplace?: true;
  source: SourcePos;
  /** sha256 (first 16 hex chars) of the canonical JSON of the normalised spec. */
  specHash: string;
  /**
   * The ids this file gives by name or tags (issue 16): resolved every cycle, before the reads;
   * until then the spec holds `lookup:<site>` where each id goes (LOOKUP_PLACEHOLDER).
   */
  lookups?: LookupSite[];
}

// ---------- lookups (issue 16) ----------

export type LookupKind = 'vpc' | 'subnet' | 'securityGroup';

/** What an EC2 resource must have to match: every tag listed, and (security groups) its GroupName. */
export interface LookupFilter {
  tags?: Record<string, string>;
  name?: string;
}

export interface LookupSite {
  /** where the file writes it, under spec: `vpc`, `network.subnets`, `network.securityGroups[1]`, `groupName`, `rules[0].source.securityGroupName` */
  site: string;
  kind: LookupKind;
  filter: LookupFilter;
  /** a subnets lookup stands for every subnet it matches (at least one); the others for exactly one */
  many: boolean;
  source: SourcePos;
}

/** What a spec holds where a lookup's id goes until it is resolved. */
export const LOOKUP_PLACEHOLDER = 'lookup:';

// ---------- shared pieces ----------

/** A reference to a declared TargetGroup by name, or a literal ARN of one we do not manage. */
export type TargetGroupRef = { name: string } | { arn: string };

/** One target group of a weighted forward; weight 0..999 (AWS's default 1 filled in). */
export interface WeightedTargetGroup {
  targetGroup: TargetGroupRef;
  weight: number;
}

/**
 * A forward: to one target group (`targetGroup`), or weighted across 1..5 (`targetGroups`, sorted
 * by reference) with target group stickiness, kept only when enabled (disabled equals absent).
 */
export type ForwardAction =
  | { type: 'forward'; targetGroup: TargetGroupRef }
  | { type: 'forward'; targetGroups: WeightedTargetGroup[]; stickiness?: { enabled: true; durationSeconds: number } };

export type Action =
  | ForwardAction
  | { type: 'fixed-response'; statusCode: string; contentType?: string; messageBody?: string }
  | {
      type: 'redirect';
      statusCode: 'HTTP_301' | 'HTTP_302';
      protocol?: string;
      host?: string;
      port?: string;
      path?: string;
      query?: string;
    };

/** Settings AWS keeps for both authenticate actions, with its defaults filled in. */
export interface AuthenticateCommon {
  /** AWS default "openid" */
  scope: string;
  /** AWS default "AWSELBAuthSessionCookie" */
  sessionCookieName: string;
  /** seconds, AWS default 604800 (7 days) */
  sessionTimeout: number;
  /** AWS default "authenticate" */
  onUnauthenticatedRequest: 'deny' | 'allow' | 'authenticate';
  /** absent when empty */
  authenticationRequestExtraParams?: Record<string, string>;
}

export interface AuthenticateOidcConfig extends AuthenticateCommon {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userInfoEndpoint: string;
  clientId: string;
  /** where apply reads the client secret (desired only: AWS never returns the secret) */
  clientSecretFrom?: { ssmParameter: string };
}

export interface AuthenticateCognitoConfig extends AuthenticateCommon {
  userPoolArn: string;
  userPoolClientId: string;
  userPoolDomain: string;
}

/** An action AWS runs before the terminal one of a rule (ELBv2 Action of that type, camelCase). */
export type AuthenticateAction =
  | { type: 'authenticate-oidc'; authenticateOidcConfig: AuthenticateOidcConfig }
  | { type: 'authenticate-cognito'; authenticateCognitoConfig: AuthenticateCognitoConfig };

// ---------- TargetGroup ----------

/** HTTP/HTTPS: application load balancers; the rest: network load balancers. */
export type ElbProtocol = 'HTTP' | 'HTTPS' | 'TCP' | 'UDP' | 'TCP_UDP' | 'TLS';
export const NLB_PROTOCOLS: readonly ElbProtocol[] = ['TCP', 'UDP', 'TCP_UDP', 'TLS'];

export interface HealthCheckSpec {
  path?: string;
  protocol?: 'HTTP' | 'HTTPS' | 'TCP';
  /** `traffic-port` or a port number as a string */
  port?: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  /** HTTP codes, e.g. "200" or "200-299" */
  matcher?: string;
}

export interface TargetGroupSpec {
  vpcId: string;
  protocol: ElbProtocol;
  /** HTTP1 | HTTP2 | GRPC; absent: not declared (AWS's HTTP1 for HTTP/HTTPS groups) */
  protocolVersion?: 'HTTP1' | 'HTTP2' | 'GRPC';
  port: number;
  targetType: 'instance' | 'ip';
  healthCheck: HealthCheckSpec;
  /** only the declared keys; values are strings as AWS returns them */
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

// ---------- Listener ----------

export interface ListenerSpec {
  loadBalancer: string;
  port: number;
  protocol: ElbProtocol;
  /** required for HTTPS and TLS */
  certificateArn?: string;
  sslPolicy?: string;
  /** TLS listeners only */
  alpnPolicy?: 'HTTP1Only' | 'HTTP2Only' | 'HTTP2Optional' | 'HTTP2Preferred' | 'None';
  /** SNI certificates, sorted; absent: not managed (not even read) */
  additionalCertificates?: string[];
  defaultAction: Action;
}

// ---------- ListenerRule ----------

/** A listener is named by load balancer + port, or by ARN. */
export type ListenerRef = { loadBalancer: string; port: number } | { arn: string };

export interface RuleConditions {
  /** each list sorted and de-duplicated; absent lists are empty */
  pathPatterns: string[];
  hostHeaders: string[];
  httpRequestMethods: string[];
  sourceIps: string[];
  /**
   * http-header conditions, one per entry (AND), values sorted and de-duplicated (OR); sorted by
   * name. Absent when there are none (so specs without them keep their spec hash).
   */
  httpHeaders?: HttpHeaderCondition[];
  /** the key/value pairs of one query-string condition (OR), sorted; absent when there are none */
  queryStrings?: QueryStringPair[];
}

export interface HttpHeaderCondition {
  name: string;
  values: string[];
}

export interface QueryStringPair {
  key?: string;
  value: string;
}

export interface ListenerRuleSpec {
  listener: ListenerRef;
  priority: number;
  conditions: RuleConditions;
  /** authenticate actions run before `action`, in order; absent when there are none */
  authenticate?: AuthenticateAction[];
  /** the terminal action (forward | fixed-response | redirect): the last of `actions` */
  action: Action;
}

// ---------- SecurityGroupIngress ----------

export type IngressProtocol = 'tcp' | 'udp' | 'icmp' | 'all';
export type IngressSource =
  | { type: 'securityGroup'; value: string }
  | { type: 'cidr'; value: string }
  | { type: 'ipv6Cidr'; value: string }
  | { type: 'prefixList'; value: string };

/** One permission with exactly one source; `all` has fromPort = toPort = -1. */
export interface IngressRule {
  protocol: IngressProtocol;
  fromPort: number;
  toPort: number;
  source: IngressSource;
  /** not part of the rule's identity; compared only when declared (left out: the live description is kept) */
  description?: string;
}

export interface SecurityGroupIngressSpec {
  groupId: string;
  exclusive: boolean;
  /** sorted by ingressRuleKey */
  rules: IngressRule[];
}

// ---------- Service + task definition ----------

export interface PortMapping {
  /** 0 when the mapping is a containerPortRange */
  containerPort: number;
  /** `8000-8010` (AWS's shape), instead of containerPort (then containerPort and hostPort are 0) */
  containerPortRange?: string;
  /** filled in: awsvpc/host -> containerPort, bridge -> 0 when left out */
  hostPort: number;
  protocol: 'tcp' | 'udp';
  /** Service Connect: the port's name (what serviceConnectConfiguration.services[].portName names) */
  name?: string;
  /** Service Connect: http | http2 | grpc; absent: none (AWS's default) */
  appProtocol?: 'http' | 'http2' | 'grpc';
}

export interface EnvVar {
  name: string;
  value: string;
  /** marked secret in the YAML: redacted in every log, plan output and Slack message */
  secret: boolean;
}

/** A container health check (ECS runs the command in the container); ECS defaults filled in. */
export interface ContainerHealthCheck {
  /** `["CMD", executable, ...args]` or `["CMD-SHELL", "shell command"]` */
  command: string[];
  /** default 30 (ECS) */
  intervalSeconds: number;
  /** default 5 (ECS) */
  timeoutSeconds: number;
  /** default 3 (ECS) */
  retries: number;
  /** absent: no start period (ECS has no default) */
  startPeriodSeconds?: number;
}

/** Where an image comes from instead of a literal (issue 15): read each cycle, a new value is a rollout. */
export interface ImageSource {
  /** a String parameter CI writes: the image, or its tag when `repository` is given */
  ssmParameter: string;
  repository?: string;
}

export interface ContainerSpec {
  name: string;
  /** '' in the loaded state when `imageFrom` names the source; the plan fills in the value read */
  image: string;
  imageFrom?: ImageSource;
  essential: boolean;
  portMappings: PortMapping[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  /** sorted by name */
  environment: EnvVar[];
  /** ECS secrets: name -> valueFrom ARN, sorted by name */
  secrets: { name: string; valueFrom: string }[];
  command?: string[];
  entryPoint?: string[];
  logs?: { group: string; region: string; streamPrefix: string };
  healthCheck?: ContainerHealthCheck;
  /** seconds between SIGTERM and SIGKILL when the container stops; absent: the ECS default (30) */
  stopTimeout?: number;
  /** the other RegisterTaskDefinition container fields, in AWS's names and shapes (CONTAINER_FIELDS), normalised */
  aws?: Record<string, unknown>;
}

export interface TaskDefinitionSpec {
  family: string;
  networkMode: 'bridge' | 'awsvpc' | 'host';
  cpu?: string;
  memory?: string;
  executionRoleArn?: string;
  taskRoleArn?: string;
  /** derived from the service's launchType; a live revision registered without any counts as ['EC2'] */
  requiresCompatibilities: ('EC2' | 'FARGATE')[];
  containers: ContainerSpec[];
  /** the other RegisterTaskDefinition task-level fields, in AWS's names and shapes (TASK_DEFINITION_FIELDS), normalised */
  aws?: Record<string, unknown>;
}

export interface ServiceLoadBalancer {
  targetGroup: TargetGroupRef;
  containerName: string;
  containerPort: number;
}

export interface ServiceNetwork {
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
}

export interface ServiceSpec {
  cluster: string;
  launchType: 'EC2' | 'FARGATE';
  desiredCount: number;
  /** defaults: maximumPercent 200, minimumHealthyPercent 100 (ECS defaults) */
  deployment: { maximumPercent: number; minimumHealthyPercent: number };
  healthCheckGracePeriodSeconds?: number;
  taskDefinition: TaskDefinitionSpec;
  loadBalancers: ServiceLoadBalancer[];
  network?: ServiceNetwork;
  tags: Record<string, string>;
  /**
   * the other CreateService fields by their AWS names (SERVICE_FIELDS), normalised; the YAML's
   * deployment.circuitBreaker / deployment.alarms are here as deploymentCircuitBreaker / alarms
   */
  aws?: Record<string, unknown>;
}

// ---------- ScalableTarget (Application Auto Scaling of one ECS service) ----------

export const PREDEFINED_METRIC_TYPES = ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget'] as const;
export type PredefinedMetricType = (typeof PREDEFINED_METRIC_TYPES)[number];

/** PutScalingPolicy's TargetTrackingScalingPolicyConfiguration, camelCase; the resource label as a target group name. */
export interface TargetTrackingConfiguration {
  targetValue: number;
  predefinedMetricSpecification: {
    predefinedMetricType: PredefinedMetricType;
    /** ALBRequestCountPerTarget only: a declared TargetGroup's name (the ResourceLabel is derived from it) */
    targetGroup?: string;
  };
  /** compared only when declared (AWS fills its own default in) */
  scaleInCooldown?: number;
  scaleOutCooldown?: number;
  /** default false (AWS's) */
  disableScaleIn: boolean;
}

export interface ScalingPolicySpec {
  policyName: string;
  policyType: 'TargetTrackingScaling';
  targetTrackingScalingPolicyConfiguration: TargetTrackingConfiguration;
}

export interface ScheduledActionSpec {
  scheduledActionName: string;
  /** `at(...)`, `rate(...)` or `cron(...)`, as AWS takes it */
  schedule: string;
  /** default UTC (AWS's) */
  timezone: string;
  scalableTargetAction: { minCapacity?: number; maxCapacity?: number };
}

export interface ScalableTargetSpec {
  /** the declared Service (metadata.name) this target scales; its cluster comes from that Service */
  service: string;
  minCapacity: number;
  maxCapacity: number;
  /** sorted by policyName */
  scalingPolicies: ScalingPolicySpec[];
  /** sorted by scheduledActionName */
  scheduledActions: ScheduledActionSpec[];
}

// ---------- the whole ----------

/** Each kind's normalised spec. */
export interface KindSpecs {
  TargetGroup: TargetGroupSpec;
  Listener: ListenerSpec;
  ListenerRule: ListenerRuleSpec;
  SecurityGroupIngress: SecurityGroupIngressSpec;
  Service: ServiceSpec;
  ScalableTarget: ScalableTargetSpec;
}

export type DesiredResource = { [K in Kind]: ResourceMeta<K> & { spec: KindSpecs[K] } }[Kind];

export type DesiredOf<K extends Kind> = Extract<DesiredResource, { kind: K }>;

export interface DesiredState {
  targetGroups: DesiredOf<'TargetGroup'>[];
  listeners: DesiredOf<'Listener'>[];
  listenerRules: DesiredOf<'ListenerRule'>[];
  securityGroupIngress: DesiredOf<'SecurityGroupIngress'>[];
  services: DesiredOf<'Service'>[];
  scalableTargets: DesiredOf<'ScalableTarget'>[];
  /** the files read, relative to the source directory, sorted */
  files: string[];
}

/** Where each kind's documents are in DesiredState. */
export const DESIRED_KEYS = {
  TargetGroup: 'targetGroups',
  Listener: 'listeners',
  ListenerRule: 'listenerRules',
  SecurityGroupIngress: 'securityGroupIngress',
  Service: 'services',
  ScalableTarget: 'scalableTargets',
} as const satisfies { [K in Kind]: keyof DesiredState };

/** An empty desired state (every kind's list empty). */
export function emptyDesiredState(files: readonly string[] = []): DesiredState {
  const state = Object.fromEntries(KINDS.map((k) => [DESIRED_KEYS[k], []])) as unknown as DesiredState;
  state.files = [...files];
  return state;
}

/** One validation error. `kindName` is `Kind/name` when the document got that far. */
export interface SpecError {
  file: string;
  line: number;
  col: number;
  kindName?: string;
  /** stable machine code, e.g. `yaml.syntax`, `schema.unknown-field`, `ref.target-group` */
  code: string;
  /** what is wrong and what to do */
  message: string;
}

/** One `${NAME}` put in: where, which name, from where (`validate --values` prints them). */
export interface Substitution {
  file: string;
  line: number;
  col: number;
  /** `spec.taskDefinition.containers[0].image` */
  path: string;
  name: string;
  from: 'values' | 'environment';
  /** the value; absent when it looks like a secret (never shown, never logged) */
  value?: string;
}

export type LoadResult =
  | { ok: true; state: DesiredState; /** every `${NAME}` put in (issue 16), in file order */ substitutions?: Substitution[] }
  | { ok: false; errors: SpecError[] };
