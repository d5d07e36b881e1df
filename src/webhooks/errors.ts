/**
 * The errors of the webhook module. Both extend {@link KommoError}, so `isKommoError()` and
 * `code` work as everywhere else in the SDK.
 *
 * @module
 */

import { KommoError, type KommoErrorOptions } from '../core/errors.js';

/**
 * Why a webhook failed verification. Stable: branch on these.
 *
 * - `missing_signature`: the URL secret, signature header, `signature` parameter or token is absent.
 * - `bad_signature`: it is present but does not match.
 * - `expired`: a JWT's `exp` has passed (beyond the clock skew).
 * - `not_yet_valid`: a JWT's `nbf` or `iat` lies in the future (beyond the clock skew).
 * - `wrong_account`: the account in the body or the token is not the expected one.
 * - `wrong_client`: the `client_uuid` is not your integration's.
 * - `wrong_audience`: a JWT's `aud` is not your integration's.
 * - `unsupported_algorithm`: a JWT names another algorithm than the scheme's (`alg: none` included).
 * - `malformed`: the input cannot be read (not a JWT, not valid JSON, body too large…).
 */
export type WebhookVerificationReason =
  | 'missing_signature'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_account'
  | 'wrong_client'
  | 'wrong_audience'
  | 'unsupported_algorithm'
  | 'malformed';

/**
 * A webhook did not pass {@link verifyWebhook}. Answer it with 401 and do not process it.
 *
 * The message never contains the secret, the expected signature or the token.
 */
export class WebhookVerificationError extends KommoError {
  /** Why verification failed. */
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string, options: KommoErrorOptions = {}) {
    super('webhook_verification_failed', message, options);
    this.reason = reason;
  }
}

/**
 * Why a webhook body could not be parsed. Stable: branch on these.
 *
 * - `too_large`: the body exceeds `maxBytes` (answered 413 by {@link createWebhookHandler}).
 * - `read_timeout`: the body did not arrive within `readTimeoutMs` (answered 408).
 * - `read_failed`: the body stream broke off (the client went away) or was already read.
 * - `too_deep`: a key has more bracket levels than `maxDepth`.
 * - `too_many_fields`: the body has more fields than `maxFields`.
 * - `invalid_utf8`: the body or a percent-decoded value is not valid UTF-8.
 * - `not_form_encoded`: the body is JSON or another format, not `x-www-form-urlencoded`.
 * - `missing_account`: there is no `account[...]` part, so it is not a Kommo webhook.
 * - `invalid_input`: the argument is not a string, bytes, `URLSearchParams`, `FormData` or a plain
 *   object, or the object contains a cycle.
 */
export type WebhookParseReason =
  | 'too_large'
  | 'read_timeout'
  | 'read_failed'
  | 'too_deep'
  | 'too_many_fields'
  | 'invalid_utf8'
  | 'not_form_encoded'
  | 'missing_account'
  | 'invalid_input';

/**
 * A webhook body is not a well-formed Kommo webhook, or could not be read within the limits.
 * Answer it with 400 (413 for `too_large`, 408 for `read_timeout`). {@link parseWebhook} throws
 * nothing else, whatever the input.
 */
export class WebhookParseError extends KommoError {
  /** What is wrong with the body. */
  readonly reason: WebhookParseReason;

  constructor(reason: WebhookParseReason, message: string, options: KommoErrorOptions = {}) {
    super('webhook_malformed', message, options);
    this.reason = reason;
  }
}

/** A {@link WebhookVerificationError}, shortly. @internal */
export const verificationError = (
  reason: WebhookVerificationReason,
  message: string,
  cause?: unknown,
): WebhookVerificationError => new WebhookVerificationError(reason, message, { cause });

/** A {@link WebhookParseError}, shortly. @internal */
export const parseError = (
  reason: WebhookParseReason,
  message: string,
  cause?: unknown,
): WebhookParseError => new WebhookParseError(reason, message, { cause });
