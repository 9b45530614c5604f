// The declared target group an action forwards to, by name (what a step needs created first).
import type { Action } from '../../spec/types.js';

export function forwardName(action: Action): string[] {
  return action.type === 'forward' && 'name' in action.targetGroup ? [action.targetGroup.name] : [];
}
