// One registry, a `target` label on what a target's view records; without targets no label.
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../src/server/metrics.js';
import { messageForTarget } from '../../src/targets/target-set.js';

describe('ControllerMetrics.forTarget', () => {
  it('labels the series of each target and leaves the unlabeled ones alone', async () => {
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    const prod = metrics.forTarget('prod');
    const dev = metrics.forTarget('dev');
    prod.recordDrift('TargetGroup', 2);
    dev.recordAwsCall('elbv2', 'DescribeRules', 'ok');
    prod.setResourceStates({ 'in-sync': 3 });
    prod.recordCycle('success', 0.2);
    metrics.recordCycle('partial', 0.3);
    prod.setRevision('abc');
    const text = await metrics.text();
    expect(text).toContain('ecs_reconciler_drifts_total{kind="TargetGroup",target="prod"} 2');
    expect(text).toContain('ecs_reconciler_aws_calls_total{service="elbv2",operation="DescribeRules",outcome="ok",target="dev"} 1');
    expect(text).toContain('ecs_reconciler_resources{state="in-sync",target="prod"} 3');
    expect(text).toContain('ecs_reconciler_resources{state="in-sync",target="dev"} 0');
    expect(text).toContain('ecs_reconciler_cycles_total{result="success",target="prod"} 1');
    expect(text).toContain('ecs_reconciler_cycles_total{result="partial"} 1');
    expect(text).toContain('ecs_reconciler_revision_info{revision="abc"} 1');
  });

  it('a target\'s Slack message starts with its name', () => {
    expect(messageForTarget({ text: 'drift on *shop-tg*', title: 'drift shop-tg' }, 'prod')).toEqual({ text: '[target prod] drift on *shop-tg*', title: '[prod] drift shop-tg' });
  });
});
