/**
 * `kommo.account`: the account's settings, task types, user groups and time zone.
 *
 * @see https://developers.kommo.com/reference/account-parameters
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import { getOne } from '../core/pagination.js';
import { joinWith, parseInput } from '../schemas/common.js';
import {
  AccountGetParamsSchema,
  AccountSchema,
  type Account,
  type AccountGetParams,
} from '../schemas/account.js';
import { APIResource } from './resource.js';

/**
 * The account (any user may read it).
 *
 * @example
 * ```ts
 * const account = await kommo.account.get({ with: ['datetime_settings', 'task_types'] });
 * console.log(account._embedded?.datetime_settings?.timezone);
 * ```
 * @see https://developers.kommo.com/reference/account-parameters
 */
export class AccountResource extends APIResource {
  /** Reads the account, with the extra data named in `with`. */
  async get(params?: AccountGetParams, options?: RequestOptions): Promise<Account> {
    const p = parseInput(AccountGetParamsSchema, params ?? {}, 'account get params');
    return getOne(
      this._client,
      { path: '/api/v4/account', query: { with: joinWith(p.with) } },
      AccountSchema,
      'account',
      options,
    );
  }
}
