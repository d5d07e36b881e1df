/**
 * Account host validation: the one gate every account host the SDK sends to passes through
 * (the account's Drive host has its own, `drive-host.ts`, loaded with the Drive engine).
 *
 * @module
 */

import { ConfigurationError } from './errors.js';

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
