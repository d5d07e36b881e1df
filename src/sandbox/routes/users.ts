/**
 * Users: list and get, with `with=role,group,uuid,amojo_id,user_rank,phone_number`.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { paginate, self, withSet } from '../render.js';
import { family } from '../router.js';
import type { SandboxUser } from '../types.js';
import { idParam, itemReply } from './shared.js';

function renderUser(ctx: Ctx, u: SandboxUser, w: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: u.id,
    name: u.name,
    email: u.email,
    lang: u.lang,
    rights: u.rights,
  };
  if (w.has('uuid')) out['uuid'] = u.uuid;
  if (w.has('amojo_id')) out['amojo_id'] = u.amojo_id;
  if (w.has('user_rank')) out['user_rank'] = u.user_rank;
  if (w.has('phone_number')) out['phone_number'] = u.phone_number;
  out['_links'] = self(ctx, `/api/v4/users/${String(u.id)}`);
  if (w.has('role') || w.has('group')) {
    const embedded: Record<string, unknown> = {};
    if (w.has('role')) {
      const role = ctx.store.roles.find((r) => r.id === u.rights.role_id);
      embedded['roles'] = role
        ? [{ id: role.id, name: role.name, _links: self(ctx, `/api/v4/roles/${String(role.id)}`) }]
        : [];
    }
    if (w.has('group')) {
      const group = ctx.store.usersGroups.find((g) => g.id === u.rights.group_id);
      embedded['groups'] = group ? [{ id: group.id, name: group.name }] : [];
    }
    out['_embedded'] = embedded;
  }
  return out;
}

/** The user routes. */
export const users = family('users', {
  'GET /api/v4/users': (ctx) => {
    const w = withSet(ctx);
    return paginate(
      ctx,
      'users',
      [...ctx.store.users.values()],
      (u) => renderUser(ctx, u, w),
      true,
    );
  },
  'GET /api/v4/users/:id': (ctx) =>
    itemReply(ctx.store.users.get(idParam(ctx)), (u) => renderUser(ctx, u, withSet(ctx))),
});
