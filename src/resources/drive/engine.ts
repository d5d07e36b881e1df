/**
 * What `kommo.files` does, loaded on its first call (the main entry carries only the thin
 * `Files` class): the drive host look-up, the Drive and entity-file requests and the resumable
 * upload loop.
 *
 * @module
 */

import { z } from 'zod';
import type { Kommo } from '../../client.js';
import { onDriveHost, validateDriveUrl } from '../../core/drive-host.js';
import { RequestValidationError, ResponseValidationError } from '../../core/errors.js';
import type { CoreRequest, RawResponse } from '../../core/http.js';
import type { RequestOptions } from '../../core/options.js';
import {
  getOne,
  listPages,
  type ListOptions,
  type PageData,
  type PageSource,
  type Sender,
} from '../../core/pagination.js';
import { assertId } from '../../core/path.js';
import type { QueryInput } from '../../core/query.js';
import { lazy, parseResponse } from '../../core/schema.js';
import {
  UploadInterruptedError,
  type UploadResumePoint,
  type UploadSource,
} from '../../core/upload.js';
import { describeSource, readParts } from '../../core/upload-parts.js';
import { parseInput } from '../../schemas/common.js';
import type * as s from '../../schemas/file.js';
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
} from '../../schemas/file.js';
import type { FileUploadOptions } from '../files.js';

/** What one client's `kommo.files` keeps between calls: the drive URL look-up. */
export interface DriveState {
  drive?: Promise<string> | undefined;
}

const schemas = lazy(() => ({
  page: driveCollectionSchema('files', DriveFileSchema),
  versions: driveCollectionSchema('versions', DriveFileVersionSchema),
  uuids: z.array(FileUuidSchema).min(1),
  entityPage: z.looseObject({
    _embedded: z.looseObject({ files: z.array(EntityFileSchema).nullish() }).nullish(),
  }),
  resume: z.strictObject({
    sessionId: z.number().int().nonnegative(),
    nextUrl: z.string().min(1),
    uploadedBytes: z.number().int().nonnegative(),
    partSize: z.number().int().positive(),
    fileSize: z.number().int().positive(),
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

export async function remove(
  client: Kommo,
  state: DriveState,
  uuids: unknown,
  options?: RequestOptions,
): Promise<void> {
  const body = uuidsOf(uuids).map((uuid) => ({ uuid }));
  await driveSender(client, state)._send({ method: 'DELETE', path: '/v1.0/files', body }, options);
}

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
  return (page?._embedded?.files ?? []) as s.DriveFile[];
}

export async function versions(
  client: Kommo,
  state: DriveState,
  uuid: unknown,
  options?: RequestOptions,
): Promise<s.DriveFileVersion[]> {
  const path = `/v1.0/files/${uuidOf(uuid)}/versions`;
  const response = await driveSender(client, state)._send({ method: 'GET', path }, options);
  const page = parse(client, schemas().versions, response, `file versions (GET ${path})`);
  return (page?._embedded?.versions ?? []) as s.DriveFileVersion[];
}

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

function invalid(path: string, message: string): RequestValidationError {
  return new RequestValidationError(`Invalid file upload: ${message}`, [{ path: [path], message }]);
}

/** Opens a session, or checks the resume point of an interrupted upload. */
async function startUpload(
  client: Kommo,
  state: DriveState,
  init: { source: UploadSource; params: unknown; options: FileUploadOptions; drive: string },
): Promise<{ point: UploadResumePoint; contentType: string }> {
  const p = parseInput(FileUploadParamsSchema, init.params ?? {}, 'file upload params');
  const told = describeSource(init.source);
  const size = p.file_size ?? told.size;
  const name = p.file_name ?? told.name;
  if (size === undefined) throw invalid('file_size', 'give file_size for a stream');
  if (told.size !== undefined && told.size !== size)
    throw invalid('file_size', `the source has ${String(told.size)} bytes`);
  if (name === undefined) throw invalid('file_name', 'give file_name (or upload a File)');
  const contentType = p.content_type ?? told.type ?? 'application/octet-stream';
  const { resume, onProgress: _, ...options } = init.options;
  if (resume !== undefined) {
    const point = parseInput(schemas().resume, resume, 'upload resume point');
    if (point.fileSize !== size || point.uploadedBytes >= size)
      throw invalid('resume', 'the resume point is for another file size');
    onDriveHost(point.nextUrl, init.drive);
    return { point, contentType };
  }
  const body = { ...p, file_name: name, file_size: size, content_type: contentType };
  const path = '/v1.0/sessions';
  const response = await driveSender(client, state)._send({ method: 'POST', path, body }, options);
  const session = parse(client, UploadSessionSchema, response, `upload session (POST ${path})`);
  if (size > session.max_file_size)
    throw invalid('file_size', `Drive takes at most ${String(session.max_file_size)} bytes`);
  const point = {
    sessionId: session.session_id,
    nextUrl: session.upload_url,
    uploadedBytes: 0,
    partSize: session.max_part_size,
    fileSize: size,
  };
  return { point, contentType };
}

/** The resumable upload: see `Files.upload`. */
export async function upload(
  client: Kommo,
  state: DriveState,
  source: UploadSource,
  params: unknown,
  options: FileUploadOptions,
): Promise<s.DriveFile> {
  const { onProgress, resume: _, ...requestOptions } = options;
  const drive = await driveUrl(client, state, requestOptions);
  let { point, contentType } = await startUpload(client, state, { source, params, options, drive });
  const size = point.fileSize;
  const parts = readParts(source, {
    partSize: point.partSize,
    skip: point.uploadedBytes,
    total: size,
  });
  const headers = { ...requestOptions.headers, 'content-type': contentType };
  try {
    for (;;) {
      const target = onDriveHost(point.nextUrl, drive);
      let part: IteratorResult<Uint8Array<ArrayBuffer>>;
      let response: RawResponse;
      try {
        part = await parts.next();
        if (part.done) throw new ResponseValidationError('Drive did not answer with the file');
        response = await client._send(
          { method: 'POST', ...target, rawBody: part.value, baseUrl: drive },
          { ...requestOptions, headers },
        );
      } catch (error) {
        throw new UploadInterruptedError(point, error);
      }
      const answer: { uuid?: unknown; next_url?: unknown } =
        parse(client, UploadPartAnswerSchema, response, 'upload part') ?? {};
      point = { ...point, uploadedBytes: point.uploadedBytes + part.value.byteLength };
      try {
        onProgress?.({
          uploadedBytes: point.uploadedBytes,
          totalBytes: size,
          part: Math.ceil(point.uploadedBytes / point.partSize),
          parts: Math.ceil(size / point.partSize),
          sessionId: point.sessionId,
        });
      } catch {
        // A progress callback must not break the upload.
      }
      if (answer.uuid) {
        if (point.uploadedBytes < size)
          throw new ResponseValidationError('Drive answered with the file before its last part');
        return parse(client, DriveFileSchema, response, 'uploaded file');
      }
      if (typeof answer.next_url !== 'string' || answer.next_url === '')
        throw new UploadInterruptedError(point, new ResponseValidationError('No next_url'));
      // Checked now, so a URL off the Drive host stops the upload before the next part.
      onDriveHost(answer.next_url, drive);
      point = { ...point, nextUrl: answer.next_url };
    }
  } finally {
    await parts.return(undefined);
  }
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
        const items = (body._embedded?.files ?? []) as s.EntityFile[];
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
  target: { entityType: unknown; entityId: unknown; fileUuids: unknown },
  options?: RequestOptions,
): Promise<void> {
  const path = `${entityPath(target.entityType, target.entityId)}/files`;
  const body = uuidsOf(target.fileUuids).map((file_uuid) => ({ file_uuid }));
  await client._send({ method, path, body }, options);
}
