// Issue 11 item 7 in the daemon: a drift whose correction needs revokes the prune guard held back
// (no --prune) is not reported as corrected, and /status does not call the resource in sync.
import { describe, expect, it } from 'vitest';
import { reportCycle } from '../../src/controller/cycle-report.js';
import type { ApplyReport } from '../../src/controller/apply-report.js';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import type { SlackMessage } from '../../src/notify/slack-sender.js';
import type { DriftIncidentStatus, NextAction, ResourceStatus } from '../../src/server/controller-status.js';
import type { Change } from '../../src/reconcilers/types.js';
import { desiredState, ingress, sgChange } from '../reconcilers/fixtures.js';

describe('reportCycle: revokes held back by the prune guard', () => {
  it('the drift is announced as not corrected, with the guard reason, and the resource is pending', () => {
    const d = ingress('locked', { exclusive: true, rules: [] });
    const change: Change = {
      ...sgChange('locked', 'update'),
      cause: 'drift',
      desired: d,
      diffs: [{ path: 'rules[tcp/22-22/cidr:0.0.0.0/0]', live: 'tcp 22 from cidr 0.0.0.0/0', desired: undefined }],
      revoke: [{ ruleId: 'sgr-1', groupId: 'sg-1', protocol: 'tcp', fromPort: 22, toPort: 22, source: { type: 'cidr', value: '0.0.0.0/0' }, tags: {} }],
    };
    const reason = 'pruning is off: resources that left the files are kept (pass --prune to delete them)';
    const report: ApplyReport = {
      dryRun: false,
      writes: [],
      outcomes: [{ id: change.id, kind: change.kind, name: change.name, action: 'update', cause: 'drift', status: 'applied', writes: 0, notes: [`kept 1 rule(s) that would be revoked: ${reason}`] }],
      noops: 0,
      conflicts: [],
      prune: { requested: false, deletions: 1, refused: reason },
      ok: true,
    };
    const sent: SlackMessage[] = [];
    let resources: ResourceStatus[] = [];
    let outlook: { incidents: DriftIncidentStatus[]; next: NextAction[] } | undefined;
    const quiet = () => undefined;
    const logger = { info: quiet, warn: quiet, error: quiet, debug: quiet, child: () => logger } as never;
    const deps = {
      logger,
      incidents: new DriftIncidents({ notify: (m) => sent.push(m) }),
      status: {
        setResources: (r: ResourceStatus[]) => void (resources = r),
        setOutlook: (incidents: DriftIncidentStatus[], next: NextAction[]) => void (outlook = { incidents, next }),
      } as never,
      metrics: { recordDrift: quiet, setResourceStates: quiet, setRolloutsInProgress: quiet, recordRollout: quiet } as never,
      dryRun: false,
    };
    reportCycle(deps, { revision: 'r1', state: desiredState({ securityGroupIngress: [d] }) }, { changes: [change], conflicts: [] }, report);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('Not corrected: pruning is off');
    expect(resources).toEqual([expect.objectContaining({ id: change.id, state: 'pending', detail: reason })]);
    // /status and the status page: the drift stays open and the next cycle tries the change again
    expect(outlook?.incidents).toEqual([expect.objectContaining({ id: change.id, corrected: false, error: reason })]);
    expect(outlook?.next).toEqual([{ id: change.id, action: 'update (drift) again', detail: reason }]);
  });
});
