// Free-text scrubbing of credentials: used on every log line (logger hook), every git error and
// every Slack message. Structured redaction of known keys lives in logger.ts.

/** What a scrubbed secret is replaced with. */
export const REDACTED = '[redacted]';

/** Values shorter than this are not scrubbed from free text (they would collide with ordinary words). */
export const MIN_SECRET_LENGTH = 8;

// scheme://user:password@host or scheme://token@host -> scheme://[redacted]@host
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// Slack incoming webhook paths: https://hooks.slack.com/services/T000/B000/XXXX
const SLACK_HOOK = /(hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/)[^\s"'<>]+/gi;
// Authorization: Basic xxx / Bearer xxx (git traces, HTTP dumps)
const AUTH_HEADER = /\b(authorization:\s*(?:basic|bearer|token)\s+)[A-Za-z0-9+/=._~-]+/gi;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms a secret can take in output: raw, JSON-escaped, URL-encoded. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(encodeURIComponent(secret));
  return [...forms];
}

/**
 * Replace every occurrence of each secret value (and URL credentials, Slack webhook paths,
 * Authorization header values) in `text`. Secrets shorter than MIN_SECRET_LENGTH are ignored.
 */
export function redactSecrets(text: string, secrets: Iterable<string> = []): string {
  let out = text
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(SLACK_HOOK, `$1${REDACTED}`)
    .replace(AUTH_HEADER, `$1${REDACTED}`);
  const forms: string[] = [];
  for (const s of secrets) {
    if (s.length >= MIN_SECRET_LENGTH) forms.push(...secretForms(s));
  }
  if (forms.length === 0) return out;
  // longest first so a secret that contains another one is replaced whole
  forms.sort((a, b) => b.length - a.length);
  const re = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  out = out.replace(re, REDACTED);
  return out;
}

/** `https://user:tok@host/x.git` -> `https://host/x.git` (for display; credentials dropped, not masked). */
export function stripUrlCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(URL_USERINFO, '$1');
  }
}

/**
 * The process-wide set of secret values to scrub from free text. The logger, the git source and
 * the Slack sender share one; the loop adds the values of environment variables marked secret
 * in the desired state as it loads them.
 */
export class SecretRegistry {
  readonly #values = new Set<string>();

  constructor(values: Iterable<string | undefined> = []) {
    this.add(...values);
  }

  /** Register values; empty, undefined and too-short values are ignored. */
  add(...values: (string | undefined)[]): void {
    for (const v of values) {
      if (v !== undefined && v.length >= MIN_SECRET_LENGTH) this.#values.add(v);
    }
  }

  values(): string[] {
    return [...this.#values];
  }

  get size(): number {
    return this.#values.size;
  }

  scrub(text: string): string {
    return redactSecrets(text, this.#values);
  }
}

/** Names of environment variables whose values are always secrets. */
export const SECRET_ENV_NAMES = ['GIT_TOKEN', 'SLACK_WEBHOOK_URL', 'WEBHOOK_SECRET', 'STATUS_TOKEN'] as const;

/** A registry holding the secret environment variables of `env` (default process.env). */
export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): SecretRegistry {
  return new SecretRegistry(SECRET_ENV_NAMES.map((n) => env[n]));
}
