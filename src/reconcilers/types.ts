// Live state (what observe() read, already normalised to the desired shapes) and the plan.
// Pure data: no SDK values. plan() functions take DesiredState + LiveState and return Changes.
import type {
  Action,
  DesiredOf,
  HealthCheckSpec,
  IngressRule,
  Kind,
  Policy,
  RuleConditions,
  ServiceNetwork,
  TaskDefinitionSpec,
} from '../spec/types.js';

export const TAG_OWNER = 'ecs-reconciler/owner';
export const TAG_RESOURCE = 'ecs-reconciler/resource';
export const TAG_SPEC_HASH = 'ecs-reconciler/spec-hash';
/** on task definition revisions: hash of the normalised TaskDefinitionSpec */
export const TAG_CONTENT_HASH = 'ecs-reconciler/content-hash';

export type Tags = Record<string, string>;

/**
 * Live actions name target groups by ARN; plan maps ARNs back to declared names.
 * A ForwardConfig with several target groups is kept whole in `weighted` (targetGroupArn is then the
 * first of them) so that it differs from a single-target-group forward. `preceding` lists action
 * types AWS runs before the terminal one (authenticate-oidc, ...): the spec cannot express them, so
 * any makes the live action differ from the desired one.
 */
export type LiveAction = (
  | { type: 'forward'; targetGroupArn: string; weighted?: { targetGroupArn: string; weight: number }[] }
  | Exclude<Action, { type: 'forward' }>
) & { preceding?: string[] };

export interface LiveLoadBalancer {
  arn: string;
  name: string;
  vpcId: string;
}

export interface LiveTargetGroup {
  arn: string;
  name: string;
  vpcId: string;
  protocol: string;
  port: number;
  targetType: string;
  /** every field as AWS reports it (AWS fills defaults) */
  healthCheck: Required<HealthCheckSpec>;
  /** only the keys the desired spec declares (DescribeTargetGroupAttributes is skipped otherwise) */
  attributes: Record<string, string>;
  tags: Tags;
  loadBalancerArns: string[];
}

export interface LiveListener {
  arn: string;
  loadBalancerArn: string;
  loadBalancerName: string;
  port: number;
  protocol: string;
  certificateArn?: string;
  sslPolicy?: string;
  defaultAction: LiveAction;
  tags: Tags;
}

export interface LiveRule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleConditions;
  /** conditions the spec cannot express (http-header, query-string, regex values) as `field=value`; any makes the rule differ */
  unsupportedConditions?: string[];
  action: LiveAction;
  tags: Tags;
}

/** One security-group rule (sgr-...), one source each. */
export interface LiveIngressRule extends IngressRule {
  ruleId: string;
  groupId: string;
  tags: Tags;
}

export interface LiveSecurityGroup {
  groupId: string;
  vpcId: string;
  tags: Tags;
  /** ingress only */
  rules: LiveIngressRule[];
}

export interface LiveTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  /** normalised the same way as the desired TaskDefinitionSpec (ECS defaults filled, read-only fields dropped) */
  spec: TaskDefinitionSpec;
  tags: Tags;
}

export interface LiveService {
  arn: string;
  name: string;
  clusterArn: string;
  clusterName: string;
  status: string;
  launchType: string;
  desiredCount: number;
  deployment: { maximumPercent: number; minimumHealthyPercent: number };
  healthCheckGracePeriodSeconds?: number;
  taskDefinition: LiveTaskDefinition;
  loadBalancers: { targetGroupArn: string; containerName: string; containerPort: number }[];
  network?: ServiceNetwork;
  tags: Tags;
}

export interface LiveState {
  loadBalancers: LiveLoadBalancer[];
  targetGroups: LiveTargetGroup[];
  listeners: LiveListener[];
  /** rules of every observed listener, default rules excluded */
  rules: LiveRule[];
  securityGroups: LiveSecurityGroup[];
  services: LiveService[];
  /** clusters that exist, by name */
  clusters: string[];
}

// ---------- the plan ----------

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'noop';
/** drift: live changed behind our back; rollout: the desired state changed; adopt: first write to a found resource */
/** none: only on noop changes (nothing to do) */
export type ChangeCause = 'drift' | 'rollout' | 'adopt' | 'create' | 'prune' | 'none';

export interface FieldDiff {
  /** spec field path, e.g. `healthCheck.path`, `rules[tcp/80/cidr:10.2.0.0/24]` */
  path: string;
  live: unknown;
  desired: unknown;
}

/**
 * Conventions of the planner (src/reconcilers/plan.ts):
 * - `update` with `diffs: []` is a tag-only update: nothing differs but our ownership tags must be
 *   written (adoption of a matching resource, or a new spec hash AWS already matches); `reason`
 *   says which. It does not count as a change for `plan`'s exit code (see format-plan.ts).
 * - `delete` with cause `prune` removes a resource that left the files (only planned with prune);
 *   `delete` with cause `rollout` removes a stray copy of a resource that is still declared (the
 *   old target group of an unfinished replace, a rule left on its old listener, a duplicate).
 * - A resource with a conflict has no Change at all; Plan.conflicts explains why.
 * - A noop has cause `none`. Under `policy: observe` nothing is ever tagged, so a difference there
 *   is drift unless an older spec-hash tag says the files changed since it was last enforced.
 */
export interface ChangeBase<K extends Kind = Kind> {
  kind: K;
  name: string;
  /** `Kind/name` */
  id: string;
  action: ChangeAction;
  cause: ChangeCause;
  policy: Policy;
  diffs: FieldDiff[];
  /** ARN or id of the live resource, when there is one */
  liveId?: string;
  desiredHash?: string;
  /** why (replace: which immutable field; delete: tagged ours and not in files) */
  reason?: string;
}

export type Change =
  | (ChangeBase<'TargetGroup'> & { desired?: DesiredOf<'TargetGroup'>; live?: LiveTargetGroup })
  | (ChangeBase<'Listener'> & { desired?: DesiredOf<'Listener'>; live?: LiveListener })
  | (ChangeBase<'ListenerRule'> & { desired?: DesiredOf<'ListenerRule'>; live?: LiveRule })
  | (ChangeBase<'SecurityGroupIngress'> & {
      desired?: DesiredOf<'SecurityGroupIngress'>;
      live?: LiveSecurityGroup;
      /** declared rules missing live */
      authorize: IngressRule[];
      /** live rules to revoke: ours and no longer declared, or any undeclared with exclusive */
      revoke: LiveIngressRule[];
      /** live rules whose description differs */
      describe: { ruleId: string; rule: IngressRule }[];
      /** live rules that match a declared rule but lack our tags (adopt) */
      adopt: LiveIngressRule[];
    })
  | (ChangeBase<'Service'> & {
      desired?: DesiredOf<'Service'>;
      live?: LiveService;
      /** the task definition content differs from the running revision */
      registerTaskDefinition: boolean;
    });

export type ChangeOf<K extends Kind> = Extract<Change, { kind: K }>;

export interface Plan {
  changes: Change[];
  /** problems found while planning that block a change (e.g. priority taken by a rule not ours) */
  conflicts: { id: string; message: string }[];
}
