// Who else owns a field of a Service: a declared ScalableTarget owns its desiredCount (the file's
// value is then only the initial count: never drift, never written after create). Pure.
import type { DesiredOf, DesiredState } from '../../spec/types.js';

/** Spec path -> its owner (`ScalableTarget/<name>`), for the fields of `service` someone else holds. */
export function ownersOf(service: DesiredOf<'Service'>, desired: DesiredState): Map<string, string> {
  const out = new Map<string, string>();
  const scaler = desired.scalableTargets.find((t) => t.spec.service === service.name);
  if (scaler !== undefined) out.set('desiredCount', `${scaler.id} (Application Auto Scaling)`);
  return out;
}
