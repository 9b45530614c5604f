// The one renderer of a field value for people, used by the plan formatter, the drift log lines
// and Slack: strings quoted (so "" and "80" read apart from absent and 80), absent as `(absent)`,
// lists item by item, objects as canonical JSON. `maxLength` cuts long values (Slack, logs).
import { canonicalJson } from '../spec/spec-hash.js';

export interface RenderOptions {
  /** at most this many characters; a cut value ends in `…` (inside the quotes for a string) */
  maxLength?: number;
}

function render(value: unknown): string {
  if (value === undefined || value === null) return '(absent)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => render(v)).join(', ')}]`;
  return canonicalJson(value);
}

export function renderValue(value: unknown, opts: RenderOptions = {}): string {
  const text = render(value);
  const max = opts.maxLength;
  if (max === undefined || text.length <= max) return text;
  if (typeof value === 'string') return `${JSON.stringify(value.slice(0, Math.max(0, max - 3))).slice(0, -1)}…"`;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}
