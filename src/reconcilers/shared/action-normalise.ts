// ELBv2 Action[] (listener default actions, rule actions) -> one LiveAction.
// The terminal action (forward | fixed-response | redirect, the highest Order) is kept; any
// action AWS runs before it (authenticate-oidc, ...) is listed in `preceding`.
// Redirect fields equal to AWS's placeholders (#{host}, ...) mean "keep as requested" and are
// dropped, the same as a field the spec leaves out.
import type { Action as AwsAction } from '@aws-sdk/client-elastic-load-balancing-v2';
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
  const preceding = ordered.filter((_, i) => i !== terminalIndex).map((a) => a.Type ?? 'unknown');
  if (preceding.length > 0) result.preceding = preceding;
  return result;
}
