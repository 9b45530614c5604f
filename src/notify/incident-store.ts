// Incident state on disk, so a restart neither repeats nor forgets an alert: open drift
// incidents, and the revisions already announced as invalid or rolled out. One small JSON
// file, written atomically (temp file + rename) whenever it changes.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DriftFieldView } from './slack-messages.js';

export interface Incident {
  /** resource id + sorted drifted field paths + desired spec hash */
  key: string;
  id: string;
  arn?: string;
  paths: string[];
  specHash: string;
  fields: DriftFieldView[];
  revision: string;
  corrected: boolean;
  observeOnly: boolean;
  error?: string;
  openedAt: number;
  lastAnnouncedAt: number;
}

export interface IncidentState {
  version: 1;
  incidents: Incident[];
  /** newest last, capped */
  invalidRevisions: string[];
  rollouts: string[];
}

export const EMPTY_STATE: IncidentState = { version: 1, incidents: [], invalidRevisions: [], rollouts: [] };

/** Read the state file; a missing file is an empty state, a corrupt one is reported through `onError` and ignored. */
export function loadIncidentState(file: string, onError: (message: string) => void): { state: IncidentState; restored: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') onError(`cannot read incident state ${file}: ${(e as Error).message}`);
    return { state: structuredClone(EMPTY_STATE), restored: false };
  }
  try {
    const parsed = JSON.parse(text) as Partial<IncidentState>;
    if (parsed.version !== 1 || !Array.isArray(parsed.incidents)) throw new Error('unknown format');
    return {
      state: {
        version: 1,
        incidents: parsed.incidents,
        invalidRevisions: Array.isArray(parsed.invalidRevisions) ? parsed.invalidRevisions : [],
        rollouts: Array.isArray(parsed.rollouts) ? parsed.rollouts : [],
      },
      restored: true,
    };
  } catch (e) {
    onError(`incident state ${file} is not valid (${(e as Error).message}); starting without it`);
    return { state: structuredClone(EMPTY_STATE), restored: false };
  }
}

/** Write atomically; throws on failure (the caller logs and carries on). */
export function saveIncidentState(file: string, state: IncidentState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
