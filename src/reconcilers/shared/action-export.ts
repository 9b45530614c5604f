// A live ELBv2 action -> the YAML action (`forward` | `fixedResponse` | `redirect`), for import:
// the inverse of spec/normalise-resources.ts normaliseAction (weighted forwards and their
// stickiness included). What the YAML cannot say (authenticate actions before the terminal one)
// is a warning.
import type { ExportContext } from './export-hook.js';
import type { LiveAction } from './resource-types.js';

export function actionToDesired(action: LiveAction, ctx: ExportContext, warnings: string[]): Record<string, unknown> {
  if (action.preceding !== undefined && action.preceding.length > 0) {
    warnings.push(`actions ${action.preceding.join(', ')} before the ${action.type} cannot be written in YAML: plan will show a difference`);
  }
  switch (action.type) {
    case 'forward': {
      const stickiness = action.stickiness === undefined ? {} : { stickiness: { ...action.stickiness } };
      if (action.weighted === undefined && action.stickiness === undefined) return { forward: { targetGroup: ctx.refOf(action.targetGroupArn) } };
      const groups = action.weighted ?? [{ targetGroupArn: action.targetGroupArn, weight: 1 }];
      return { forward: { targetGroups: groups.map((w) => ({ targetGroup: ctx.refOf(w.targetGroupArn), weight: w.weight })), ...stickiness } };
    }
    case 'fixed-response': {
      const code = Number(action.statusCode);
      const out: Record<string, unknown> = { statusCode: Number.isInteger(code) ? code : action.statusCode };
      if (action.contentType !== undefined) out.contentType = action.contentType;
      if (action.messageBody !== undefined) out.messageBody = action.messageBody;
      return { fixedResponse: out };
    }
    case 'redirect': {
      const out: Record<string, unknown> = { statusCode: action.statusCode };
      for (const key of ['protocol', 'host', 'port', 'path', 'query'] as const) {
        if (action[key] !== undefined) out[key] = action[key];
      }
      return { redirect: out };
    }
  }
}

/** Every target group ARN an action forwards to. */
export function forwardedArns(action: LiveAction): string[] {
  if (action.type !== 'forward') return [];
  return action.weighted !== undefined ? action.weighted.map((w) => w.targetGroupArn) : [action.targetGroupArn];
}

/** `arn:...:targetgroup/NAME/id` -> NAME */
export function targetGroupNameFromArn(arn: string): string | undefined {
  const m = /:targetgroup\/([^/]+)\//.exec(arn);
  return m?.[1];
}
