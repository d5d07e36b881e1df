/**
 * The resumable upload loop of `kommo.files.upload`: open a session (or check a resume point),
 * then send the parts one after the other to the URLs Drive hands out, each checked to be on the
 * drive host first. Loaded on the first upload (`import()`), with the part reader, so the main
 * entry does not carry either. It knows no schema: the resource passes the parsers in.
 *
 * @module
 */

import { z } from 'zod';
import { onDriveHost } from './drive-host.js';
import { RequestValidationError, ResponseValidationError } from './errors.js';
import type { CoreRequest, RawResponse } from './http.js';
import type { RequestOptions } from './options.js';
import { lazy } from './schema.js';
import {
  UploadInterruptedError,
  type UploadProgress,
  type UploadResumePoint,
  type UploadSource,
} from './upload.js';
import { describeSource, readParts } from './upload-parts.js';

/** An upload session as Drive opens it (`POST /v1.0/sessions`). */
export interface UploadSessionAnswer {
  session_id: number;
  upload_url: string;
  max_file_size: number;
  max_part_size: number;
}

/** What the loop needs from the resource: where Drive is, how to send, how to read answers. */
export interface DriveUploadIo<F> {
  /** The drive host's base URL, already checked. */
  drive: string;
  /** Sends with the client's auth, pacing, retries and errors. */
  send(request: CoreRequest, options: RequestOptions): Promise<RawResponse>;
  /** The answer to `POST /v1.0/sessions`. */
  session(response: RawResponse): UploadSessionAnswer;
  /** The answer to a part: `next_url` until the last, then the file (with `uuid`). */
  part(response: RawResponse): { uuid?: unknown; next_url?: unknown } | undefined;
  /** The answer to the last part, as the file. */
  file(response: RawResponse): F;
}

/** The session's fields a user sets (already checked by the resource's input schema). */
export interface DriveUploadParams {
  file_name?: string | undefined;
  file_size?: number | undefined;
  content_type?: string | undefined;
  [key: string]: unknown;
}

/** The upload's own options next to the request options. */
export interface DriveUploadOptions extends RequestOptions {
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  resume?: UploadResumePoint | undefined;
}

const ResumeSchema = lazy(() =>
  z.strictObject({
    sessionId: z.number().int().nonnegative(),
    nextUrl: z.string().min(1).max(8192),
    uploadedBytes: z.number().int().nonnegative(),
    partSize: z.number().int().positive(),
    fileSize: z.number().int().positive(),
  }),
);

/** The options the requests take: the upload's own ones left out. */
function requestOptionsOf(options: DriveUploadOptions): RequestOptions {
  const rest = { ...options };
  delete rest.onProgress;
  delete rest.resume;
  return rest;
}

function invalid(path: string, message: string): RequestValidationError {
  return new RequestValidationError(`Invalid file upload: ${message}`, [{ path: [path], message }]);
}

/** What an upload will send, known before any request: checked at once. */
export interface UploadPlan {
  size: number;
  name: string;
  contentType: string;
  resume: UploadResumePoint | undefined;
}

/**
 * Checks an upload before anything is sent (the drive host look-up included): the source
 * against `file_size`, a name, a resume point that fits.
 *
 * @throws {@link RequestValidationError} naming what is wrong.
 */
export function planUpload(
  source: UploadSource,
  params: DriveUploadParams,
  options: DriveUploadOptions,
): UploadPlan {
  const told = describeSource(source);
  const size = params.file_size ?? told.size;
  const name = params.file_name ?? told.name;
  if (size === undefined) throw invalid('file_size', 'give file_size for a stream');
  if (told.size !== undefined && told.size !== size)
    throw invalid('file_size', `the source has ${String(told.size)} bytes`);
  if (name === undefined) throw invalid('file_name', 'give file_name (or upload a File)');
  const contentType = params.content_type ?? told.type ?? 'application/octet-stream';
  if (options.resume === undefined) return { size, name, contentType, resume: undefined };
  const parsed = ResumeSchema().safeParse(options.resume);
  if (!parsed.success) throw invalid('resume', 'not a resume point of an interrupted upload');
  const resume = parsed.data;
  if (resume.fileSize !== size || resume.uploadedBytes >= size)
    throw invalid('resume', 'the resume point is for another file size');
  return { size, name, contentType, resume };
}

/** Opens a session, or checks that the resume point's URL is on the drive host. */
async function start<F>(
  io: DriveUploadIo<F>,
  plan: UploadPlan,
  params: DriveUploadParams,
  requestOptions: RequestOptions,
): Promise<UploadResumePoint> {
  if (plan.resume !== undefined) {
    onDriveHost(plan.resume.nextUrl, io.drive);
    return plan.resume;
  }
  const { size } = plan;
  const body = { ...params, file_name: plan.name, file_size: size, content_type: plan.contentType };
  const response = await io.send(
    { method: 'POST', path: '/v1.0/sessions', body, baseUrl: io.drive },
    requestOptions,
  );
  const session = io.session(response);
  if (size > session.max_file_size)
    throw invalid('file_size', `Drive takes at most ${String(session.max_file_size)} bytes`);
  // Checked before the first part: an upload_url off the drive host is never followed.
  onDriveHost(session.upload_url, io.drive);
  return {
    sessionId: session.session_id,
    nextUrl: session.upload_url,
    uploadedBytes: 0,
    partSize: session.max_part_size,
    fileSize: size,
  };
}

/**
 * Uploads `source` in parts (see `Files.upload`): one part in memory, each sent once Drive
 * acknowledged the one before, progress after each.
 *
 * @throws {@link RequestValidationError} before anything is sent, for a source and params that
 *   do not agree, or a resume point that does not fit.
 * @throws {@link UploadInterruptedError} once the session is open, with where to resume.
 * @throws {@link ResponseValidationError} for an upload URL off the drive host.
 */
export async function uploadToDrive<F>(
  io: DriveUploadIo<F>,
  source: UploadSource,
  plan: UploadPlan,
  params: DriveUploadParams,
  options: DriveUploadOptions,
): Promise<F> {
  const { onProgress } = options;
  const requestOptions = requestOptionsOf(options);
  let point = await start(io, plan, params, requestOptions);
  const size = point.fileSize;
  const parts = readParts(source, {
    partSize: point.partSize,
    skip: point.uploadedBytes,
    total: size,
  });
  const headers = { ...requestOptions.headers, 'content-type': plan.contentType };
  try {
    for (;;) {
      const target = onDriveHost(point.nextUrl, io.drive);
      let part: IteratorResult<Uint8Array<ArrayBuffer>>;
      let response: RawResponse;
      try {
        part = await parts.next();
        if (part.done) throw new ResponseValidationError('Drive did not answer with the file');
        response = await io.send(
          { method: 'POST', ...target, rawBody: part.value, baseUrl: io.drive },
          { ...requestOptions, headers },
        );
      } catch (error) {
        throw new UploadInterruptedError(point, error);
      }
      const answer = io.part(response) ?? {};
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
      if (typeof answer.uuid === 'string' && answer.uuid !== '') {
        if (point.uploadedBytes < size)
          throw new ResponseValidationError('Drive answered with the file before its last part');
        return io.file(response);
      }
      if (typeof answer.next_url !== 'string' || answer.next_url === '')
        throw new UploadInterruptedError(point, new ResponseValidationError('No next_url'));
      // Checked now, so a URL off the drive host stops the upload before the next part is read.
      onDriveHost(answer.next_url, io.drive);
      point = { ...point, nextUrl: answer.next_url };
    }
  } finally {
    await parts.return(undefined);
  }
}
