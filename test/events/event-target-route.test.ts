// One events queue for many targets: each CloudTrail event goes to the target whose account and
// region it names (src/events/event-target-route.ts), and the parser reads both.
import { describe, expect, it } from 'vitest';
import { parseEventMessage } from '../../src/events/cloudtrail-event.js';
import { routeEvent, targetOfEvent } from '../../src/events/event-target-route.js';
import { cloudTrailDetail, cloudTrailMessage } from './cloudtrail-fixtures.js';

const targets = [
  { name: 'a', account: '111111111111', region: 'us-east-1' },
  { name: 'b', account: '222222222222', region: 'us-east-1' },
  { name: 'b-eu', account: '222222222222', region: 'eu-west-1' },
];

describe('the account and region of an event', () => {
  it('come from the envelope', () => {
    const r = parseEventMessage(cloudTrailMessage({ source: 'aws.elasticloadbalancing', eventName: 'ModifyRule' }));
    expect(r.ok && { account: r.event.account, region: r.event.region }).toEqual({ account: '123456789012', region: 'us-east-1' });
  });

  it('else from detail.recipientAccountId and detail.awsRegion', () => {
    const body = JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: cloudTrailDetail({ source: 'aws.ecs', eventName: 'UpdateService' }) });
    const r = parseEventMessage(body);
    expect(r.ok && { account: r.event.account, region: r.event.region }).toEqual({ account: '123456789012', region: 'us-east-1' });
  });
});

describe('routeEvent', () => {
  const all = new Set(['a', 'b', 'b-eu']);

  it('picks the target of the account and region, not another account in the same region', () => {
    expect(routeEvent({ account: '222222222222', region: 'us-east-1' }, targets, all)).toEqual({ action: 'reconcile', target: 'b' });
    expect(routeEvent({ account: '222222222222', region: 'eu-west-1' }, targets, all)).toEqual({ action: 'reconcile', target: 'b-eu' });
    expect(routeEvent({ account: '111111111111', region: 'us-east-1' }, targets, all)).toEqual({ action: 'reconcile', target: 'a' });
  });

  it('drops an event of no target: another account, another region, or none named', () => {
    expect(routeEvent({ account: '333333333333', region: 'us-east-1' }, targets, all).action).toBe('drop');
    expect(routeEvent({ account: '111111111111', region: 'eu-west-1' }, targets, all).action).toBe('drop');
    expect(routeEvent({}, targets, all).action).toBe('drop');
  });

  it('leaves an event of a target this replica does not hold for the replica that does', () => {
    expect(routeEvent({ account: '222222222222', region: 'us-east-1' }, targets, new Set(['a']))).toMatchObject({ action: 'leave', target: 'b' });
  });

  it('a target without an account is the controller\'s own account', () => {
    const mixed = [{ name: 'home', region: 'us-east-1' }, ...targets];
    expect(targetOfEvent({ account: '999999999999', region: 'us-east-1' }, mixed, '999999999999')?.name).toBe('home');
    expect(targetOfEvent({ account: '222222222222', region: 'us-east-1' }, mixed, '999999999999')?.name).toBe('b');
    // own account unknown: the one account-less target of the region takes what no account matched
    expect(targetOfEvent({ account: '999999999999', region: 'us-east-1' }, mixed)?.name).toBe('home');
    expect(targetOfEvent({ account: '999999999999', region: 'us-east-1' }, [...mixed, { name: 'home2', region: 'us-east-1' }])).toBeUndefined();
  });
});
