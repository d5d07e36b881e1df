/**
 * Redaction of secrets: the one place that decides what a token looks like to the SDK.
 *
 * @module
 */

/** Keys whose values are secrets wherever they appear (bodies, headers, query strings). */
const SECRET_KEY =
  /^(access_token|refresh_token|client_secret|authorization|x-refresh-token|password|secret|api_key|apikey|token|code|signature|jwt)$/i;

/** The text that replaces a secret. */
const REDACTED = '[REDACTED]';

/** Whether a key (header name, body key, query parameter) names a secret. */
function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Returns the URL with every secret-looking query parameter and any credentials redacted. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(
      /([?&](?:access_token|refresh_token|client_secret|code|secret|token)=)[^&#]*/gi,
      `$1${REDACTED}`,
    );
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretKey(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

/** Deep copy of a JSON-like value with the values of secret keys replaced by `[REDACTED]`. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && v !== ''
        ? REDACTED
        : redactSecrets(v, depth + 1);
  }
  return out;
}

/** Secrets shorter than this are not searched for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * The forms a secret takes when a server or proxy echoes it back: as sent, URL-encoded (a
 * `Location` or a query string), form-encoded, JSON-escaped (with and without PHP's `\/`) and
 * HTML-escaped (an error page). Tokens are usually plain base64url, so most forms coincide.
 */
function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    json,
    json.replace(/\//g, '\\/'),
    secret.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c),
  ];
}

/**
 * The last set of secrets asked for and its forms. Every answer is scrubbed of the same few
 * secrets (the request's token, the current pair, the client secret), and encoding a
 * 700-character JWT five ways twice per request cost more than searching a 160 KiB page for it:
 * a set that repeats is encoded once. Only the last set is kept (the client holds it anyway).
 */
let lastSecrets: readonly string[] = [];
let lastForms: string[] = [];

/** Every searchable form of every known secret, longest first (a form may contain another). */
function knownForms(secrets: ReadonlyArray<string | undefined>): string[] {
  const searched = secrets.filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH,
  );
  if (
    searched.length === lastSecrets.length &&
    searched.every((secret, i) => secret === lastSecrets[i])
  )
    return lastForms;
  const forms = new Set<string>();
  for (const secret of searched) for (const form of secretForms(secret)) forms.add(form);
  lastSecrets = searched;
  lastForms = [...forms].sort((a, b) => b.length - a.length);
  return lastForms;
}

/**
 * Replaces every occurrence of the given known secrets (the values themselves and their
 * encoded forms) inside a text, and nothing else. Safe on any answer: it changes a text only
 * where it holds one of the secrets, so data that does not contain them is returned unchanged.
 */
export function scrubKnownSecrets(
  text: string,
  secrets: ReadonlyArray<string | undefined>,
): string {
  let out = text;
  for (const form of knownForms(secrets)) {
    if (out.includes(form)) out = out.replaceAll(form, REDACTED);
  }
  return out;
}

/**
 * Replaces every occurrence of the given secrets inside a text (see {@link scrubKnownSecrets}),
 * plus anything that looks like a bearer token or a secret parameter. For texts the SDK builds
 * into errors, logs and events (error answers, headers, messages of low-level errors, which
 * some fetch implementations fill with the request's URL and headers) — never for the data of
 * a successful answer, where such patterns may be legitimate.
 */
export function scrubText(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  return scrubKnownSecrets(
    text
      .replace(/(bearer(?:\s+|%20|\+))[^\s"',;&<]+/gi, `$1${REDACTED}`)
      .replace(
        /([?&](?:access_token|refresh_token|client_secret|code|secret|token)=)[^&#\s"']*/gi,
        `$1${REDACTED}`,
      )
      .replace(
        /("(?:access_token|refresh_token|client_secret|authorization)"\s*:\s*")[^"]*/gi,
        `$1${REDACTED}`,
      ),
    secrets,
  );
}
