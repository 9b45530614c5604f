// CloudTrail "AWS API Call via CloudTrail" events as EventBridge delivers them to SQS (the
// documented shape: detail.eventSource, eventName, eventTime, userIdentity, sourceIPAddress,
// userAgent, requestParameters, responseElements), for unit tests and the e2e PutEvents.
export const ALICE = 'arn:aws:sts::123456789012:assumed-role/Admin/alice';

export interface EventInput {
  source: 'aws.elasticloadbalancing' | 'aws.ec2' | 'aws.ecs';
  eventName: string;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown> | null;
  userArn?: string;
  userAgent?: string;
  sourceIPAddress?: string;
  eventTime?: string;
  fromConsole?: boolean;
  errorCode?: string;
}

const EVENT_SOURCE = { 'aws.elasticloadbalancing': 'elasticloadbalancing.amazonaws.com', 'aws.ec2': 'ec2.amazonaws.com', 'aws.ecs': 'ecs.amazonaws.com' };

/** The `detail` object of the event. */
export function cloudTrailDetail(e: EventInput): Record<string, unknown> {
  const arn = e.userArn ?? ALICE;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: arn.includes(':assumed-role/') ? 'AssumedRole' : 'IAMUser',
      principalId: 'AROAEXAMPLE:alice',
      arn,
      accountId: '123456789012',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::123456789012:role/Admin', userName: 'Admin' }, attributes: { mfaAuthenticated: 'true', creationDate: '2026-12-02T11:58:00Z' } },
    },
    eventTime: e.eventTime ?? '2026-12-02T12:03:11Z',
    eventSource: EVENT_SOURCE[e.source],
    eventName: e.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: e.sourceIPAddress ?? '203.0.113.7',
    userAgent: e.userAgent ?? 'signin.amazonaws.com',
    requestParameters: e.requestParameters ?? {},
    responseElements: e.responseElements ?? null,
    ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode, errorMessage: 'refused' }),
    requestID: '5e4d0a0c-0000-4000-8000-000000000001',
    eventID: '8f2b1c3d-0000-4000-8000-000000000002',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    ...(e.fromConsole === undefined ? {} : { sessionCredentialFromConsole: String(e.fromConsole) }),
  };
}

/** The whole EventBridge event, as the SQS message body carries it. */
export function cloudTrailMessage(e: EventInput): string {
  return JSON.stringify({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'AWS API Call via CloudTrail',
    source: e.source,
    account: '123456789012',
    time: e.eventTime ?? '2026-12-02T12:03:11Z',
    region: 'us-east-1',
    resources: [],
    detail: cloudTrailDetail(e),
  });
}
