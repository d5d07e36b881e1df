/**
 * Drive host validation: the gate the account's Drive host, and every upload URL Drive hands
 * out, pass before a token goes there. Its own module (not `domain.ts`) so that it loads with
 * the Drive engine, on demand.
 *
 * @module
 */

import { ResponseValidationError } from './errors.js';

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
 * path; or a URL on the client's own origin (its `baseUrl`: the account host, or the sandbox or
 * a proxy given as `baseUrl`), which has the token already, under any path (the sandbox serves
 * Drive under `/drive`). Nothing else: no other host, no credentials, query or fragment.
 *
 * @param driveUrl - What the account answered.
 * @param baseUrl - The client's base URL (the origin its token already goes to).
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
