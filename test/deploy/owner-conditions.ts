// A small simulation of the owner-tag conditions of deploy/iam-policy.json over a recorded call
// sequence (the fault proxy's writes, with their wire parameters): which writes AWS would refuse
// because the resource did not carry `ecs-reconciler/owner` at the moment of the call. Tags are
// followed as the calls write them (ELBv2 AddTags, EC2 CreateTags / DeleteTags); resources tagged
// before the recording, or created with tags during it (their ARN is in no request), are passed
// in as `ownedBefore`.
// Conditioned actions are read from the policy, so moving an action into an owner-conditioned
// statement makes every recorded call of it checked.

export interface PolicyStatement {
  Sid?: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface RecordedWrite {
  service: string;
  operation: string;
  params?: Record<string, unknown>;
  /** the fault proxy's outcome: only `forwarded` calls reached AWS */
  outcome?: string;
  status?: number;
}

export const OWNER_TAG = 'ecs-reconciler/owner';
/** the owner id the shipped policy's conditions name (and `ownedBefore` resources carry) */
export const OWNER_ID = 'ecs-reconciler';
const OWNER_CONDITION = `aws:ResourceTag/${OWNER_TAG}`;
const IAM_PREFIX: Record<string, string> = { elbv2: 'elasticloadbalancing', ec2: 'ec2', ecs: 'ecs' };

/** The parameter naming the resource whose tags AWS evaluates, per conditioned action. */
const RESOURCE_PARAM: Record<string, string> = {
  'elasticloadbalancing:ModifyRule': 'RuleArn',
  'elasticloadbalancing:DeleteRule': 'RuleArn',
  'elasticloadbalancing:DeleteListener': 'ListenerArn',
  'elasticloadbalancing:DeleteTargetGroup': 'TargetGroupArn',
  'ec2:RevokeSecurityGroupIngress': 'GroupId',
};

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** action -> the owner value every statement granting it requires (actions granted unconditioned somewhere are left out). */
export function ownerConditionedActions(statements: readonly PolicyStatement[]): Map<string, string> {
  const result = new Map<string, string>();
  const free = new Set<string>();
  for (const s of statements) {
    const value = s.Condition?.StringEquals?.[OWNER_CONDITION];
    for (const action of list(s.Action)) {
      if (typeof value === 'string') result.set(action, value);
      else free.add(action);
    }
  }
  for (const action of free) result.delete(action);
  return result;
}

/** `prefix.N.Key` / `prefix.N.Value` pairs of a query-protocol request. */
function queryTags(params: Record<string, unknown>, prefix: string): Map<string, string | undefined> {
  const tags = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(params)) {
    const m = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)\\.Key$`).exec(key);
    if (m === null) continue;
    const v = params[`${prefix}.${m[1]}.Value`];
    tags.set(String(value), v === undefined ? undefined : String(v));
  }
  return tags;
}

function queryList(params: Record<string, unknown>, prefix: string): string[] {
  return Object.entries(params)
    .filter(([key]) => new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.\\d+$`).test(key))
    .map(([, value]) => String(value));
}

/** One line per write AWS would refuse; [] when every conditioned write found its resource tagged as ours. */
export function ownerConditionViolations(
  statements: readonly PolicyStatement[],
  writes: readonly RecordedWrite[],
  ownedBefore: Iterable<string> = [],
): string[] {
  const conditioned = ownerConditionedActions(statements);
  const owner = new Map<string, string>();
  for (const id of ownedBefore) owner.set(id, OWNER_ID);
  const problems: string[] = [];
  for (const w of writes) {
    if (w.outcome !== undefined && w.outcome !== 'forwarded') continue;
    const action = `${IAM_PREFIX[w.service] ?? w.service}:${w.operation}`;
    const params = w.params ?? {};
    const required = conditioned.get(action);
    if (required !== undefined) {
      const param = RESOURCE_PARAM[action];
      const resource = param === undefined ? undefined : params[param];
      if (typeof resource !== 'string') problems.push(`${action}: cannot tell which resource it writes (add it to RESOURCE_PARAM)`);
      else if (owner.get(resource) !== required) {
        problems.push(`${action} on ${resource} before it carried ${OWNER_TAG}=${required}`);
      }
    }
    if (w.status !== undefined && (w.status < 200 || w.status >= 300)) continue;
    if (action === 'elasticloadbalancing:AddTags' || action === 'ec2:CreateTags') {
      const [resources, tags] =
        action === 'ec2:CreateTags' ? [queryList(params, 'ResourceId'), queryTags(params, 'Tag')] : [queryList(params, 'ResourceArns.member'), queryTags(params, 'Tags.member')];
      const value = tags.get(OWNER_TAG);
      if (value !== undefined) for (const r of resources) owner.set(r, value);
    } else if (action === 'ec2:DeleteTags' && queryTags(params, 'Tag').has(OWNER_TAG)) {
      for (const r of queryList(params, 'ResourceId')) owner.delete(r);
    }
  }
  return problems;
}
