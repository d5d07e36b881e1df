/**
 * Users: list and get, with `with=role,group,uuid,amojo_id,user_rank,phone_number`; roles:
 * list, get, batch create (201), single `PATCH` (202, the role) and delete. A role's written
 * rights are merged over "everything denied"; `status_rights: []` is stored as `null`, and a
 * role that users still have cannot be deleted (the sandbox's pick: Kommo does not say).
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { paginate, self, withSet } from '../render.js';
import { family, type RouteTable } from '../router.js';
import type { SandboxRole, SandboxUser } from '../types.js';
import { Issues, checkKeys, isObject, optString } from '../validate.js';
import {
  batch,
  check,
  idParam,
  itemOf,
  itemReply,
  listReply,
  objectBody,
  type Plan,
} from './shared.js';

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

// ---------------------------------------------------------------- roles

const ENTITY_RIGHTS = new Set(['view', 'edit', 'add', 'delete', 'export']);
const LETTERS = new Set(['A', 'G', 'M', 'D']);
const DENIED = { view: 'D', edit: 'D', add: 'D', delete: 'D', export: 'D' };

/** The rights of a role as Kommo reads them back: every omitted right denied. */
function denied(): Record<string, unknown> {
  return {
    leads: { ...DENIED },
    contacts: { ...DENIED },
    companies: { ...DENIED },
    tasks: { edit: 'D', delete: 'D' },
    mail_access: false,
    catalog_access: false,
    status_rights: null,
  };
}

function letters(value: unknown, keys: ReadonlySet<string>, path: string, issues: Issues): void {
  if (!isObject(value)) return issues.add(ISSUE.type(path, 'object'));
  for (const [key, letter] of Object.entries(value))
    if (!keys.has(key)) issues.add(ISSUE.unexpected(`${path}.${key}`));
    else if (typeof letter !== 'string' || !LETTERS.has(letter))
      issues.add(ISSUE.choice(`${path}.${key}`));
}

/** Checks written rights and merges them over `base`. */
function mergeRights(
  raw: unknown,
  base: Record<string, unknown>,
  issues: Issues,
): Record<string, unknown> {
  if (!isObject(raw)) {
    issues.add(ISSUE.type('rights', 'object'));
    return base;
  }
  const next = { ...base };
  for (const [key, value] of Object.entries(raw)) {
    const path = `rights.${key}`;
    if (key === 'leads' || key === 'contacts' || key === 'companies') {
      letters(value, ENTITY_RIGHTS, path, issues);
      if (isObject(value)) next[key] = { ...(next[key] as object), ...value };
    } else if (key === 'tasks') {
      letters(value, new Set(['edit', 'delete']), path, issues);
      if (isObject(value)) next[key] = { ...(next[key] as object), ...value };
    } else if (key === 'mail_access' || key === 'catalog_access') {
      if (typeof value === 'boolean') next[key] = value;
      else issues.add(ISSUE.type(path, 'bool'));
    } else if (key === 'status_rights') {
      if (value === null || (Array.isArray(value) && value.length === 0)) next[key] = null;
      else if (Array.isArray(value)) next[key] = value;
      else issues.add(ISSUE.type(path, 'array'));
    } else issues.add(ISSUE.unexpected(path));
  }
  return next;
}

function renderRole(ctx: Ctx, role: SandboxRole, requestId?: string): Record<string, unknown> {
  const users = [...ctx.store.users.values()].filter((u) => u.rights.role_id === role.id);
  return {
    id: role.id,
    name: role.name,
    rights: role.rights ?? denied(),
    ...(requestId === undefined ? {} : { request_id: requestId }),
    _links: self(ctx, `/api/v4/roles/${String(role.id)}`),
    _embedded: { users: users.map((u) => u.id) },
  };
}

function planRole(ctx: Ctx, raw: unknown, i: number): Plan<Record<string, unknown>> {
  const { item, requestId, issues } = itemOf(raw, i, true);
  checkKeys(item, new Set(['name', 'rights', 'request_id']), '', issues);
  const name = optString(item, 'name', '', issues);
  if (name === undefined || name.trim() === '') issues.add(ISSUE.blank('name'));
  const rights =
    item['rights'] === undefined ? denied() : mergeRights(item['rights'], denied(), issues);
  return {
    requestId,
    issues,
    apply: () => {
      const role: SandboxRole = { id: ctx.store.nextId('role') + 3_200, name: name ?? '', rights };
      ctx.store.roles.push(role);
      return renderRole(ctx, role, requestId);
    },
  };
}

function roleOf(ctx: Ctx): SandboxRole {
  const role = ctx.store.roles.find((r) => r.id === idParam(ctx));
  if (!role) fail(404, 'Role not found');
  return role;
}

function updateRole(ctx: Ctx): Reply {
  const role = roleOf(ctx);
  const body = objectBody(ctx, { arrayIs405: true, nonEmpty: true });
  const issues = new Issues();
  checkKeys(body, new Set(['name', 'rights']), '', issues);
  const name = optString(body, 'name', '', issues);
  if (name?.trim() === '') issues.add(ISSUE.blank('name'));
  const rights =
    body['rights'] === undefined
      ? role.rights
      : mergeRights(body['rights'], role.rights ?? denied(), issues);
  check(issues);
  if (name !== undefined) role.name = name;
  if (rights !== undefined) role.rights = rights;
  return { status: 202, body: renderRole(ctx, role) };
}

/** The role routes (`kommo.users.roles`). */
const roles: RouteTable = {
  'GET /api/v4/roles': (ctx) =>
    paginate(ctx, 'roles', ctx.store.roles, (r) => renderRole(ctx, r), true),
  'GET /api/v4/roles/:id': (ctx) => ({ status: 200, body: renderRole(ctx, roleOf(ctx)) }),
  'POST /api/v4/roles': (ctx) =>
    listReply(
      ctx,
      'roles',
      batch(ctx, (raw, i) => planRole(ctx, raw, i)),
      { status: 201 },
    ),
  'PATCH /api/v4/roles/:id': updateRole,
  'DELETE /api/v4/roles/:id': (ctx) => {
    const role = roleOf(ctx);
    if (ctx.store.users.filter((u) => u.rights.role_id === role.id).length > 0)
      fail(400, 'The role has users');
    ctx.store.roles = ctx.store.roles.filter((r) => r !== role);
    return { status: 204 };
  },
};

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
  ...roles,
});
