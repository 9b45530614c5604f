// POST /webhook/git: a push from GitHub (X-Hub-Signature-256, HMAC-SHA256 of the raw body with
// WEBHOOK_SECRET) or GitLab (X-Gitlab-Token equal to WEBHOOK_SECRET), compared in constant time.
// Without WEBHOOK_SECRET the endpoint is disabled and answers 404. A verified push to the
// followed branch calls onPush() (the loop fetches and reconciles, coalescing) and gets 202.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LogEvent } from '../log/log-events.js';
import type { Logger } from '../log/logger.js';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface PushEvent {
  provider: 'github' | 'gitlab';
  /** `refs/heads/<branch>` */
  ref: string;
  /** the pushed head commit, when the payload names it */
  after?: string;
  /** X-GitHub-Delivery / X-Gitlab-Event-UUID */
  deliveryId?: string;
}

export interface WebhookOptions {
  /** WEBHOOK_SECRET; undefined or empty disables the endpoint (404) */
  secret: string | undefined;
  /** the branch the source follows; pushes to others are acknowledged and ignored */
  branch: string;
  /** called for a verified push to `branch`; must not throw or block (the loop coalesces) */
  onPush: (push: PushEvent) => void;
  logger?: Logger;
  maxBodyBytes?: number;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/** Read the body, stopping as soon as it exceeds `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'aborted'): void => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        finish('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(Buffer.concat(chunks)));
    req.once('error', () => finish('aborted'));
    req.once('close', () => finish(size > max ? 'too-large' : 'aborted'));
  });
}

/** Constant-time equality of two strings of any length (compares their SHA-256 digests). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** Verify `sha256=<hex>` against the HMAC of the raw body. */
export function verifyGithubSignature(secret: string, body: Buffer, header: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m?.[1]) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'));
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The JSON payload: raw JSON, or GitHub's form encoding (`payload=<json>`). */
function parsePayload(req: IncomingMessage, body: Buffer): { ref?: unknown; after?: unknown; checkout_sha?: unknown } | undefined {
  try {
    const type = headerValue(req, 'content-type') ?? '';
    const text = type.includes('application/x-www-form-urlencoded')
      ? (new URLSearchParams(body.toString('utf8')).get('payload') ?? '')
      : body.toString('utf8');
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function createWebhookHandler(options: WebhookOptions): RequestHandler {
  const max = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const secret = options.secret ?? '';
  const log = options.logger;
  const reject = (req: IncomingMessage, res: ServerResponse, status: number, reason: string, close = false): void => {
    log?.warn({ event: LogEvent.webhookRejected, status, reason, remote: req.socket.remoteAddress }, `webhook rejected: ${reason}`);
    sendJson(res, status, { error: reason }, close);
  };

  return (req, res) => {
    void (async () => {
      if (secret === '') {
        sendJson(res, 404, { error: 'webhook disabled: set WEBHOOK_SECRET to enable POST /webhook/git' });
        req.resume();
        return;
      }
      const declared = Number(headerValue(req, 'content-length') ?? '0');
      if (declared > max) {
        reject(req, res, 413, `body of ${declared} bytes is over the ${max}-byte limit`, true);
        req.pause();
        res.once('finish', () => req.socket.destroySoon());
        return;
      }
      const body = await readBody(req, max);
      if (body === 'aborted') return;
      if (body === 'too-large') {
        reject(req, res, 413, `body is over the ${max}-byte limit`, true);
        res.once('finish', () => req.socket.destroySoon());
        return;
      }
      const ghSignature = headerValue(req, 'x-hub-signature-256');
      const glToken = headerValue(req, 'x-gitlab-token');
      let provider: PushEvent['provider'];
      if (ghSignature !== undefined) {
        if (!verifyGithubSignature(secret, body, ghSignature)) return reject(req, res, 401, 'X-Hub-Signature-256 does not match');
        provider = 'github';
      } else if (glToken !== undefined) {
        if (!constantTimeEqual(glToken, secret)) return reject(req, res, 401, 'X-Gitlab-Token does not match');
        provider = 'gitlab';
      } else {
        return reject(req, res, 401, 'no X-Hub-Signature-256 or X-Gitlab-Token header');
      }

      const eventName = provider === 'github' ? headerValue(req, 'x-github-event') : headerValue(req, 'x-gitlab-event');
      if (provider === 'github' && eventName === 'ping') return sendJson(res, 200, { ok: true, pong: true });
      const isPush = provider === 'github' ? eventName === 'push' : eventName === 'Push Hook';
      if (!isPush) return sendJson(res, 202, { ignored: `event ${eventName ?? '(none)'} is not a push` });

      const payload = parsePayload(req, body);
      if (!payload || typeof payload.ref !== 'string') return reject(req, res, 400, 'the push payload is not JSON with a "ref"');
      const wanted = `refs/heads/${options.branch}`;
      if (payload.ref !== wanted) return sendJson(res, 202, { ignored: `push to ${payload.ref}; following ${wanted}` });

      const after = typeof payload.after === 'string' ? payload.after : typeof payload.checkout_sha === 'string' ? payload.checkout_sha : undefined;
      const deliveryId = headerValue(req, 'x-github-delivery') ?? headerValue(req, 'x-gitlab-event-uuid');
      const push: PushEvent = { provider, ref: payload.ref, ...(after ? { after } : {}), ...(deliveryId ? { deliveryId } : {}) };
      log?.info({ event: LogEvent.webhookPush, provider, ref: push.ref, commit: after, delivery: deliveryId }, `push to ${push.ref} received`);
      try {
        options.onPush(push);
      } catch (e) {
        log?.error({ event: LogEvent.webhookFailed, err: e }, 'the push handler failed');
      }
      sendJson(res, 202, { accepted: true, ref: push.ref, ...(after ? { after } : {}) });
    })().catch((e: unknown) => {
      log?.error({ event: LogEvent.webhookFailed, err: e }, 'webhook handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  };
}
