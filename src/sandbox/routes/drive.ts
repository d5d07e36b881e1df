/**
 * The Files API on the account's drive host, served under `/drive` (the sandbox reports
 * `drive_url: <sandbox url>/drive`): upload sessions and their parts, list, read, rename or
 * switch version, trash, restore, versions and downloads. Bodies arrive raw (parts are bytes);
 * the JSON ones are parsed here. Answers are plain JSON, as Drive's are.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import {
  driveOf,
  type SandboxDrive,
  type SandboxDriveFile,
  type SandboxDriveOptions,
} from '../models/drive.js';
import { fail, type Reply } from '../problems.js';
import { inRange, intsOf, listOf, rangeOf, recordOf, stringOf } from '../query.js';
import { family, type RouteFamily } from '../router.js';
import { isInt, isObject, type JsonObject } from '../validate.js';

/** The path the sandbox serves Drive under; its `drive_url` is the sandbox URL plus this. */
export const DRIVE_PREFIX = '/drive';
/** The most files per page (what Kommo's Drive was seen to use). */
const PAGE_LIMIT = 25;
const SESSION_KEYS = new Set([
  'file_name',
  'file_size',
  'content_type',
  'file_uuid',
  'with_preview',
  'created_by',
]);

const json = (status: number, body: unknown): Reply => ({
  status,
  body,
  contentType: 'application/json',
});

/** The drive host's base URL, as this request sees the sandbox. */
export function driveBase(ctx: Ctx): string {
  return `${ctx.baseUrl}${DRIVE_PREFIX}`;
}

/** The JSON body of a Drive request (the surface hands every body over raw). */
function jsonBody(ctx: Ctx): unknown {
  if (!ctx.raw || ctx.raw.length === 0) return undefined;
  try {
    return JSON.parse(ctx.raw.toString('utf8')) as unknown;
  } catch {
    return fail(400, 'Syntax error');
  }
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** A file in Drive's shape. */
export function renderFile(ctx: Ctx, drive: SandboxDrive, file: SandboxDriveFile): JsonObject {
  const version = drive.active(file);
  const base = driveBase(ctx);
  return {
    uuid: file.uuid,
    type: drive.typeOf(version),
    is_trashed: file.deleted_at !== null,
    name: file.name,
    sanitized_name: file.name.replace(/[^\x20-\x7e]/g, '_'),
    size: version.size,
    source_id: file.source_id,
    version_uuid: file.version_uuid,
    has_multiple_versions: file.versions.length > 1,
    created_at: file.created_at,
    created_by: file.created_by,
    updated_at: file.updated_at,
    updated_by: file.updated_by,
    deleted_at: file.deleted_at,
    deleted_by: file.deleted_by,
    metadata: { extension: extensionOf(file.name), mime_type: version.mime_type },
    previews: null,
    _links: {
      download: { href: `${base}/download/${file.uuid}` },
      download_version: { href: `${base}/download/${file.uuid}/${version.uuid}` },
      self: { href: `${base}/v1.0/files/${file.uuid}` },
    },
  };
}

function actor(ctx: Ctx): { id: number; type: string } {
  return { id: ctx.userId, type: 'internal' };
}

/** A live (or, with `trashed`, any) file by the path's uuid, or 404. */
function fileParam(ctx: Ctx, trashed = false): SandboxDriveFile {
  const file = driveOf(ctx.store).files.get(ctx.params['uuid'] ?? '');
  if (!file || (!trashed && file.deleted_at !== null)) fail(404, 'File not found');
  return file;
}

/** The `[{uuid}]` body of delete and restore: the files, each known, or 400. */
function uuidsBody(ctx: Ctx): SandboxDriveFile[] {
  const body = jsonBody(ctx);
  if (!Array.isArray(body) || body.length === 0) fail(400, 'Expected a list of {uuid}');
  ctx.bodyItems = body.length;
  const drive = driveOf(ctx.store);
  return body.map((item: unknown) => {
    const uuid = isObject(item) ? item['uuid'] : undefined;
    const file = typeof uuid === 'string' ? drive.files.get(uuid) : undefined;
    if (!file) fail(400, `Unknown file ${JSON.stringify(uuid)}`);
    return file;
  });
}

function openSession(ctx: Ctx, limits: Required<SandboxDriveOptions>): Reply {
  const body = jsonBody(ctx);
  if (!isObject(body)) fail(400, 'Expected a JSON object');
  ctx.bodyItems = 1;
  const unknown = Object.keys(body).find((k) => !SESSION_KEYS.has(k));
  if (unknown !== undefined) fail(400, `Unexpected field ${unknown}`);
  const { file_name: name, file_size: size, content_type: type, file_uuid: uuid } = body;
  if (typeof name !== 'string' || name.trim() === '') fail(400, 'file_name is required');
  if (!isInt(size) || size < 1) fail(400, 'file_size must be a positive integer');
  if (type !== undefined && typeof type !== 'string') fail(400, 'content_type must be a string');
  if (uuid !== undefined && typeof uuid !== 'string') fail(400, 'file_uuid must be a string');
  const drive = driveOf(ctx.store);
  const session = drive.open(
    {
      fileName: name,
      fileSize: size,
      contentType: type ?? 'application/octet-stream',
      fileUuid: uuid,
      now: ctx.now,
      by: actor(ctx),
    },
    limits,
  );
  if (typeof session === 'string') fail(400, session);
  return json(200, {
    max_file_size: limits.maxFileSize,
    max_part_size: limits.maxPartSize,
    session_id: session.id,
    upload_url: `${driveBase(ctx)}/v1.0/sessions/upload/${drive.tokenFor(session, 1)}`,
  });
}

function uploadPart(ctx: Ctx, limits: Required<SandboxDriveOptions>): Reply {
  const drive = driveOf(ctx.store);
  const outcome = drive.part(
    ctx.params['token'] ?? '',
    ctx.raw ?? new Uint8Array(0),
    ctx.now,
    limits,
  );
  if (outcome.kind === 'error') fail(outcome.status, outcome.detail);
  ctx.bodyItems = 1;
  if (outcome.kind === 'next') {
    return json(200, {
      session_id: outcome.sessionId,
      next_url: `${driveBase(ctx)}/v1.0/sessions/upload/${outcome.token}`,
    });
  }
  return json(200, { ...renderFile(ctx, drive, outcome.file), session_id: outcome.sessionId });
}

function matches(ctx: Ctx, drive: SandboxDrive, file: SandboxDriveFile): boolean {
  const filter = recordOf(ctx.query['filter']);
  const version = drive.active(file);
  if ((filter['deleted'] !== undefined) !== (file.deleted_at !== null)) return false;
  const uuids = listOf(filter['uuid']);
  if (uuids.length > 0 && !uuids.includes(file.uuid)) return false;
  const name = stringOf(filter['name']);
  if (name !== undefined && file.name !== name) return false;
  const extensions = listOf(filter['extensions']).map((e) => e.toLowerCase());
  if (extensions.length > 0 && !extensions.includes(extensionOf(file.name))) return false;
  const term = stringOf(filter['term'])?.toLowerCase();
  if (term !== undefined && !file.name.toLowerCase().includes(term)) return false;
  const source = stringOf(filter['source_id']);
  if (source !== undefined && String(file.source_id) !== source) return false;
  const sizeFilter = recordOf(filter['size']);
  const unit = Number(stringOf(sizeFilter['unit']) ?? '1') || 1;
  const size = rangeOf(sizeFilter);
  if (size && !inRange(version.size / unit, size)) return false;
  const dateFilter = recordOf(filter['date']);
  const date = rangeOf(dateFilter);
  const at = stringOf(dateFilter['type']) === 'updated_at' ? file.updated_at : file.created_at;
  if (date && !inRange(at, date)) return false;
  const createdBy = intsOf(filter['created_by']);
  if (createdBy.length > 0 && !createdBy.includes(file.created_by.id)) return false;
  const updatedBy = intsOf(filter['updated_by']);
  return updatedBy.length === 0 || updatedBy.includes(file.updated_by.id);
}

function list(ctx: Ctx): Reply {
  const limit = Number(stringOf(ctx.query['limit']) ?? String(PAGE_LIMIT));
  const page = Number(stringOf(ctx.query['page']) ?? '1');
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT)
    fail(400, `limit must be 1 to ${String(PAGE_LIMIT)}`);
  if (!Number.isInteger(page) || page < 1) fail(400, 'page must be a positive integer');
  const drive = driveOf(ctx.store);
  const all = [...drive.files.values()].filter((f) => matches(ctx, drive, f)).reverse();
  const items = all.slice((page - 1) * limit, page * limit);
  if (items.length === 0) return { status: 204 };
  const href = (p: number): { href: string } => ({
    href: `${driveBase(ctx)}/v1.0/files?limit=${String(limit)}&page=${String(p)}`,
  });
  return json(200, {
    _count: items.length,
    _links: { self: href(page), ...(page * limit < all.length ? { next: href(page + 1) } : {}) },
    _embedded: { files: items.map((f) => renderFile(ctx, drive, f)) },
  });
}

function update(ctx: Ctx): Reply {
  const file = fileParam(ctx);
  const body = jsonBody(ctx);
  if (!isObject(body)) fail(400, 'Expected a JSON object');
  ctx.bodyItems = 1;
  const keys = Object.keys(body);
  if (keys.length !== 1 || (keys[0] !== 'name' && keys[0] !== 'version_uuid'))
    fail(400, 'Give either name or version_uuid');
  if (body['name'] !== undefined) {
    if (typeof body['name'] !== 'string' || body['name'].trim() === '')
      fail(400, 'name must be a non-empty string');
    file.name = body['name'];
  } else {
    const version = file.versions.find((v) => v.uuid === body['version_uuid']);
    if (!version) fail(400, 'Unknown version_uuid');
    file.version_uuid = version.uuid;
  }
  file.updated_at = ctx.now;
  file.updated_by = actor(ctx);
  return json(200, renderFile(ctx, driveOf(ctx.store), file));
}

function remove(ctx: Ctx): Reply {
  for (const file of uuidsBody(ctx)) {
    if (file.deleted_at !== null) continue;
    file.deleted_at = ctx.now;
    file.deleted_by = actor(ctx);
  }
  return { status: 204 };
}

function restore(ctx: Ctx): Reply {
  const files = uuidsBody(ctx);
  for (const file of files) {
    file.deleted_at = null;
    file.deleted_by = null;
  }
  const drive = driveOf(ctx.store);
  return json(200, {
    _count: files.length,
    _embedded: { files: files.map((f) => renderFile(ctx, drive, f)) },
  });
}

function versions(ctx: Ctx): Reply {
  const file = fileParam(ctx, true);
  const drive = driveOf(ctx.store);
  const base = driveBase(ctx);
  const items = [...file.versions].reverse().map((v) => ({
    uuid: v.uuid,
    file_uuid: file.uuid,
    type: drive.typeOf(v),
    name: v.name,
    sanitized_name: v.name.replace(/[^\x20-\x7e]/g, '_'),
    size: v.size,
    is_main: v.uuid === file.version_uuid,
    source_id: file.source_id,
    created_at: v.created_at,
    created_by: v.created_by,
    updated_at: v.created_at,
    updated_by: v.created_by,
    metadata: { extension: extensionOf(v.name), mime_type: v.mime_type },
    previews: null,
    _links: { download: { href: `${base}/download/${file.uuid}/${v.uuid}` } },
  }));
  return json(200, { _count: items.length, _embedded: { versions: items } });
}

function download(ctx: Ctx): Reply {
  const file = fileParam(ctx, true);
  const wanted = ctx.params['version'];
  const version =
    wanted === undefined
      ? driveOf(ctx.store).active(file)
      : file.versions.find((v) => v.uuid === wanted);
  if (!version) fail(404, 'Version not found');
  return { status: 200, body: version.bytes, contentType: version.mime_type };
}

/**
 * The Drive routes, with the limits of this sandbox.
 *
 * @param options - Part and file sizes, and the memory bound.
 */
export function driveRoutes(options: SandboxDriveOptions = {}): RouteFamily {
  const limits: Required<SandboxDriveOptions> = {
    maxPartSize: options.maxPartSize ?? 512 * 1024,
    maxFileSize: options.maxFileSize ?? 300 * 1024 * 1024,
    maxStoredBytes: options.maxStoredBytes ?? 64 * 1024 * 1024,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new TypeError(`drive.${name} must be a positive integer`);
  }
  const p = DRIVE_PREFIX;
  return family('drive', {
    [`POST ${p}/v1.0/sessions`]: (ctx) => openSession(ctx, limits),
    [`POST ${p}/v1.0/sessions/upload/*token`]: (ctx) => uploadPart(ctx, limits),
    [`GET ${p}/v1.0/files`]: list,
    [`DELETE ${p}/v1.0/files`]: remove,
    [`POST ${p}/v1.0/files/restore`]: restore,
    [`GET ${p}/v1.0/files/*uuid`]: (ctx) =>
      json(200, renderFile(ctx, driveOf(ctx.store), fileParam(ctx))),
    [`PATCH ${p}/v1.0/files/*uuid`]: update,
    [`GET ${p}/v1.0/files/*uuid/versions`]: versions,
    [`GET ${p}/download/*uuid`]: download,
    [`GET ${p}/download/*uuid/*version`]: download,
  });
}
