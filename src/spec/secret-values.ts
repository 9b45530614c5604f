// The environment values a desired state marks `secret: true`: scrubbed from every log line and
// message (the daemon adds them to its secret registry when a revision is put in force).
import type { DesiredState } from './types.js';

export function secretValues(state: DesiredState): string[] {
  return state.services.flatMap((s) => s.spec.taskDefinition.containers.flatMap((c) => c.environment.filter((e) => e.secret).map((e) => e.value)));
}
