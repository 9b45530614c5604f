// planKinds (issue 16, item 5): a cycle plans each kind as soon as what it plans from is read
// (Reconciler.plansFrom). Each kind's plan over a live state holding only planInputsOf(kind) is
// its part of planAll's plan (a read of any other part throws here), and the parts merged are
// planAll's plan, change for change.
import { describe, expect, it } from 'vitest';
import { mergePlans, planAll, planInputsOf, planKinds } from '../../src/reconcilers/plan.js';
import { APPLY_ORDER } from '../../src/reconcilers/registry.js';
import type { LiveIngressRule, LiveState } from '../../src/reconcilers/types.js';
import type { Kind } from '../../src/spec/types.js';
import { ALB_ARN, LISTENER_ARN, OWNER, desiredState, ingress, listenerRule, liveState, liveTargetGroupOf, ours, ruleArn, service, targetGroup, tgArn } from './fixtures.js';

/** The parts of the live state each kind's read fills (its normalise). */
const PARTS: Record<Kind, (keyof LiveState)[]> = {
  TargetGroup: ['targetGroups'],
  Listener: ['loadBalancers', 'listeners'],
  ListenerRule: ['rules'],
  SecurityGroupIngress: ['securityGroups'],
  Service: ['services', 'clusters', 'imageParameters'],
  ScalableTarget: ['scalableTargets'],
};

/** `live` with only these kinds' parts: reading another part throws. */
function onlyParts(live: LiveState, kinds: readonly Kind[]): LiveState {
  const allowed = new Set<string | symbol>(kinds.flatMap((k) => PARTS[k]));
  return new Proxy(live, {
    get(target, key, receiver) {
      if (typeof key === 'string' && Object.values(PARTS).some((p) => (p as string[]).includes(key)) && !allowed.has(key)) {
        throw new Error(`read live.${key}, which is not among its plan's inputs (${kinds.join(', ')})`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

const usersTg = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } });
const apiTg = targetGroup('api-tg', { protocol: 'HTTPS', port: 443 });
const usersApi = listenerRule('users-api', { priority: 100 });
const web = service('web', { desiredCount: 2 });

function world(): { desired: ReturnType<typeof desiredState>; live: LiveState } {
  const sgRule: LiveIngressRule = { protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: 'sg-0f1a5c00000000a2' }, ruleId: 'sgr-1', groupId: 'sg-0f1a5c00000000a1', tags: {} };
  const desired = desiredState({ targetGroups: [usersTg, apiTg, targetGroup('client-tg')], listenerRules: [usersApi], services: [web], securityGroupIngress: [ingress('rds-in')] });
  const live = liveState({
    targetGroups: [liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash)), liveTargetGroupOf(targetGroup('api-tg', { protocol: 'HTTP', port: 80 }), ours(apiTg.id, 'old'))],
    listeners: [{ arn: LISTENER_ARN, loadBalancerArn: ALB_ARN, loadBalancerName: 'web-alb', port: 80, protocol: 'HTTP', defaultAction: { type: 'fixed-response', statusCode: '404' }, tags: {} }],
    rules: [
      { arn: ruleArn(1), listenerArn: LISTENER_ARN, priority: 100, conditions: { pathPatterns: ['/users*', '/extra'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] }, action: { type: 'forward', targetGroupArn: tgArn('users-tg') }, tags: ours(usersApi.id, usersApi.specHash) },
      { arn: ruleArn(2), listenerArn: LISTENER_ARN, priority: 900, conditions: { pathPatterns: ['/old'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] }, action: { type: 'forward', targetGroupArn: tgArn('users-tg') }, tags: ours('ListenerRule/old', 'h') },
    ],
    securityGroups: [{ groupId: 'sg-0f1a5c00000000a1', vpcId: 'vpc-1', tags: {}, rules: [sgRule] }],
  });
  return { desired, live };
}

describe('planKinds: each kind planned from its inputs alone', () => {
  for (const prune of [false, true]) {
    it(`every kind's plan reads only planInputsOf(kind), and the parts merged are planAll's plan (prune ${prune})`, () => {
      const { desired, live } = world();
      const opts = { prune, ownerId: OWNER };
      const whole = planAll(desired, live, opts);
      expect(whole.changes.filter((c) => c.action !== 'noop').length).toBeGreaterThan(2);
      const parts = APPLY_ORDER.map((kind) => planKinds(desired, onlyParts(live, planInputsOf(kind)), opts, [kind]));
      expect(mergePlans(parts)).toEqual(whole);
    });
  }

  it('a live part a plan does not declare is caught (the check itself can fail)', () => {
    const { desired, live } = world();
    expect(() => planKinds(desired, onlyParts(live, ['TargetGroup']), { prune: false, ownerId: OWNER }, ['ListenerRule'])).toThrow(/not among its plan.s inputs/);
  });
});
