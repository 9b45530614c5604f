// Counts per kind of a DesiredState, and the one-line summary `validate` prints.
import type { DesiredState, Kind } from './types.js';
import { KINDS } from './types.js';

export interface StateSummary {
  total: number;
  /** every kind, in KINDS order, with its count (0 included) */
  byKind: Record<Kind, number>;
}

export function summariseState(state: DesiredState): StateSummary {
  const byKind: Record<Kind, number> = {
    TargetGroup: state.targetGroups.length,
    Listener: state.listeners.length,
    ListenerRule: state.listenerRules.length,
    SecurityGroupIngress: state.securityGroupIngress.length,
    Service: state.services.length,
  };
  return { total: KINDS.reduce((sum, k) => sum + byKind[k], 0), byKind };
}

/** `12 resources valid: 3 TargetGroup, 2 Listener, ...` (kinds with none left out). */
export function formatSummary(summary: StateSummary, verb = 'valid'): string {
  const parts = KINDS.filter((k) => summary.byKind[k] > 0).map((k) => `${summary.byKind[k]} ${k}`);
  const noun = summary.total === 1 ? 'resource' : 'resources';
  return `${summary.total} ${noun} ${verb}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
