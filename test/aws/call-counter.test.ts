import { describe, expect, it } from 'vitest';
import { type CallEvent, CallCounter, callCounterMiddleware } from '../../src/aws/call-counter.js';

function event(operation: string, outcome = 'ok', service: CallEvent['service'] = 'elbv2'): CallEvent {
  return { service, operation, outcome, durationMs: 1 };
}

describe('CallCounter', () => {
  it('counts by service, operation and outcome; snapshot is sorted', () => {
    const c = new CallCounter();
    c.record(event('DescribeTags'));
    c.record(event('DescribeTags'));
    c.record(event('DescribeRules', 'throttled'));
    c.record(event('DescribeServices', 'ok', 'ecs'));
    expect(c.snapshot()).toEqual([
      { service: 'ecs', operation: 'DescribeServices', outcome: 'ok', count: 1 },
      { service: 'elbv2', operation: 'DescribeRules', outcome: 'throttled', count: 1 },
      { service: 'elbv2', operation: 'DescribeTags', outcome: 'ok', count: 2 },
    ]);
    expect(c.count()).toBe(4);
    expect(c.count({ service: 'elbv2' })).toBe(3);
    expect(c.count({ outcome: 'throttled' })).toBe(1);
    expect(c.byOperation()).toEqual({ 'ecs:DescribeServices': 1, 'elbv2:DescribeRules': 1, 'elbv2:DescribeTags': 2 });
    expect(c.byOperation({ outcome: 'ok' })).toEqual({ 'ecs:DescribeServices': 1, 'elbv2:DescribeTags': 2 });
  });

  it('snapshots are copies and reset forgets everything', () => {
    const c = new CallCounter();
    c.record(event('DescribeTags'));
    const snap = c.snapshot();
    c.record(event('DescribeTags'));
    expect(snap[0]?.count).toBe(1);
    c.reset();
    expect(c.snapshot()).toEqual([]);
    expect(c.count()).toBe(0);
  });

  it('tells listeners about every call until they unsubscribe; a throwing listener is ignored', () => {
    const c = new CallCounter();
    const seen: string[] = [];
    c.onCall(() => {
      throw new Error('broken metrics');
    });
    const off = c.onCall((e) => seen.push(`${e.operation}:${e.outcome}`));
    c.record(event('DescribeTags'));
    off();
    c.record(event('DescribeRules'));
    expect(seen).toEqual(['DescribeTags:ok']);
    expect(c.count()).toBe(2);
  });
});

describe('callCounterMiddleware', () => {
  const request = { protocol: 'http:', hostname: '127.0.0.1', port: 4566 };

  it('records ok calls with the operation from the command name and the endpoint', async () => {
    const c = new CallCounter();
    const events: CallEvent[] = [];
    c.onCall((e) => events.push(e));
    let t = 0;
    const handler = callCounterMiddleware(c, 'ecs', () => (t += 5))(async () => ({ response: {}, output: { $metadata: {} } }), {
      commandName: 'DescribeServicesCommand',
    });
    await handler({ input: {}, request });
    expect(events).toEqual([{ service: 'ecs', operation: 'DescribeServices', outcome: 'ok', durationMs: 5, endpoint: 'http://127.0.0.1:4566' }]);
  });

  it.each([
    [Object.assign(new Error('Rate exceeded'), { name: 'Throttling', Code: 'Throttling', $metadata: { httpStatusCode: 400 } }), 'throttled'],
    [Object.assign(new Error('denied'), { name: 'AccessDenied', Code: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), 'AccessDenied'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
  ])('records a failed call as %s and stamps the endpoint on the error', async (err, outcome) => {
    const c = new CallCounter();
    const handler = callCounterMiddleware(c, 'elbv2')(
      async () => {
        throw err;
      },
      { commandName: 'DescribeRulesCommand' },
    );
    await expect(handler({ input: {}, request })).rejects.toBe(err);
    expect(c.snapshot()).toEqual([{ service: 'elbv2', operation: 'DescribeRules', outcome, count: 1 }]);
    expect((err as { $endpoint?: string }).$endpoint).toBe('http://127.0.0.1:4566');
  });
});
