/**
 * Account host validation: the one gate every host the SDK sends to passes through.
 *
 * @module
 */

import { ConfigurationError, ResponseValidationError } from './errors.js';

/** The Kommo/amoCRM top-level domains an account host may end with. */
export const KOMMO_ACCOUNT_SUFFIXES = ['kommo.com', 'amocrm.ru', 'amocrm.com'] as const;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Hosts on Kommo's suffixes that are not accounts: the common site and service hosts.
const RESERVED = new Set(['www', 'api', 'amojo', 'id', 'oauth', 'developers', 'static']);

/**
 * Normalizes a user-supplied account domain to the bare account host (`acme.kommo.com`).
 *
 * Accepts `acme` (meaning `acme.kommo.com`), `acme.kommo.com`, `acme.amocrm.ru`,
 * `acme.amocrm.com`, with or without `https://` and a trailing `/`, in any letter case.
 * Refuses anything else (another host, a path, a query, credentials, a port, `http://`,
 * `acme.kommo.com.evil.io`, an empty string) so that no token is ever sent to a host that is
 * not a Kommo account.
 *
 * @param input - What the user or the OAuth redirect (`referer`) gave.
 * @param what - Name of the option, for the error message.
 * @throws {@link ConfigurationError} when the input is not an account host.
 * @example
 * ```ts
 * normalizeDomain('https://ACME.kommo.com/'); // 'acme.kommo.com'
 * normalizeDomain('acme');                    // 'acme.kommo.com'
 * ```
 */
export function normalizeDomain(input: unknown, what = 'domain'): string {
  if (typeof input !== 'string') {
    throw new ConfigurationError(`\`${what}\` must be a string such as "acme.kommo.com"`);
  }
  let host = input.trim().toLowerCase();
  if (host.startsWith('https://')) host = host.slice('https://'.length);
  if (host.endsWith('/')) host = host.slice(0, -1);
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input);
  const refuse = (why: string): never => {
    throw new ConfigurationError(
      `\`${what}\` ${shown} is not a Kommo account host (${why}). Use "acme", "acme.kommo.com", "acme.amocrm.ru" or "acme.amocrm.com"; for a proxy or the sandbox use \`baseUrl\`.`,
    );
  };
  if (host === '') refuse('it is empty');
  if (/[/?#@:\\\s%]/.test(host))
    refuse(
      'only a bare host is allowed: no scheme other than https, path, query, port or credentials',
    );
  const labels = host.split('.');
  if (labels.length === 1) {
    if (!LABEL.test(host) || RESERVED.has(host)) refuse('not a valid subdomain');
    return `${host}.kommo.com`;
  }
  const suffix = KOMMO_ACCOUNT_SUFFIXES.find((s) => host.endsWith(`.${s}`));
  if (suffix === undefined)
    return refuse(`it does not end with ${KOMMO_ACCOUNT_SUFFIXES.join(', ')}`);
  const sub = host.slice(0, host.length - suffix.length - 1);
  if (!LABEL.test(sub)) refuse('the account part must be a single subdomain label');
  if (RESERVED.has(sub)) refuse(`"${sub}" is Kommo's own host, not an account`);
  return host;
}

// Kommo's Drive hosts: `drive-c.kommo.com` (Kommo's docs), `drive-b.amocrm.ru` (amoCRM's), and
// the bare `drive.amocrm.ru` the official PHP SDK falls back to.
const DRIVE_HOST = /^drive(?:-[a-z0-9]{1,20})?\.(?:kommo\.com|amocrm\.ru|amocrm\.com)$/;

function parseUrl(input: unknown): URL | undefined {
  if (typeof input !== 'string' || input.length > 4096) return undefined;
  try {
    return new URL(input);
  } catch {
    return undefined;
  }
}

/**
 * Checks the `drive_url` an account reports before the token goes there, and returns it
 * without a trailing `/`. Accepted: an `https` Kommo Drive host (`drive-<x>.kommo.com`,
 * `drive-<x>.amocrm.ru`, `drive-<x>.amocrm.com`, `drive.<same>`) on the default port with no
 * path; or, for a client with an explicit `baseUrl` (the sandbox, a proxy), a URL on that very
 * origin, under any path (the sandbox serves Drive under `/drive`). Nothing else: no other
 * host, no credentials, query or fragment.
 *
 * @param driveUrl - What the account answered.
 * @param baseUrl - The client's explicit `baseUrl`, when it has one.
 * @returns The Drive base URL, e.g. `https://drive-c.kommo.com`.
 * @throws {@link ResponseValidationError} when the URL is none of the above.
 */
export function validateDriveUrl(driveUrl: unknown, baseUrl?: string): string {
  const url = parseUrl(driveUrl);
  const path = url?.pathname.replace(/\/+$/, '') ?? '';
  const clean = url !== undefined && !url.username && !url.password && !url.search && !url.hash;
  const kommo =
    clean && url.protocol === 'https:' && url.port === '' && DRIVE_HOST.test(url.hostname);
  const own = clean && baseUrl !== undefined && url.origin === new URL(baseUrl).origin;
  if ((kommo && path === '') || own) return `${url.origin}${path}`;
  throw new ResponseValidationError(
    `The account reports a drive_url that is not a Kommo Drive host (${JSON.stringify(String(driveUrl).slice(0, 120))}); no token is sent there`,
    { body: driveUrl },
  );
}

/**
 * Checks a URL Drive handed out (`upload_url`, `next_url`) before anything is sent to it: it
 * must be on the Drive origin, under the Drive base path. Relative URLs resolve against the
 * base.
 *
 * @returns The path below the base and the query, for a request with `baseUrl: driveBase`.
 * @throws {@link ResponseValidationError} for any other URL.
 */
export function onDriveHost(
  target: unknown,
  driveBase: string,
): { path: string; query: Record<string, string> } {
  let url: URL | undefined;
  try {
    url = typeof target === 'string' && target.length <= 8192 ? new URL(target, driveBase) : url;
  } catch {
    url = undefined;
  }
  const base = new URL(driveBase);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (
    url === undefined ||
    url.origin !== base.origin ||
    url.username ||
    url.password ||
    url.hash ||
    !url.pathname.startsWith(`${prefix}/`)
  ) {
    throw new ResponseValidationError(
      'Drive answered with an upload URL off its own host; it is not followed and no token is sent there',
    );
  }
  return {
    path: url.pathname.slice(prefix.length),
    query: Object.fromEntries(url.searchParams),
  };
}
