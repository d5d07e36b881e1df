/**
 * `kommo.account`: the account's settings, task types, user groups and time zone.
 *
 * @see https://developers.kommo.com/reference/account-parameters
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import { getOne } from '../core/pagination.js';
import { joinWith } from '../core/query.js';
import { parseInput } from '../core/schema.js';
import type * as s from '../schemas/account.js';
import { APIResource } from './resource.js';

/**
 * The account's parameters: `kommo.account` (any user may read them).
 *
 * @example
 * ```ts
 * const account = await kommo.account.get({ with: ['datetime_settings', 'task_types'] });
 * console.log(account._embedded?.datetime_settings?.timezone);
 * ```
 * @see https://developers.kommo.com/reference/account-parameters
 */
export class AccountParameters extends APIResource {
  /** Reads the account, with the extra data named in `with`. */
  async get(params?: s.AccountGetParams, options?: RequestOptions): Promise<s.Account> {
    const { AccountGetParamsSchema, AccountSchema } = await import('../schemas/account.js');
    const p = parseInput(AccountGetParamsSchema, params ?? {}, 'account get params');
    return getOne(this._client, {
      path: '/api/v4/account',
      query: { with: joinWith(p.with) },
      schema: AccountSchema,
      what: 'account',
      options,
    });
  }
}

/**
 * The old name of {@link AccountParameters}.
 *
 * @deprecated Use `AccountParameters` (renamed in 0.2.0 so that resource classes don't clash
 *   with item types such as `s.Account`); this alias goes in 0.3.0.
 */
export const AccountResource = AccountParameters;
/** @deprecated Use `AccountParameters`. */
export type AccountResource = AccountParameters;
