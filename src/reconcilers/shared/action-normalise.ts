// ELBv2 Action[] (listener default actions, rule actions) -> one LiveAction.
// The terminal action (forward | fixed-response | redirect, the highest Order) is kept; any
// action AWS runs before it (authenticate-oidc, ...) is listed in `preceding`.
// Redirect fields equal to AWS's placeholders (#{host}, ...) mean "keep as requested" and are
// dropped, the same as a field the spec leaves out.
import type { Action as AwsAction } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AuthenticateAction, AuthenticateCommon } from '../../spec/types.js';
import { AUTHENTICATE_DEFAULTS } from '../../spec/rule-actions.js';
import type { LiveAction } from './resource-types.js';

const TERMINAL = new Set(['forward', 'fixed-response', 'redirect']);

/** AWS's values for redirect fields that keep the request's own value. */
export const REDIRECT_PLACEHOLDERS = {
  protocol: '#{protocol}',
  host: '#{host}',
  port: '#{port}',
  path: '/#{path}',
  query: '#{query}',
} as const;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function notPlaceholder(value: string | undefined, placeholder: string): string | undefined {
  const v = nonEmpty(value);
  return v === placeholder ? undefined : v;
}

function forwardOf(action: AwsAction): LiveAction {
  const tuples = (action.ForwardConfig?.TargetGroups ?? []).filter((t) => t.TargetGroupArn !== undefined);
  const sticky = action.ForwardConfig?.TargetGroupStickinessConfig;
  const stickiness = sticky?.Enabled === true ? { stickiness: { enabled: true as const, durationSeconds: sticky.DurationSeconds ?? 0 } } : {};
  if (tuples.length > 1) {
    const weighted = tuples
      .map((t) => ({ targetGroupArn: t.TargetGroupArn ?? '', weight: t.Weight ?? 1 }))
      .sort((a, b) => (a.targetGroupArn < b.targetGroupArn ? -1 : a.targetGroupArn > b.targetGroupArn ? 1 : 0));
    return { type: 'forward', targetGroupArn: weighted[0]?.targetGroupArn ?? '', weighted, ...stickiness };
  }
  const arn = action.TargetGroupArn ?? tuples[0]?.TargetGroupArn ?? '';
  return { type: 'forward', targetGroupArn: arn, ...stickiness };
}

function terminalOf(action: AwsAction): LiveAction {
  switch (action.Type) {
    case 'forward':
      return forwardOf(action);
    case 'fixed-response': {
      const c = action.FixedResponseConfig;
      const out: LiveAction = { type: 'fixed-response', statusCode: c?.StatusCode ?? '' };
      const contentType = nonEmpty(c?.ContentType);
      const messageBody = nonEmpty(c?.MessageBody);
      if (contentType !== undefined) out.contentType = contentType;
      if (messageBody !== undefined) out.messageBody = messageBody;
      return out;
    }
    default: {
      const c = action.RedirectConfig;
      const out: LiveAction = { type: 'redirect', statusCode: c?.StatusCode === 'HTTP_302' ? 'HTTP_302' : 'HTTP_301' };
      const fields = {
        protocol: notPlaceholder(c?.Protocol, REDIRECT_PLACEHOLDERS.protocol),
        host: notPlaceholder(c?.Host, REDIRECT_PLACEHOLDERS.host),
        port: notPlaceholder(c?.Port, REDIRECT_PLACEHOLDERS.port),
        path: notPlaceholder(c?.Path, REDIRECT_PLACEHOLDERS.path),
        query: notPlaceholder(c?.Query, REDIRECT_PLACEHOLDERS.query),
      };
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) (out as Record<string, unknown>)[key] = value;
      }
      return out;
    }
  }
}

type AwsAuthCommon = {
  Scope?: string;
  SessionCookieName?: string;
  SessionTimeout?: number;
  OnUnauthenticatedRequest?: string;
  AuthenticationRequestExtraParams?: Record<string, string>;
};

function authCommon(c: AwsAuthCommon | undefined): AuthenticateCommon {
  const extra = Object.entries(c?.AuthenticationRequestExtraParams ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const onUnauth = c?.OnUnauthenticatedRequest;
  return {
    scope: nonEmpty(c?.Scope) ?? AUTHENTICATE_DEFAULTS.scope,
    sessionCookieName: nonEmpty(c?.SessionCookieName) ?? AUTHENTICATE_DEFAULTS.sessionCookieName,
    sessionTimeout: c?.SessionTimeout ?? AUTHENTICATE_DEFAULTS.sessionTimeout,
    onUnauthenticatedRequest: onUnauth === 'deny' || onUnauth === 'allow' || onUnauth === 'authenticate' ? onUnauth : AUTHENTICATE_DEFAULTS.onUnauthenticatedRequest,
    ...(extra.length === 0 ? {} : { authenticationRequestExtraParams: Object.fromEntries(extra) }),
  };
}

/** An authenticate-oidc / authenticate-cognito action in the spec's shape; ClientSecret is never kept. */
export function authenticateOf(action: AwsAction): AuthenticateAction | undefined {
  if (action.Type === 'authenticate-oidc') {
    const c = action.AuthenticateOidcConfig;
    return {
      type: 'authenticate-oidc',
      authenticateOidcConfig: {
        issuer: c?.Issuer ?? '',
        authorizationEndpoint: c?.AuthorizationEndpoint ?? '',
        tokenEndpoint: c?.TokenEndpoint ?? '',
        userInfoEndpoint: c?.UserInfoEndpoint ?? '',
        clientId: c?.ClientId ?? '',
        ...authCommon(c),
      },
    };
  }
  if (action.Type === 'authenticate-cognito') {
    const c = action.AuthenticateCognitoConfig;
    return {
      type: 'authenticate-cognito',
      authenticateCognitoConfig: {
        userPoolArn: c?.UserPoolArn ?? '',
        userPoolClientId: c?.UserPoolClientId ?? '',
        userPoolDomain: c?.UserPoolDomain ?? '',
        ...authCommon(c),
      },
    };
  }
  return undefined;
}

/**
 * The action AWS applies to matching requests. An empty or terminal-less list (which AWS does
 * not allow) is represented as a fixed-response with an empty status code, which never equals a
 * desired action.
 */
export function normaliseActions(actions: readonly AwsAction[] | undefined): LiveAction {
  const ordered = [...(actions ?? [])].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
  let terminalIndex = -1;
  ordered.forEach((a, i) => {
    if (a.Type !== undefined && TERMINAL.has(a.Type)) terminalIndex = i;
  });
  const terminal = ordered[terminalIndex];
  if (terminal === undefined) {
    const preceding = ordered.map((a) => a.Type ?? 'unknown');
    return preceding.length > 0 ? { type: 'fixed-response', statusCode: '', preceding } : { type: 'fixed-response', statusCode: '' };
  }
  const result = terminalOf(terminal);
  const before = ordered.filter((_, i) => i !== terminalIndex);
  if (before.length > 0) result.preceding = before.map((a) => a.Type ?? 'unknown');
  const authenticate = before.map(authenticateOf).filter((a): a is AuthenticateAction => a !== undefined);
  if (authenticate.length > 0) result.authenticate = authenticate;
  return result;
}
