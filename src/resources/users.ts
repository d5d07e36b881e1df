/**
 * `kommo.users` and `kommo.users.roles`: the account's managers and roles (admin only).
 *
 * @see https://developers.kommo.com/reference/users-list
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import type * as s from '../schemas/user.js';
import { RecordResource } from './bases.js';
import { APIResource, route } from './resource.js';

const users = route({
  path: '/api/v4/users',
  key: 'users',
  names: ['user', 'users'],
  schemas: () => import('../schemas/user.js').then((m) => m.userRouteSchemas()),
});

const roles = route({
  path: '/api/v4/roles',
  key: 'roles',
  names: ['role', 'roles'],
  nonEmptyUpdate: true,
  schemas: () => import('../schemas/user.js').then((m) => m.roleRouteSchemas()),
});

/**
 * Roles: named sets of rights (`kommo.users.roles`). Listing and reading need admin rights, and
 * so do the writes; Kommo answers a write with the role.
 *
 * @example
 * ```ts
 * const role = await kommo.users.roles.create({
 *   name: 'Sales',
 *   rights: { leads: { view: 'A', edit: 'G', add: 'A', delete: 'D', export: 'D' }, mail_access: true },
 * });
 * await kommo.users.roles.update(role.id, { rights: { status_rights: null } });
 * ```
 */
export class Roles extends RecordResource<s.RoleResourceTypes> {
  /** @internal */
  protected readonly _verbs = roles.on(this._client);

  /** Lists roles (admin only). */
  list(params?: s.RoleListParams, options?: ListOptions): PagePromise<s.Role> {
    return this._verbs.list(params, options);
  }

  /** Deletes a role (admin only; Kommo deletes one at a time). */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this._verbs.delete(id, options);
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
  readonly #api = users.on(this._client);
  /** Roles. */
  readonly roles: Roles = new Roles(this._client);

  /** Lists users. `await` gives the first page; `for await` walks every user. */
  list(params?: s.UserListParams, options?: ListOptions): PagePromise<s.User> {
    return this.#api.list(params, options);
  }

  /**
   * Reads one user.
   *
   * @throws {@link NotFoundError} for an unknown user.
   */
  get(id: number, params?: s.UserGetParams, options?: RequestOptions): Promise<s.User> {
    return this.#api.get(id, params, options);
  }
}
