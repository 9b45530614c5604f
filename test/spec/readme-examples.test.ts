// The README's per-kind YAML examples are real: together they load as a valid desired state.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';

describe('README examples', () => {
  it("validate, one of each kind (and the AWS-named fields' Service)", async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('One example per kind'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').filter((b) => b.includes('apiVersion:'));
    expect(blocks).toHaveLength(7);
    const dir = mkdtempSync(join(tmpdir(), 'readme-examples-'));
    writeFileSync(join(dir, 'examples.yaml'), blocks.join('---\n'));
    const result = await loadDesiredState(dir);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (result.ok) {
      const s = result.state;
      expect([s.targetGroups, s.listeners, s.listenerRules, s.securityGroupIngress, s.services, s.scalableTargets].map((k) => k.length)).toEqual([1, 1, 1, 1, 2, 1]);
    }
  });
});
