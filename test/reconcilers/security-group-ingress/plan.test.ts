// SecurityGroupIngress planning: authorize / revoke / describe / adopt lists, exclusive, causes
// from the group's spec-hash tag, ignore, conflicts and prune.
import { describe, expect, it } from 'vitest';
import { planAll } from '../../../src/reconcilers/plan.js';
import { TAG_OWNER, TAG_RESOURCE } from '../../../src/reconcilers/types.js';
import type { ChangeOf, LiveIngressRule, LiveSecurityGroup, Plan, Tags } from '../../../src/reconcilers/types.js';
import type { DesiredOf, IngressRule } from '../../../src/spec/types.js';
import { OWNER, desiredState, ingress, liveState, ours } from '../fixtures.js';

const GROUP = 'sg-0f1a5c00000000a1';
const APP_SG = 'sg-0f1a5c00000000a2';
const pg: IngressRule = { protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: APP_SG } };
const http: IngressRule = { protocol: 'tcp', fromPort: 80, toPort: 80, source: { type: 'cidr', value: '10.2.0.0/24' } };
const ssh: IngressRule = { protocol: 'tcp', fromPort: 22, toPort: 22, source: { type: 'cidr', value: '0.0.0.0/0' } };

const ruleTags = (id: string): Tags => ({ [TAG_OWNER]: OWNER, [TAG_RESOURCE]: id });

function liveRule(rule: IngressRule, n: number, tags: Tags = {}): LiveIngressRule {
  return { ...rule, ruleId: `sgr-${n}`, groupId: GROUP, tags };
}

function group(rules: LiveIngressRule[], tags: Tags): LiveSecurityGroup {
  return { groupId: GROUP, vpcId: 'vpc-1', tags, rules };
}

function planOf(d: DesiredOf<'SecurityGroupIngress'>[], groups: LiveSecurityGroup[], prune = false): Plan {
  return planAll(desiredState({ securityGroupIngress: d }), liveState({ securityGroups: groups }), { prune, ownerId: OWNER });
}

function sg(plan: Plan): ChangeOf<'SecurityGroupIngress'> {
  expect(plan.changes).toHaveLength(1);
  const c = plan.changes[0]!;
  if (c.kind !== 'SecurityGroupIngress') throw new Error('not an SG change');
  return c;
}

const key = (r: { ruleId: string } | IngressRule) => ('ruleId' in r ? r.ruleId : `${r.protocol}/${r.fromPort}`);

describe('planSecurityGroupIngress', () => {
  const d = ingress('rds-in', { rules: [http, pg] });
  const converged = (extra: LiveIngressRule[] = []) =>
    group([liveRule(http, 1, ruleTags(d.id)), liveRule(pg, 2, ruleTags(d.id)), ...extra], ours(d.id, d.specHash));

  it('is a noop when every declared rule is there, tagged', () => {
    expect(sg(planOf([d], [converged()])).action).toBe('noop');
  });

  it.each([
    ['a declared rule removed behind our back: authorize, drift', [liveRule(pg, 2, ruleTags(d.id))], ['tcp/80'], [], 'drift', [{ path: 'rules[tcp/80-80/cidr:10.2.0.0/24]', live: undefined, desired: 'tcp 80 from cidr 10.2.0.0/24' }]],
    ['an undeclared rule tagged as ours: revoke', [liveRule(http, 1, ruleTags(d.id)), liveRule(pg, 2, ruleTags(d.id)), liveRule(ssh, 3, ruleTags(d.id))], [], ['sgr-3'], 'drift', [{ path: 'rules[tcp/22-22/cidr:0.0.0.0/0]', live: 'tcp 22 from cidr 0.0.0.0/0', desired: undefined }]],
  ])('%s', (_label, rules, authorize, revoke, cause, diffs) => {
    const c = sg(planOf([d], [group(rules, ours(d.id, d.specHash))]));
    expect([c.action, c.cause]).toEqual(['update', cause]);
    expect(c.authorize.map(key)).toEqual(authorize);
    expect(c.revoke.map(key)).toEqual(revoke);
    expect(c.diffs).toEqual(diffs);
  });

  it('an untagged rule added by hand is left alone and is not a diff without exclusive', () => {
    expect(sg(planOf([d], [converged([liveRule(ssh, 3)])])).action).toBe('noop');
  });

  it('with exclusive: true, an untagged rule added by hand is revoked and reported', () => {
    const ex = ingress('rds-in', { rules: [http, pg], exclusive: true });
    const g = group([liveRule(http, 1, ruleTags(ex.id)), liveRule(pg, 2, ruleTags(ex.id)), liveRule(ssh, 3)], ours(ex.id, ex.specHash));
    const c = sg(planOf([ex], [g]));
    expect([c.action, c.cause, c.revoke.map(key)]).toEqual(['update', 'drift', ['sgr-3']]);
    expect(c.diffs.map((f) => f.path)).toEqual(['rules[tcp/22-22/cidr:0.0.0.0/0]']);
  });

  it('a changed declared description is a describe entry, not a revoke + authorize', () => {
    const withDesc = ingress('rds-in', { rules: [{ ...pg, description: 'app to postgres' }] });
    const g = group([liveRule({ ...pg, description: 'old' }, 2, ruleTags(withDesc.id))], ours(withDesc.id, withDesc.specHash));
    const c = sg(planOf([withDesc], [g]));
    expect([c.authorize, c.revoke, c.describe]).toEqual([[], [], [{ ruleId: 'sgr-2', rule: { ...pg, description: 'app to postgres' } }]]);
    expect(c.diffs).toEqual([{ path: `rules[tcp/5432-5432/securityGroup:${APP_SG}].description`, live: 'old', desired: 'app to postgres' }]);
  });

  it('hand-built matching rules on an untagged group: tag-only adopt listing the rules', () => {
    const c = sg(planOf([d], [group([liveRule(http, 1), liveRule(pg, 2)], {})]));
    expect([c.action, c.cause, c.diffs, c.adopt.map(key)]).toEqual(['update', 'adopt', [], ['sgr-1', 'sgr-2']]);
  });

  it('rollout when the group carries an older spec hash', () => {
    const c = sg(planOf([d], [group([liveRule(pg, 2, ruleTags(d.id))], ours(d.id, 'older'))]));
    expect([c.action, c.cause, c.authorize.map(key)]).toEqual(['update', 'rollout', ['tcp/80']]);
  });

  it('ignored rule paths never produce a diff', () => {
    const ig = ingress('rds-in', { rules: [http, pg] }, { ignore: ['rules'] });
    expect(sg(planOf([ig], [group([], ours(ig.id, ig.specHash))])).action).toBe('noop');
  });

  it('a security group that does not exist is a conflict', () => {
    const plan = planOf([d], []);
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts[0]!.message).toContain(`security group ${GROUP} not found (desired/test.yaml:3)`);
  });

  it.each([
    ['prune on', true, 1],
    ['prune off', false, 0],
  ])('rules tagged for a resource no longer declared are revoked only with prune (%s)', (_label, prune, count) => {
    const other = ingress('app-in', { groupId: 'sg-other', rules: [http] });
    const g = group([liveRule(ssh, 5, ruleTags('SecurityGroupIngress/old-in'))], {});
    const plan = planAll(desiredState({ securityGroupIngress: [other] }), liveState({ securityGroups: [g, { ...group([], ours(other.id, other.specHash)), groupId: 'sg-other' }] }), { prune, ownerId: OWNER });
    const deletes = plan.changes.filter((c) => c.action === 'delete');
    expect(deletes).toHaveLength(count);
    if (count > 0) {
      const c = deletes[0]!;
      expect(c.kind === 'SecurityGroupIngress' && [c.id, c.cause, c.revoke.map(key)]).toEqual(['SecurityGroupIngress/old-in', 'prune', ['sgr-5']]);
    }
  });
});
