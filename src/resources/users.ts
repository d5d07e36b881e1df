/**
 * `kommo.users` and `kommo.users.roles`: the account's managers and roles (admin only).
 *
 * @see https://developers.kommo.com/reference/users-list
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import { getOne, listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { joinWith, parseInput } from '../schemas/common.js';
import {
  RoleCollectionSchema,
  RoleListParamsSchema,
  RoleSchema,
  UserCollectionSchema,
  UserGetParamsSchema,
  UserListParamsSchema,
  UserSchema,
  type Role,
  type RoleListParams,
  type User,
  type UserGetParams,
  type UserListParams,
} from '../schemas/user.js';
import { APIResource } from './resource.js';

/** Roles: named sets of rights (`kommo.users.roles`). */
export class Roles extends APIResource {
  /** Lists roles (admin only). */
  list(params?: RoleListParams, options?: ListOptions): PagePromise<Role> {
    return listPages<Role>(
      this._client,
      () => {
        const p = parseInput(RoleListParamsSchema, params ?? {}, 'role list params');
        return {
          path: '/api/v4/roles',
          query: { with: joinWith(p.with) },
          key: 'roles',
          schema: RoleCollectionSchema,
          what: 'roles',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one role.
   *
   * @throws {@link NotFoundError} for an unknown role.
   */
  async get(id: number, options?: RequestOptions): Promise<Role> {
    return getOne(
      this._client,
      { path: path`/api/v4/roles/${id}` },
      RoleSchema,
      `role ${id}`,
      options,
    );
  }
}

/**
 * The account's users (managers). Admin only, and slow on big accounts: cache the list.
 *
 * @example
 * ```ts
 * const managers = await kommo.users.list({ with: ['group'] }).toArray({ max: 1000 });
 * const active = managers.filter((u) => u.rights?.is_active && !u.rights.is_free);
 * ```
 * @see https://developers.kommo.com/reference/users-list
 */
export class Users extends APIResource {
  /** Roles. */
  readonly roles: Roles = new Roles(this._client);

  /** Lists users. `await` gives the first page; `for await` walks every user. */
  list(params?: UserListParams, options?: ListOptions): PagePromise<User> {
    return listPages<User>(
      this._client,
      () => {
        const p = parseInput(UserListParamsSchema, params ?? {}, 'user list params');
        return {
          path: '/api/v4/users',
          query: { with: joinWith(p.with) },
          key: 'users',
          schema: UserCollectionSchema,
          what: 'users',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one user.
   *
   * @throws {@link NotFoundError} for an unknown user.
   */
  async get(id: number, params?: UserGetParams, options?: RequestOptions): Promise<User> {
    const p = parseInput(UserGetParamsSchema, params ?? {}, 'user get params');
    return getOne(
      this._client,
      { path: path`/api/v4/users/${id}`, query: { with: joinWith(p.with) } },
      UserSchema,
      `user ${id}`,
      options,
    );
  }
}
