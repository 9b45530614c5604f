// authenticate-oidc / authenticate-cognito steps of a rule's action chain: comparing desired with
// live (field by field; the client secret never, AWS does not return it), rendering them in a plan,
// and building the ELBv2 request actions. Pure: the secret is passed in by the applier.
import type { Action as ElbAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AuthenticateAction, AuthenticateCommon } from '../../spec/types.js';
import { diffField } from './compare-values.js';
import type { FieldDiff, LiveAction } from './resource-types.js';

export const AUTHENTICATE_TYPES: ReadonlySet<string> = new Set(['authenticate-oidc', 'authenticate-cognito']);

type Config = Record<string, unknown>;

/** The config of a step without what AWS never returns (clientSecretFrom). */
function comparableConfig(a: AuthenticateAction): { key: string; config: Config } {
  if (a.type === 'authenticate-oidc') {
    const { clientSecretFrom: _secret, ...rest } = a.authenticateOidcConfig;
    return { key: 'authenticateOidcConfig', config: rest };
  }
  return { key: 'authenticateCognitoConfig', config: { ...a.authenticateCognitoConfig } };
}

/** The terminal action's `preceding` without authenticate steps (those are compared by diffAuthenticate). */
export function withoutAuthenticate(action: LiveAction): LiveAction {
  const rest = (action.preceding ?? []).filter((t) => !AUTHENTICATE_TYPES.has(t));
  const { preceding: _p, authenticate: _a, ...terminal } = action;
  return (rest.length > 0 ? { ...terminal, preceding: rest } : terminal) as LiveAction;
}

/** `authenticate-oidc https://issuer (client web)`: a step as a plan shows it (no secret, no secret name). */
export function renderAuthenticate(a: AuthenticateAction): string {
  return a.type === 'authenticate-oidc'
    ? `authenticate-oidc ${a.authenticateOidcConfig.issuer} (client ${a.authenticateOidcConfig.clientId})`
    : `authenticate-cognito ${a.authenticateCognitoConfig.userPoolArn} (client ${a.authenticateCognitoConfig.userPoolClientId})`;
}

/**
 * Differences of the authenticate steps: `actions` with both chains when the steps differ in
 * number or type, else one diff per differing field, e.g. `actions[0].authenticateOidcConfig.issuer`.
 */
export function diffAuthenticate(diffs: FieldDiff[], live: readonly AuthenticateAction[], desired: readonly AuthenticateAction[]): void {
  const types = (list: readonly AuthenticateAction[]): string[] => list.map((a) => a.type);
  if (types(live).join(' ') !== types(desired).join(' ')) {
    diffs.push({ path: 'actions', live: live.map(renderAuthenticate), desired: desired.map(renderAuthenticate) });
    return;
  }
  desired.forEach((want, i) => {
    const have = comparableConfig(live[i]!);
    const { key, config } = comparableConfig(want);
    for (const field of new Set([...Object.keys(config), ...Object.keys(have.config)])) {
      diffField(diffs, `actions[${i}].${key}.${field}`, have.config[field], config[field]);
    }
  });
}

/** A stable key of the steps (rule matching by content). */
export function authenticateKey(list: readonly AuthenticateAction[] | undefined): unknown[] {
  return (list ?? []).map((a) => {
    const { key, config } = comparableConfig(a);
    return { type: a.type, [key]: config };
  });
}

function commonRequest(c: AuthenticateCommon): {
  Scope: string;
  SessionCookieName: string;
  SessionTimeout: number;
  OnUnauthenticatedRequest: AuthenticateCommon['onUnauthenticatedRequest'];
  AuthenticationRequestExtraParams?: Record<string, string>;
} {
  return {
    Scope: c.scope,
    SessionCookieName: c.sessionCookieName,
    SessionTimeout: c.sessionTimeout,
    OnUnauthenticatedRequest: c.onUnauthenticatedRequest,
    ...(c.authenticationRequestExtraParams === undefined ? {} : { AuthenticationRequestExtraParams: { ...c.authenticationRequestExtraParams } }),
  };
}

/** How apply supplies an OIDC step's client secret: the value read from SSM, or AWS's stored one. */
export type ClientSecretSource = { secret: string } | { useExisting: true };

/** One authenticate step as an ELBv2 request action at `order`. */
export function toElbAuthenticate(a: AuthenticateAction, order: number, secret: ClientSecretSource | undefined): ElbAction {
  if (a.type === 'authenticate-cognito') {
    const c = a.authenticateCognitoConfig;
    return {
      Type: 'authenticate-cognito',
      Order: order,
      AuthenticateCognitoConfig: { UserPoolArn: c.userPoolArn, UserPoolClientId: c.userPoolClientId, UserPoolDomain: c.userPoolDomain, ...commonRequest(c) },
    };
  }
  const c = a.authenticateOidcConfig;
  return {
    Type: 'authenticate-oidc',
    Order: order,
    AuthenticateOidcConfig: {
      Issuer: c.issuer,
      AuthorizationEndpoint: c.authorizationEndpoint,
      TokenEndpoint: c.tokenEndpoint,
      UserInfoEndpoint: c.userInfoEndpoint,
      ClientId: c.clientId,
      ...(secret === undefined ? {} : 'secret' in secret ? { ClientSecret: secret.secret } : { UseExistingClientSecret: true }),
      ...commonRequest(c),
    },
  };
}

/** The request actions of a chain: the steps at Order 1..n, the terminal action at n+1 (AWS needs Order with several). */
export function chainRequest(steps: readonly ElbAction[], terminal: ElbAction): ElbAction[] {
  if (steps.length === 0) return [terminal];
  return [...steps, { ...terminal, Order: steps.length + 1 }];
}
