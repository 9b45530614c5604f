// `import` on the benchmark's world at smoke size (bench/import-scale.ts; `npm run bench -- import`
// runs it at 500 services): every cluster, load balancer and security group selected, through the
// fault proxy at 50 ms a call. Nothing written to AWS; the files validate and plan with no
// change but adoption tags. Needs dist/ (npm test builds it first).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImportScale } from '../../bench/import-scale.js';
import { SMOKE_SIZE } from '../../bench/scale-inventory.js';
import { motoUrl } from '../support/moto-test-context.js';

describe('import of the bench world, smoke size', () => {
  it('writes nothing to AWS, and the files it writes validate and plan empty', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'import-scale-')), 'imported');
    const report = await runImportScale({ size: SMOKE_SIZE, latencyMs: 50, motoUrl: motoUrl(), outDir, log: () => undefined });
    expect(report.importWrites).toBe(0);
    expect(report.importReads).toBeGreaterThan(0);
    expect(report.validateExit).toBe(0);
    expect(report.planExit).toBe(0);
    expect(report.planChanges).toBe(0);
    // every service, target group, listener, rule and group was imported and is only to be tagged
    expect(report.adoptions).toBeGreaterThanOrEqual(report.services);
    expect(report.importSeconds).toBeLessThan(30);
  }, 120_000);
});
