// A ListenerRule's `action` or `actions` list (raw, schema-valid) -> its terminal action and the
// authenticate steps before it; and those steps normalised with AWS's defaults filled in.
import type { AuthenticateAction, AuthenticateCommon } from './types.js';
import type { RawAction, RawActionStep, RawAuthenticateCognito, RawAuthenticateOidc, RawListenerRuleSpec } from './raw-types.js';

export type RawAuthStep = RawAuthenticateOidc | RawAuthenticateCognito;

/** AWS's values for authenticate settings a request leaves out (ELBv2 AuthenticateOidcActionConfig / AuthenticateCognitoActionConfig). */
export const AUTHENTICATE_DEFAULTS = {
  scope: 'openid',
  sessionCookieName: 'AWSELBAuthSessionCookie',
  sessionTimeout: 604800,
  onUnauthenticatedRequest: 'authenticate',
} as const;

export function isAuthStep(step: RawActionStep): step is RawAuthStep {
  return step.type === 'authenticate-oidc' || step.type === 'authenticate-cognito';
}

/**
 * The terminal action of a rule with the spec path to it (`['action']` or `['actions', n]`),
 * and its authenticate steps with their indexes. With `actions`, the terminal action is the last
 * entry that is not an authenticate step (cross-checks report any other order).
 */
export function ruleActions(spec: Pick<RawListenerRuleSpec, 'action' | 'actions'>): {
  terminal: RawAction;
  at: (string | number)[];
  auth: { step: RawAuthStep; index: number }[];
} {
  if (spec.actions === undefined) return { terminal: spec.action ?? {}, at: ['action'], auth: [] };
  const auth: { step: RawAuthStep; index: number }[] = [];
  let terminal: { action: RawAction; index: number } | undefined;
  spec.actions.forEach((step, index) => {
    if (isAuthStep(step)) auth.push({ step, index });
    else terminal = { action: step, index };
  });
  return terminal === undefined ? { terminal: {}, at: ['actions'], auth } : { terminal: terminal.action, at: ['actions', terminal.index], auth };
}

function common(raw: RawAuthenticateOidc['authenticateOidcConfig'] | RawAuthenticateCognito['authenticateCognitoConfig']): AuthenticateCommon {
  const extra = raw.authenticationRequestExtraParams;
  return {
    scope: raw.scope ?? AUTHENTICATE_DEFAULTS.scope,
    sessionCookieName: raw.sessionCookieName ?? AUTHENTICATE_DEFAULTS.sessionCookieName,
    sessionTimeout: raw.sessionTimeout ?? AUTHENTICATE_DEFAULTS.sessionTimeout,
    onUnauthenticatedRequest: raw.onUnauthenticatedRequest ?? AUTHENTICATE_DEFAULTS.onUnauthenticatedRequest,
    ...(extra === undefined || Object.keys(extra).length === 0 ? {} : { authenticationRequestExtraParams: sortedRecord(extra) }),
  };
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, String(v)]));
}

/** One authenticate step, normalised (defaults filled in, a literal clientSecret never kept). */
export function normaliseAuthStep(step: RawAuthStep): AuthenticateAction {
  if (step.type === 'authenticate-cognito') {
    const c = step.authenticateCognitoConfig;
    return {
      type: 'authenticate-cognito',
      authenticateCognitoConfig: { userPoolArn: c.userPoolArn, userPoolClientId: c.userPoolClientId, userPoolDomain: c.userPoolDomain, ...common(c) },
    };
  }
  const c = step.authenticateOidcConfig;
  return {
    type: 'authenticate-oidc',
    authenticateOidcConfig: {
      issuer: c.issuer,
      authorizationEndpoint: c.authorizationEndpoint,
      tokenEndpoint: c.tokenEndpoint,
      userInfoEndpoint: c.userInfoEndpoint,
      clientId: c.clientId,
      ...(c.clientSecretFrom === undefined ? {} : { clientSecretFrom: { ssmParameter: c.clientSecretFrom.ssmParameter } }),
      ...common(c),
    },
  };
}
