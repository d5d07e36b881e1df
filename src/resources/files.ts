/**
 * `kommo.files`: the account's Drive (the Files API on its drive host) — resumable uploads, new
 * versions, list, read, rename, delete, restore, versions — and the files attached to leads,
 * contacts, companies and customers.
 *
 * The drive host comes from the account (`GET /api/v4/account?with=drive_url`) and must be a
 * Kommo Drive host (or, with a `baseUrl`, that origin: the sandbox); the upload URLs Drive hands
 * out are followed only on it. Requests to it share the client's auth, pacing, retries and
 * errors. This class is all the main entry carries: the work is in `src/drive/engine.ts`,
 * loaded on the first call.
 *
 * @see https://developers.kommo.com/reference/files-api-key-features
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import { PagePromise, type ListOptions, type PageSource } from '../core/pagination.js';
import type { UploadProgress, UploadResumePoint, UploadSource } from '../core/upload.js';
import type * as s from '../schemas/file.js';
import type { DriveState } from '../drive/engine.js';
import { APIResource } from './resource.js';

type Engine = typeof import('../drive/engine.js');
let loading: Promise<Engine> | undefined;
/** The Drive implementation, loaded once, on the first call of any client. */
function engine(): Promise<Engine> {
  return (loading ??= import('../drive/engine.js'));
}

/** A page source whose pages come from the engine, its params checked on first use. */
function pagesOf<T>(
  startPage: unknown,
  load: (engine: Engine) => PageSource<T>,
  options: ListOptions | undefined,
): PagePromise<T> {
  return new PagePromise<T>(() => {
    let source: Promise<PageSource<T>> | undefined;
    return {
      startPage: typeof startPage === 'number' ? startPage : 1,
      fetch: async (page, signal) => (await (source ??= engine().then(load))).fetch(page, signal),
    };
  }, options);
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
  readonly #state: DriveState = {};
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
    return (await engine()).driveUrl(this._client, this.#state, options);
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
    return pagesOf(
      params?.page,
      (e) => e.fileListSource(this._client, this.#state, params, options),
      options,
    );
  }

  /**
   * Reads one file.
   *
   * @throws {@link NotFoundError} when Drive knows no such file.
   */
  async get(uuid: string, options?: RequestOptions): Promise<s.DriveFile> {
    return (await engine()).get(this._client, this.#state, uuid, options);
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
    return (await engine()).update(this._client, this.#state, uuid, params, options);
  }

  /**
   * Moves files to the trash (restorable for 30 days with {@link Files.restore}; their space is
   * freed at once). Needs the "Deleting files" scope.
   */
  async delete(uuids: string | readonly string[], options?: RequestOptions): Promise<void> {
    await (await engine()).remove(this._client, this.#state, uuids, options);
  }

  /** Takes files back out of the trash; returns them. */
  async restore(
    uuids: string | readonly string[],
    options?: RequestOptions,
  ): Promise<s.DriveFile[]> {
    return (await engine()).restore(this._client, this.#state, uuids, options);
  }

  /** Every version of a file, the active one marked `is_main`. */
  async versions(uuid: string, options?: RequestOptions): Promise<s.DriveFileVersion[]> {
    return (await engine()).versions(this._client, this.#state, uuid, options);
  }

  /** The entities a file is attached to (`GET /api/v4/files/{uuid}/links`, account host). */
  async links(uuid: string, options?: RequestOptions): Promise<s.FileLinks> {
    return (await engine()).links(this._client, uuid, options);
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
    return (await engine()).upload(this._client, this.#state, source, params, options);
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
    return pagesOf(
      1,
      (e) => e.attachmentSource(this._client, entityType, entityId, params, options),
      options,
    );
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
    await (
      await engine()
    ).attachments(this._client, 'PUT', entityType, entityId, fileUuids, options);
  }

  /** Detaches files from an entity (the files stay in Drive). */
  async detach(
    entityType: s.FileEntityType,
    entityId: number,
    fileUuids: string | readonly string[],
    options?: RequestOptions,
  ): Promise<void> {
    await (
      await engine()
    ).attachments(this._client, 'DELETE', entityType, entityId, fileUuids, options);
  }
}
