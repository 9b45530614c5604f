// An SQS message body -> the CloudTrail API-call event it carries, as EventBridge delivers it:
// `{ "detail-type": "AWS API Call via CloudTrail", "source": "aws.elasticloadbalancing",
// "detail": { eventSource, eventName, eventTime, userIdentity, sourceIPAddress, userAgent,
// requestParameters, responseElements, ... } }`. Anything else is malformed: one line saying why,
// never an exception. Values are read, never trusted: the reconcile re-reads AWS.
import type { ApiCallEvent } from '../reconcilers/shared/event-hook.js';

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** SQS allows 256 KiB per message; anything larger is not ours. */
const MAX_BODY = 262_144;

export type ParsedMessage = { ok: true; event: ApiCallEvent } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function parseEventMessage(body: string | undefined): ParsedMessage {
  if (body === undefined || body === '') return { ok: false, reason: 'empty message body' };
  if (body.length > MAX_BODY) return { ok: false, reason: `message body of ${body.length} characters is larger than SQS allows` };
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch (e) {
    return { ok: false, reason: `not JSON (${(e as Error).message})` };
  }
  if (!isRecord(envelope)) return { ok: false, reason: 'not a JSON object' };
  const detailType = envelope['detail-type'];
  if (detailType !== CLOUDTRAIL_DETAIL_TYPE) return { ok: false, reason: `detail-type is ${JSON.stringify(detailType ?? null)}, not "${CLOUDTRAIL_DETAIL_TYPE}"` };
  const d = envelope.detail;
  if (!isRecord(d)) return { ok: false, reason: 'no detail object' };
  const eventSource = str(d.eventSource);
  const eventName = str(d.eventName);
  if (eventSource === undefined || eventName === undefined) return { ok: false, reason: 'detail.eventSource or detail.eventName missing' };
  const ui = isRecord(d.userIdentity) ? d.userIdentity : {};
  const issuer = isRecord(ui.sessionContext) && isRecord(ui.sessionContext.sessionIssuer) ? str(ui.sessionContext.sessionIssuer.arn) : undefined;
  const type = str(ui.type);
  const arn = str(ui.arn);
  const invokedBy = str(ui.invokedBy);
  const sourceIPAddress = str(d.sourceIPAddress);
  const userAgent = str(d.userAgent);
  const errorCode = str(d.errorCode);
  const account = str(envelope.account) ?? str(d.recipientAccountId);
  const region = str(envelope.region) ?? str(d.awsRegion);
  return {
    ok: true,
    event: {
      eventSource,
      eventName,
      eventTime: str(d.eventTime) ?? str(envelope.time) ?? '',
      requestParameters: isRecord(d.requestParameters) ? d.requestParameters : {},
      responseElements: isRecord(d.responseElements) ? d.responseElements : {},
      userIdentity: {
        ...(type === undefined ? {} : { type }),
        ...(arn === undefined ? {} : { arn }),
        ...(invokedBy === undefined ? {} : { invokedBy }),
        ...(issuer === undefined ? {} : { sessionIssuerArn: issuer }),
      },
      ...(sourceIPAddress === undefined ? {} : { sourceIPAddress }),
      ...(userAgent === undefined ? {} : { userAgent }),
      fromConsole: d.sessionCredentialFromConsole === 'true' || d.sessionCredentialFromConsole === true,
      ...(errorCode === undefined ? {} : { errorCode }),
      ...(account === undefined ? {} : { account }),
      ...(region === undefined ? {} : { region }),
    },
  };
}
