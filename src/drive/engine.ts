/**
 * What `kommo.files` does, loaded on its first call with `import()` (the main entry carries only
 * the thin `Files` class of `resources/files.ts`): the drive host look-up, the Drive and
 * entity-file requests, the schemas they parse with, and the upload (its loop is
 * `core/drive-upload.ts`). A part of its own, not a file of `src/resources/`, because resources
 * never import each other.
 *
 * @module
 */

import { z } from 'zod';
import type { Kommo } from '../client.js';
import { validateDriveUrl } from '../core/drive-host.js';
import type { CoreRequest, RawResponse } from '../core/http.js';
import type { RequestOptions } from '../core/options.js';
import {
  getOne,
  listPages,
  type ListOptions,
  type PageData,
  type PageSource,
  type Sender,
} from '../core/pagination.js';
import { assertId } from '../core/path.js';
import type { QueryInput } from '../core/query.js';
import { lazy, parseInput, parseResponse } from '../core/schema.js';
import { planUpload, uploadToDrive, type DriveUploadOptions } from '../core/drive-upload.js';
import type { UploadSource } from '../core/upload.js';
import type * as s from '../schemas/file.js';
import {
  DRIVE_PAGE_LIMIT,
  DriveFileSchema,
  DriveFileVersionSchema,
  EntityFileListParamsSchema,
  EntityFileSchema,
  FileEntityTypeSchema,
  FileLinksSchema,
  FileListParamsSchema,
  FileUpdateParamsSchema,
  FileUploadParamsSchema,
  FileUuidSchema,
  UploadPartAnswerSchema,
  UploadSessionSchema,
  driveCollectionSchema,
} from '../schemas/file.js';

/** What one client's `kommo.files` keeps between calls: the drive URL look-up. */
export interface DriveState {
  drive?: Promise<string> | undefined;
}

const schemas = lazy(() => ({
  page: driveCollectionSchema('files', DriveFileSchema),
  versions: driveCollectionSchema('versions', DriveFileVersionSchema),
  uuids: z.array(FileUuidSchema).min(1).max(500),
  entityPage: z.looseObject({
    _embedded: z.looseObject({ files: z.array(EntityFileSchema).nullish() }).nullish(),
  }),
}));

function uuidsOf(input: unknown): string[] {
  return parseInput(schemas().uuids, typeof input === 'string' ? [input] : input, 'file uuids');
}

function uuidOf(input: unknown): string {
  return parseInput(FileUuidSchema, input, 'file uuid');
}

function parse<S extends z.ZodType>(
  client: Kommo,
  schema: S,
  response: RawResponse,
  what: string,
): z.infer<S> {
  return parseResponse(schema, response.body, {
    what,
    validate: client._validateResponses,
    requestId: response.requestId,
  });
}

/** The account's Drive URL, looked up once per client and checked before any token goes there. */
export function driveUrl(
  client: Kommo,
  state: DriveState,
  options?: RequestOptions,
): Promise<string> {
  if (!state.drive) {
    // Without the caller's signal: the look-up is shared by every call that waits for it.
    const rest: RequestOptions = { ...options };
    delete rest.signal;
    const lookup = client
      ._send({ method: 'GET', path: '/api/v4/account', query: { with: 'drive_url' } }, rest)
      .then((response) =>
        validateDriveUrl(
          (response.body as { drive_url?: unknown } | undefined)?.drive_url,
          client.baseUrl,
        ),
      );
    // A failed look-up is not kept: the next call asks again.
    lookup.catch(() => (state.drive = undefined));
    state.drive = lookup;
  }
  return state.drive;
}

/** Sends to the drive host: the account's client with another base URL. */
function driveSender(client: Kommo, state: DriveState): Sender {
  const sender = {
    baseUrl: '',
    _validateResponses: client._validateResponses,
    async _send(request: CoreRequest, options?: RequestOptions): Promise<RawResponse> {
      sender.baseUrl = await driveUrl(client, state, options);
      return client._send({ ...request, baseUrl: sender.baseUrl }, options);
    },
  };
  return sender;
}

/** Only `filter[uuid]` (comma-separated) and `filter[deleted]` (present or not) are special. */
function listQuery(filter: z.output<typeof FileListParamsSchema>['filter']): QueryInput {
  if (!filter) return {};
  const { uuid, deleted, ...rest } = filter;
  return {
    filter: {
      ...rest,
      ...(uuid !== undefined ? { uuid: [uuid].flat().join(',') } : {}),
      ...(deleted ? { deleted: 1 } : {}),
    },
  };
}

/** The pages of `files.list`: page `n` is the first page of a list that starts there. */
export function fileListSource(
  client: Kommo,
  state: DriveState,
  params: unknown,
  options: ListOptions | undefined,
): PageSource<s.DriveFile> {
  const p = parseInput(FileListParamsSchema, params ?? {}, 'file list params');
  const sender = driveSender(client, state);
  return {
    startPage: p.page ?? 1,
    fetch: async (page, signal) => {
      const first = await listPages<s.DriveFile>(
        sender,
        () => ({
          path: '/v1.0/files',
          query: listQuery(p.filter),
          key: 'files',
          schema: schemas().page,
          what: 'files',
          page,
          limit: p.limit ?? DRIVE_PAGE_LIMIT,
        }),
        { ...options, ...(signal ? { signal } : {}) },
      );
      return {
        items: first.items,
        page,
        hasNext: first.hasNextPage(),
        totalItems: first.totalItems,
      };
    },
  };
}

/** `GET /v1.0/files/{uuid}`: see `Files.get`. */
export function get(
  client: Kommo,
  state: DriveState,
  uuid: unknown,
  options?: RequestOptions,
): Promise<s.DriveFile> {
  const id = uuidOf(uuid);
  return getOne(driveSender(client, state), {
    path: `/v1.0/files/${id}`,
    schema: DriveFileSchema,
    what: `file ${id}`,
    options,
  });
}

/** `PATCH /v1.0/files/{uuid}` with `{ name }` or `{ version_uuid }`: see `Files.update`. */
export async function update(
  client: Kommo,
  state: DriveState,
  uuid: unknown,
  params: unknown,
  options?: RequestOptions,
): Promise<s.DriveFile> {
  const path = `/v1.0/files/${uuidOf(uuid)}`;
  const body = parseInput(FileUpdateParamsSchema, params, 'file update');
  const response = await driveSender(client, state)._send({ method: 'PATCH', path, body }, options);
  return parse(client, DriveFileSchema, response, `file (PATCH ${path})`);
}

/** `DELETE /v1.0/files` with `[{ uuid }]`: see `Files.delete`. */
export async function remove(
  client: Kommo,
  state: DriveState,
  uuids: unknown,
  options?: RequestOptions,
): Promise<void> {
  const body = uuidsOf(uuids).map((uuid) => ({ uuid }));
  await driveSender(client, state)._send({ method: 'DELETE', path: '/v1.0/files', body }, options);
}

/** `POST /v1.0/files/restore` with `[{ uuid }]`: see `Files.restore`. */
export async function restore(
  client: Kommo,
  state: DriveState,
  uuids: unknown,
  options?: RequestOptions,
): Promise<s.DriveFile[]> {
  const body = uuidsOf(uuids).map((uuid) => ({ uuid }));
  const path = '/v1.0/files/restore';
  const response = await driveSender(client, state)._send({ method: 'POST', path, body }, options);
  const page = parse(client, schemas().page, response, `restored files (POST ${path})`);
  return page?._embedded?.files ?? [];
}

/** `GET /v1.0/files/{uuid}/versions`: see `Files.versions`. */
export async function versions(
  client: Kommo,
  state: DriveState,
  uuid: unknown,
  options?: RequestOptions,
): Promise<s.DriveFileVersion[]> {
  const path = `/v1.0/files/${uuidOf(uuid)}/versions`;
  const response = await driveSender(client, state)._send({ method: 'GET', path }, options);
  const page = parse(client, schemas().versions, response, `file versions (GET ${path})`);
  return page?._embedded?.versions ?? [];
}

/** `GET /api/v4/files/{uuid}/links` on the account host: see `Files.links`. */
export function links(
  client: Kommo,
  uuid: unknown,
  options?: RequestOptions,
): Promise<s.FileLinks> {
  const id = uuidOf(uuid);
  return getOne(client, {
    path: `/api/v4/files/${id}/links`,
    schema: FileLinksSchema,
    what: `links of file ${id}`,
    options,
  });
}

/** The resumable upload: see `Files.upload`. */
export async function upload(
  client: Kommo,
  state: DriveState,
  source: UploadSource,
  params: unknown,
  options: DriveUploadOptions,
): Promise<s.DriveFile> {
  const p = parseInput(FileUploadParamsSchema, params ?? {}, 'file upload params');
  // Checked before anything is sent, the drive host look-up included.
  const plan = planUpload(source, p, options);
  const requestOptions: DriveUploadOptions = { ...options };
  delete requestOptions.onProgress;
  delete requestOptions.resume;
  const drive = await driveUrl(client, state, requestOptions);
  return uploadToDrive<s.DriveFile>(
    {
      drive,
      send: (request, sendOptions) => client._send(request, sendOptions),
      session: (response) =>
        parse(client, UploadSessionSchema, response, 'upload session (POST /v1.0/sessions)'),
      part: (response) => parse(client, UploadPartAnswerSchema, response, 'upload part'),
      file: (response) => parse(client, DriveFileSchema, response, 'uploaded file'),
    },
    source,
    plan,
    p,
    options,
  );
}

function entityPath(entityType: unknown, entityId: unknown): string {
  const type = parseInput(FileEntityTypeSchema, entityType, 'entity type');
  return `/api/v4/${type}/${String(assertId(entityId))}`;
}

/** The pages of an entity's files: page `n` starts below the last id of page `n - 1`. */
export function attachmentSource(
  client: Kommo,
  entityType: unknown,
  entityId: unknown,
  params: unknown,
  options: ListOptions | undefined,
): PageSource<s.EntityFile> {
  const path = `${entityPath(entityType, entityId)}/files`;
  const p = parseInput(EntityFileListParamsSchema, params ?? {}, 'entity file list params');
  const limit = p.limit ?? 50;
  // Each page's cursor waits for the page before it; `null` ends the walk.
  const cursors = new Map<number, Promise<number | null>>([[1, Promise.resolve(p.before_id ?? 0)]]);
  return {
    startPage: 1,
    fetch: (page, signal) => {
      const data = (async (): Promise<PageData<s.EntityFile>> => {
        const before = await cursors.get(page);
        if (before === null || before === undefined)
          return { items: [], page, hasNext: false, totalItems: undefined };
        const query = { limit, ...(before > 0 ? { before_id: before } : {}) };
        const response = await client._send(
          { method: 'GET', path, query },
          { ...options, ...(signal ? { signal } : {}) },
        );
        // 204: no (more) files.
        const body =
          response.body === undefined
            ? {}
            : (parse(client, schemas().entityPage, response, `files (GET ${path})`) ?? {});
        const items = body._embedded?.files ?? [];
        return { items, page, hasNext: items.length === limit, totalItems: undefined };
      })();
      cursors.set(
        page + 1,
        data.then(
          (d) => (d.hasNext ? Math.min(...d.items.map((i) => i.id)) : null),
          () => null,
        ),
      );
      return data;
    },
  };
}

/** `PUT` (attach) or `DELETE` (detach) `[{ file_uuid }]` on an entity's files. */
export async function attachments(
  client: Kommo,
  method: 'PUT' | 'DELETE',
  entityType: unknown,
  entityId: unknown,
  fileUuids: unknown,
  options?: RequestOptions,
): Promise<void> {
  const path = `${entityPath(entityType, entityId)}/files`;
  const body = uuidsOf(fileUuids).map((file_uuid) => ({ file_uuid }));
  await client._send({ method, path, body }, options);
}
