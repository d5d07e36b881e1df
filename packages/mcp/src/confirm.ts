/**
 * Confirmation of bulk writes: a bulk tool that would touch more entities than allowed refuses
 * unless it gets the `confirmation_token` its own dry run returned for the same arguments and
 * the same entities. The token is an HMAC under a key that lives in this process only, bound
 * to the tool, its arguments and the sorted ids it resolved, with an expiry: a token cannot be
 * guessed, moved to other arguments, or reused after the filter started matching other leads.
 *
 * @module
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a confirmation token is accepted. */
export const CONFIRMATION_TTL_MS = 15 * 60_000;

/** JSON with object keys sorted, so equal arguments give equal text. */
export function canonicalJson(value: unknown): string {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null)
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, walk((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(walk(value)) ?? 'null';
}

/** What a token is bound to. */
export interface ConfirmationSubject {
  tool: string;
  /** The tool's arguments; `dry_run` and `confirmation_token` are ignored. */
  args: Record<string, unknown>;
  /** The entities the call resolved to. */
  ids: readonly number[];
}

/** Issues and checks confirmation tokens. */
export class Confirmations {
  readonly #key: Buffer;
  readonly #now: () => number;

  constructor(options: { key?: Buffer; now?: () => number } = {}) {
    this.#key = options.key ?? randomBytes(32);
    this.#now = options.now ?? Date.now;
  }

  #mac(subject: ConfirmationSubject, expiresAt: number): Buffer {
    const args = Object.fromEntries(
      Object.entries(subject.args).filter(([k]) => k !== 'dry_run' && k !== 'confirmation_token'),
    );
    const ids = [...new Set(subject.ids)].sort((a, b) => a - b);
    return createHmac('sha256', this.#key)
      .update(canonicalJson([subject.tool, args, ids, expiresAt]))
      .digest();
  }

  /** A token for this subject, valid for {@link CONFIRMATION_TTL_MS}. */
  issue(subject: ConfirmationSubject): string {
    const expiresAt = this.#now() + CONFIRMATION_TTL_MS;
    return `${expiresAt.toString(36)}.${this.#mac(subject, expiresAt).toString('base64url')}`;
  }

  /** Whether `token` was issued for exactly this subject and has not expired. */
  verify(subject: ConfirmationSubject, token: string | undefined): boolean {
    if (token === undefined) return false;
    const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const expiresAt = parseInt(match[1] as string, 36);
    if (!Number.isSafeInteger(expiresAt) || expiresAt < this.#now()) return false;
    const given = Buffer.from(match[2] as string, 'base64url');
    const expected = this.#mac(subject, expiresAt);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
