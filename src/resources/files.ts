/**
 * `kommo.files`: the account's Drive (the Files API on its drive host) — resumable uploads, new
 * versions, list, read, rename, delete, restore, versions — and the files attached to leads,
 * contacts, companies and customers.
 *
 * The drive host comes from the account (`GET /api/v4/account?with=drive_url`) and must be a
 * Kommo Drive host (or, with a `baseUrl`, that origin: the sandbox); the upload URLs Drive hands
 * out are followed only on it. Requests to it share the client's auth, pacing, retries and
 * errors. The upload loop and its part reader (`core/drive-upload.ts`) load on the first upload.
 *
 * @see https://developers.kommo.com/reference/files-api-key-features
 * @module
 */

import { z } from 'zod';
import { validateDriveUrl } from '../core/drive-host.js';
import type { CoreRequest, RawResponse } from '../core/http.js';
import type { RequestOptions } from '../core/options.js';
import {
  getOne,
  listPages,
  PagePromise,
  type ListOptions,
  type PageData,
  type Sender,
} from '../core/pagination.js';
import { assertId } from '../core/path.js';
import type { QueryInput } from '../core/query.js';
import { lazy, parseResponse } from '../core/schema.js';
import type { UploadProgress, UploadResumePoint, UploadSource } from '../core/upload.js';
import { parseInput } from '../schemas/common.js';
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
import { APIResource } from './resource.js';

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

function entityPath(entityType: unknown, entityId: unknown): string {
  const type = parseInput(FileEntityTypeSchema, entityType, 'entity type');
  return `/api/v4/${type}/${String(assertId(entityId))}`;
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

/**
 * The value of a `file` custom field for a Drive file: `{ file_uuid, version_uuid, file_name,
 * file_size }`, to pass to `cf.file(fieldId, …)`.
 *
 * @example
 * ```ts
 * const file = await kommo.files.upload(bytes, { file_name: 'contract.pdf' });
 * await kommo.leads.update(leadId, {
 *   custom_fields_values: [cf.file(contractFieldId, fileFieldValue(file))],
 * });
 * ```
 */
export function fileFieldValue(file: s.DriveFile): {
  file_uuid: string;
  version_uuid?: string;
  file_name?: string;
  file_size?: number;
} {
  return {
    file_uuid: file.uuid,
    ...(file.version_uuid ? { version_uuid: file.version_uuid } : {}),
    ...(file.name ? { file_name: file.name } : {}),
    ...(typeof file.size === 'number' ? { file_size: file.size } : {}),
  };
}

/** Options of {@link Files.upload}. */
export interface FileUploadOptions extends RequestOptions {
  /**
   * Called after each part Drive acknowledged. Errors it throws are ignored.
   *
   * @example
   * ```ts
   * onProgress: ({ uploadedBytes, totalBytes }) => console.log(`${uploadedBytes}/${totalBytes}`)
   * ```
   */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /**
   * Go on with an interrupted upload (`UploadInterruptedError.resume`) instead of opening a new
   * session. Pass the same content from its start: the acknowledged bytes are skipped.
   */
  resume?: UploadResumePoint | undefined;
}

/**
 * The account's Drive: `kommo.files`. The integration needs the "Access to files" scope, and
 * "Deleting files" for {@link Files.delete}. Uploaded files use the account's paid disk space.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import { stat } from 'node:fs/promises';
 *
 * const { size } = await stat('contract.pdf');
 * const file = await kommo.files.upload(createReadStream('contract.pdf'), {
 *   file_name: 'contract.pdf',
 *   file_size: size,
 *   content_type: 'application/pdf',
 * });
 * await kommo.files.attachments.attach('leads', leadId, file.uuid);
 * ```
 * @see https://developers.kommo.com/reference/files-api-key-features
 */
export class Files extends APIResource {
  #drive?: Promise<string> | undefined;
  /** Files attached to leads, contacts, companies and customers. */
  readonly attachments = new FileAttachments(this._client);

  /**
   * The account's Drive URL (e.g. `https://drive-c.kommo.com`), read once from the account
   * and checked before any token goes there: an `https` Kommo Drive host
   * (`drive-<x>.kommo.com`, `.amocrm.ru`, `.amocrm.com`), or a URL on the client's own
   * origin (the sandbox, a proxy given as `baseUrl`).
   *
   * @throws {@link ResponseValidationError} when the account names no Drive, or another host.
   */
  async driveUrl(options?: RequestOptions): Promise<string> {
    if (!this.#drive) {
      // Without the caller's signal: the look-up is shared by every call that waits for it.
      const rest: RequestOptions = { ...options };
      delete rest.signal;
      const client = this._client;
      const lookup = client
        ._send({ method: 'GET', path: '/api/v4/account', query: { with: 'drive_url' } }, rest)
        .then((response) =>
          validateDriveUrl(
            (response.body as { drive_url?: unknown } | undefined)?.drive_url,
            client.baseUrl,
          ),
        );
      // A failed look-up is not kept: the next call asks again.
      lookup.catch(() => (this.#drive = undefined));
      this.#drive = lookup;
    }
    return this.#drive;
  }

  /**
   * Lists the Drive's files (25 a page): `await` gives the first page, `for await` every file.
   * Newly uploaded files may show up with a delay.
   *
   * @example
   * ```ts
   * for await (const file of kommo.files.list({ filter: { extensions: ['pdf'], term: 'contract' } }))
   *   console.log(file.uuid, file.name, file.size);
   * ```
   * @throws {@link RequestValidationError} (on first use) for invalid params.
   */
  list(params?: s.FileListParams, options?: ListOptions): PagePromise<s.DriveFile> {
    return listPages(
      this.#sender(),
      () => {
        const p = parseInput(FileListParamsSchema, params ?? {}, 'file list params');
        return {
          path: '/v1.0/files',
          query: listQuery(p.filter),
          key: 'files',
          schema: schemas().page,
          what: 'files',
          page: p.page,
          limit: p.limit ?? DRIVE_PAGE_LIMIT,
        };
      },
      options,
    );
  }

  /**
   * Reads one file.
   *
   * @throws {@link NotFoundError} when Drive knows no such file.
   */
  async get(uuid: string, options?: RequestOptions): Promise<s.DriveFile> {
    const id = uuidOf(uuid);
    return getOne(this.#sender(), {
      path: `/v1.0/files/${id}`,
      schema: DriveFileSchema,
      what: `file ${id}`,
      options,
    });
  }

  /**
   * Renames a file (`{ name }`) or makes one of its versions the active one
   * (`{ version_uuid }`): one or the other, not both.
   *
   * @throws {@link RequestValidationError} before sending, for both or neither.
   */
  async update(
    uuid: string,
    params: s.FileUpdateParams,
    options?: RequestOptions,
  ): Promise<s.DriveFile> {
    const path = `/v1.0/files/${uuidOf(uuid)}`;
    const body = parseInput(FileUpdateParamsSchema, params, 'file update');
    const response = await this.#sender()._send({ method: 'PATCH', path, body }, options);
    return this.#parse(DriveFileSchema, response, `file (PATCH ${path})`);
  }

  /**
   * Moves files to the trash (restorable for 30 days with {@link Files.restore}; their space is
   * freed at once). Needs the "Deleting files" scope.
   */
  async delete(uuids: string | readonly string[], options?: RequestOptions): Promise<void> {
    const body = uuidsOf(uuids).map((uuid) => ({ uuid }));
    await this.#sender()._send({ method: 'DELETE', path: '/v1.0/files', body }, options);
  }

  /** Takes files back out of the trash; returns them. */
  async restore(
    uuids: string | readonly string[],
    options?: RequestOptions,
  ): Promise<s.DriveFile[]> {
    const body = uuidsOf(uuids).map((uuid) => ({ uuid }));
    const path = '/v1.0/files/restore';
    const response = await this.#sender()._send({ method: 'POST', path, body }, options);
    const page = this.#parse(schemas().page, response, `restored files (POST ${path})`);
    return page?._embedded?.files ?? [];
  }

  /** Every version of a file, the active one marked `is_main`. */
  async versions(uuid: string, options?: RequestOptions): Promise<s.DriveFileVersion[]> {
    const path = `/v1.0/files/${uuidOf(uuid)}/versions`;
    const response = await this.#sender()._send({ method: 'GET', path }, options);
    const page = this.#parse(schemas().versions, response, `file versions (GET ${path})`);
    return page?._embedded?.versions ?? [];
  }

  /** The entities a file is attached to (`GET /api/v4/files/{uuid}/links`, account host). */
  async links(uuid: string, options?: RequestOptions): Promise<s.FileLinks> {
    const id = uuidOf(uuid);
    return getOne(this._client, {
      path: `/api/v4/files/${id}/links`,
      schema: FileLinksSchema,
      what: `links of file ${id}`,
      options,
    });
  }

  /**
   * Uploads a file — or, with `file_uuid`, a new version of one — in parts of the size Drive
   * sets (`max_part_size`), one after the other, holding one part in memory: bytes, a string,
   * a `Blob`/`File`, a Web `ReadableStream` or a Node stream (give `file_size` for a stream).
   *
   * Parts ride the client's pacing and errors, and are replayed only when that is safe: after
   * a 429 (Kommo stored nothing) or a 401 refresh. Any other failure once the session is open —
   * a reset, a timeout, a 5xx, an abort, a failing source — throws
   * {@link UploadInterruptedError}, whose `resume` says where to go on: call `upload` again with
   * the same content and `{ resume }`. The part that failed is sent again to the URL it was
   * sent to (Drive's `next_url` names the part, so a part that did arrive is replaced, not
   * doubled).
   *
   * @returns The file, as Drive answers the last part.
   * @throws {@link RequestValidationError} before anything is sent: no `file_size` for a stream,
   *   one that differs from the bytes or `Blob`, no `file_name`, a `resume` for another size.
   * @throws {@link UploadInterruptedError} after the session was opened, with where to resume.
   * @throws {@link ResponseValidationError} when the account's Drive, or an upload URL Drive
   *   hands out, is off Kommo's Drive host (nothing is sent there).
   * @example
   * ```ts
   * let resume: UploadResumePoint | undefined;
   * for (;;) {
   *   try {
   *     return await kommo.files.upload(createReadStream(path), params, { resume });
   *   } catch (error) {
   *     if (!(error instanceof UploadInterruptedError)) throw error;
   *     resume = error.resume; // reopen the stream and go on where Drive stopped
   *   }
   * }
   * ```
   */
  async upload(
    source: UploadSource,
    params: s.FileUploadParams = {},
    options: FileUploadOptions = {},
  ): Promise<s.DriveFile> {
    const p = parseInput(FileUploadParamsSchema, params, 'file upload params');
    const requestOptions: FileUploadOptions = { ...options };
    delete requestOptions.onProgress;
    delete requestOptions.resume;
    // The loop and the part reader load with the first upload, not with the main entry.
    const { planUpload, uploadToDrive } = await import('../core/drive-upload.js');
    // Checked before anything is sent, the drive host look-up included.
    const plan = planUpload(source, p, options);
    const drive = await this.driveUrl(requestOptions);
    const client = this._client;
    return uploadToDrive<s.DriveFile>(
      {
        drive,
        send: (request, sendOptions) => client._send(request, sendOptions),
        session: (response) =>
          this.#parse(UploadSessionSchema, response, 'upload session (POST /v1.0/sessions)'),
        part: (response) => this.#parse(UploadPartAnswerSchema, response, 'upload part'),
        file: (response) => this.#parse(DriveFileSchema, response, 'uploaded file'),
      },
      source,
      plan,
      p,
      options,
    );
  }

  /** Sends to the drive host: the account's client with another base URL. */
  #sender(): Sender {
    const client = this._client;
    const driveUrl = (options?: RequestOptions): Promise<string> => this.driveUrl(options);
    return {
      get baseUrl() {
        return client.baseUrl;
      },
      _validateResponses: client._validateResponses,
      async _send(request: CoreRequest, options?: RequestOptions): Promise<RawResponse> {
        const baseUrl = await driveUrl(options);
        return client._send({ ...request, baseUrl }, options);
      },
    };
  }

  #parse<S extends z.ZodType>(schema: S, response: RawResponse, what: string): z.infer<S> {
    return parseResponse(schema, response.body, {
      what,
      validate: this._client._validateResponses,
      requestId: response.requestId,
    });
  }
}

/**
 * Files attached to an entity — a lead's, contact's, company's or customer's Files tab:
 * `kommo.files.attachments`. (Files in a `file` custom field are not listed here: set those
 * with `cf.file(fieldId, fileFieldValue(file))`.)
 */
export class FileAttachments extends APIResource {
  /**
   * Lists an entity's files, newest first: `await` gives the first page, `for await` every one
   * (pages follow by `before_id`).
   *
   * @throws {@link NotFoundError} when the entity does not exist.
   */
  list(
    entityType: s.FileEntityType,
    entityId: number,
    params?: s.EntityFileListParams,
    options?: ListOptions,
  ): PagePromise<s.EntityFile> {
    const client = this._client;
    return new PagePromise<s.EntityFile>(() => {
      const path = `${entityPath(entityType, entityId)}/files`;
      const p = parseInput(EntityFileListParamsSchema, params ?? {}, 'entity file list params');
      const limit = p.limit ?? 50;
      const requestOptions: ListOptions = { ...options };
      delete requestOptions.readAhead;
      // Each page's cursor waits for the page before it; `null` ends the walk.
      const cursors = new Map<number, Promise<number | null>>([
        [1, Promise.resolve(p.before_id ?? 0)],
      ]);
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
              { ...requestOptions, ...(signal ? { signal } : {}) },
            );
            // 204: no (more) files.
            const body =
              response.body === undefined
                ? {}
                : (parseResponse(schemas().entityPage, response.body, {
                    what: `files (GET ${path})`,
                    validate: client._validateResponses,
                    requestId: response.requestId,
                  }) ?? {});
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
    }, options);
  }

  /**
   * Attaches Drive files to an entity (its Files tab). Kommo answers 202: the link is made
   * shortly after.
   */
  async attach(
    entityType: s.FileEntityType,
    entityId: number,
    fileUuids: string | readonly string[],
    options?: RequestOptions,
  ): Promise<void> {
    await this.#write('PUT', entityType, entityId, fileUuids, options);
  }

  /** Detaches files from an entity (the files stay in Drive). */
  async detach(
    entityType: s.FileEntityType,
    entityId: number,
    fileUuids: string | readonly string[],
    options?: RequestOptions,
  ): Promise<void> {
    await this.#write('DELETE', entityType, entityId, fileUuids, options);
  }

  /** `PUT` (attach) or `DELETE` (detach) `[{ file_uuid }]` on an entity's files. */
  async #write(
    method: 'PUT' | 'DELETE',
    entityType: unknown,
    entityId: unknown,
    fileUuids: unknown,
    options: RequestOptions | undefined,
  ): Promise<void> {
    const path = `${entityPath(entityType, entityId)}/files`;
    const body = uuidsOf(fileUuids).map((file_uuid) => ({ file_uuid }));
    await this._client._send({ method, path, body }, options);
  }
}
