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

/**
 * Replaces every occurrence of the given secrets inside a text, plus anything that looks like a
 * bearer token or a secret query parameter (for messages of low-level errors, which some fetch
 * implementations fill with the request's URL and headers).
 */
export function scrubText(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text
    .replace(/(bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`)
    .replace(
      /([?&](?:access_token|refresh_token|client_secret|code|secret|token)=)[^&#\s"']*/gi,
      `$1${REDACTED}`,
    )
    .replace(
      /("(?:access_token|refresh_token|client_secret|authorization)"\s*:\s*")[^"]*/gi,
      `$1${REDACTED}`,
    );
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}
