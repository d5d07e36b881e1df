/**
 * Drive files on the account host: the files attached to leads, contacts and companies
 * (`/api/v4/{entity}/{id}/files`: list newest first with `before_id`, attach with `PUT`,
 * detach with `DELETE`, both answered 202), and where a file is attached
 * (`/api/v4/files/{uuid}/links`).
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { driveOf } from '../models/drive.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { stringOf } from '../query.js';
import { family, forEach } from '../router.js';
import type { SandboxEntityType } from '../types.js';
import { Issues, isObject } from '../validate.js';
import { batchBody, check, idParam } from './shared.js';

const TYPES: readonly SandboxEntityType[] = ['leads', 'contacts', 'companies'];

function entityParam(ctx: Ctx, type: SandboxEntityType): number {
  const id = idParam(ctx);
  if (!ctx.store.entity(type, id)) fail(404, 'Entity not found');
  return id;
}

function list(ctx: Ctx, type: SandboxEntityType): Reply {
  const id = entityParam(ctx, type);
  const limit = Number(stringOf(ctx.query['limit']) ?? '50');
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) fail(400, 'limit must be 1 to 250');
  const before = Number(stringOf(ctx.query['before_id']) ?? '0');
  const files = driveOf(ctx.store)
    .attachedTo(type, id)
    .filter((a) => !(before > 0) || a.id < before)
    .slice(0, limit);
  if (files.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      _links: { self: { href: `${ctx.baseUrl}${ctx.path}` } },
      _embedded: { files: files.map((a) => ({ file_uuid: a.file_uuid, id: a.id })) },
    },
  };
}

/** The `[{file_uuid}]` body: known, live files, or 400 naming the bad item. */
function fileUuids(ctx: Ctx): string[] {
  const drive = driveOf(ctx.store);
  const issues = new Issues();
  const uuids = batchBody(ctx).map((item: unknown, i) => {
    const uuid = isObject(item) ? item['file_uuid'] : undefined;
    const file = typeof uuid === 'string' ? drive.files.get(uuid) : undefined;
    if (!file || file.deleted_at !== null) issues.add(ISSUE.choice(`${String(i)}.file_uuid`));
    return String(uuid);
  });
  check(issues);
  return uuids;
}

function attach(ctx: Ctx, type: SandboxEntityType): Reply {
  const id = entityParam(ctx, type);
  driveOf(ctx.store).attach(type, id, fileUuids(ctx));
  return { status: 202 };
}

function detach(ctx: Ctx, type: SandboxEntityType): Reply {
  const id = entityParam(ctx, type);
  driveOf(ctx.store).detach(type, id, fileUuids(ctx));
  return { status: 202 };
}

function links(ctx: Ctx): Reply {
  const uuid = ctx.params['uuid'] ?? '';
  if (!driveOf(ctx.store).files.has(uuid)) fail(404, 'File not found');
  const entities = driveOf(ctx.store)
    .entitiesOf(uuid)
    .flatMap(({ type, id }) => {
      const entity = ctx.store.entity(type as SandboxEntityType, id);
      if (!entity) return [];
      // Kommo's legacy names for the entity's fields.
      return [
        {
          id,
          name: entity.name,
          entity_type: type,
          main_user_id: entity.responsible_user_id,
          date_create: entity.created_at,
          date_update: entity.updated_at,
        },
      ];
    });
  return { status: 200, body: { file_uuid: uuid, entities } };
}

/** The entity-file routes. */
export const files = family('files', {
  ...forEach(TYPES, (type) => ({
    [`GET /api/v4/${type}/:id/files`]: (ctx: Ctx) => list(ctx, type),
    [`PUT /api/v4/${type}/:id/files`]: (ctx: Ctx) => attach(ctx, type),
    [`DELETE /api/v4/${type}/:id/files`]: (ctx: Ctx) => detach(ctx, type),
  })),
  'GET /api/v4/files/*uuid/links': links,
});
