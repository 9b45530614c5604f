// ListenerRule action chains in the plan: authenticate steps compared field by field with the
// live rule (AWS defaults on both sides, the client secret never), DRIFT with both values.
import { describe, expect, it } from 'vitest';
import { planAll } from '../../../src/reconcilers/plan.js';
import type { LiveRule, Plan } from '../../../src/reconcilers/types.js';
import type { AuthenticateAction, DesiredOf } from '../../../src/spec/types.js';
import { formatPlan } from '../../../src/reconcilers/format-plan.js';
import { ALB_ARN, LISTENER_ARN, OWNER, desiredState, listenerRule, liveState, liveTargetGroupOf, ours, ruleArn, targetGroup, tgArn } from '../fixtures.js';

const usersTg = targetGroup('users-tg', { port: 5000 });

const oidc = (o: Partial<Extract<AuthenticateAction, { type: 'authenticate-oidc' }>['authenticateOidcConfig']> = {}): AuthenticateAction => ({
  type: 'authenticate-oidc',
  authenticateOidcConfig: {
    issuer: 'https://id.example',
    authorizationEndpoint: 'https://id.example/auth',
    tokenEndpoint: 'https://id.example/token',
    userInfoEndpoint: 'https://id.example/me',
    clientId: 'web',
    scope: 'openid',
    sessionCookieName: 'AWSELBAuthSessionCookie',
    sessionTimeout: 604800,
    onUnauthenticatedRequest: 'authenticate',
    ...o,
  },
});

const desired = (authenticate?: AuthenticateAction[]): DesiredOf<'ListenerRule'> =>
  listenerRule('users-api', { listener: { loadBalancer: 'web-alb', port: 443 }, ...(authenticate === undefined ? {} : { authenticate }) });

function liveRule(d: DesiredOf<'ListenerRule'>, authenticate: AuthenticateAction[] | undefined): LiveRule {
  return {
    arn: ruleArn(1),
    listenerArn: LISTENER_ARN,
    priority: d.spec.priority,
    conditions: { ...d.spec.conditions },
    action: { type: 'forward', targetGroupArn: tgArn('users-tg'), ...(authenticate === undefined ? {} : { preceding: authenticate.map((a) => a.type), authenticate }) },
    tags: ours(d.id, d.specHash),
  };
}

function planOf(d: DesiredOf<'ListenerRule'>, live: LiveRule): Plan {
  const world = liveState({
    targetGroups: [liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash))],
    listeners: [{ arn: LISTENER_ARN, loadBalancerArn: ALB_ARN, loadBalancerName: 'web-alb', port: 443, protocol: 'HTTPS', defaultAction: { type: 'fixed-response', statusCode: '404' }, tags: {} }],
    rules: [live],
  });
  const plan = planAll(desiredState({ targetGroups: [usersTg], listenerRules: [d] }), world, { prune: false, ownerId: OWNER });
  return { ...plan, changes: plan.changes.filter((c) => c.kind === 'ListenerRule') };
}

describe('planListenerRules: authenticate steps', () => {
  const secretFrom = { clientSecretFrom: { ssmParameter: '/shop/oidc-secret' } };

  it('a live chain equal to the desired one (clientSecretFrom is never compared) is a noop', () => {
    const d = desired([oidc(secretFrom)]);
    const plan = planOf(d, liveRule(d, [oidc()]));
    expect(plan.changes.map((c) => [c.action, c.diffs])).toEqual([['noop', []]]);
  });

  it('an issuer and a scope changed by hand: DRIFT with both values of each field', () => {
    const d = desired([oidc(secretFrom)]);
    const plan = planOf(d, liveRule(d, [oidc({ issuer: 'https://evil.example', scope: 'openid email' })]));
    expect(plan.changes.map((c) => [c.action, c.cause])).toEqual([['update', 'drift']]);
    expect(plan.changes[0]!.diffs).toEqual([
      { path: 'actions[0].authenticateOidcConfig.issuer', live: 'https://evil.example', desired: 'https://id.example' },
      { path: 'actions[0].authenticateOidcConfig.scope', live: 'openid email', desired: 'openid' },
    ]);
  });

  it('an authenticate step removed by hand: an actions diff naming both chains', () => {
    const d = desired([oidc(secretFrom)]);
    const plan = planOf(d, liveRule(d, undefined));
    expect(plan.changes[0]!.diffs).toEqual([{ path: 'actions', live: [], desired: ['authenticate-oidc https://id.example (client web)'] }]);
  });

  it('a single desired action against a live chain differs (the step is shown, the forward is equal)', () => {
    const d = desired();
    const plan = planOf(d, liveRule(d, [oidc()]));
    expect(plan.changes[0]!.diffs).toEqual([{ path: 'actions', live: ['authenticate-oidc https://id.example (client web)'], desired: [] }]);
  });

  it('extra params compare as a map; a cognito step in place of oidc is a chain difference', () => {
    const d = desired([oidc({ ...secretFrom, authenticationRequestExtraParams: { prompt: 'login' } })]);
    const params = planOf(d, liveRule(d, [oidc({ authenticationRequestExtraParams: { prompt: 'none' } })]));
    expect(params.changes[0]!.diffs).toEqual([{ path: 'actions[0].authenticateOidcConfig.authenticationRequestExtraParams', live: { prompt: 'none' }, desired: { prompt: 'login' } }]);
    const cognito: AuthenticateAction = {
      type: 'authenticate-cognito',
      authenticateCognitoConfig: { userPoolArn: 'arn:aws:cognito-idp:us-east-2:123456789012:userpool/p', userPoolClientId: 'c', userPoolDomain: 'd', scope: 'openid', sessionCookieName: 'AWSELBAuthSessionCookie', sessionTimeout: 604800, onUnauthenticatedRequest: 'authenticate' },
    };
    expect(planOf(d, liveRule(d, [cognito])).changes[0]!.diffs.map((x) => x.path)).toEqual(['actions']);
  });

  it('the plan text names neither a secret nor its parameter', () => {
    const d = desired([oidc(secretFrom)]);
    const text = formatPlan(planOf(d, liveRule(d, [oidc({ issuer: 'https://evil.example' })])));
    expect(text).toContain('https://evil.example');
    expect(text).not.toContain('/shop/oidc-secret');
  });
});
