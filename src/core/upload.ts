/**
 * What a resumable upload reads, reports and stops with: its sources, its progress, and the
 * error that says where to resume. (Reading a source as parts is `upload-parts.ts`, loaded
 * with the upload.)
 *
 * @module
 */

import { KommoError, type WriteOutcome } from './errors.js';

/**
 * What `kommo.files.upload` reads: bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`), a string
 * (UTF-8), a `Blob` or `File` (read part by part, never whole), a Web `ReadableStream`, or a
 * Node stream / any async iterable of bytes (read as it comes, with backpressure). A stream
 * needs `file_size`.
 */
export type UploadSource =
  | Uint8Array
  | ArrayBuffer
  | string
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>;

/**
 * Where an interrupted upload goes on: the session, the URL the next part goes to (Drive's
 * last `next_url`, or the session's `upload_url`), and the bytes Drive acknowledged. Plain JSON:
 * keep it (a file, a database) to resume after a restart.
 */
export interface UploadResumePoint {
  sessionId: number;
  /** Where the next part goes. It carries the session's token: keep it as private as a token. */
  nextUrl: string;
  /** Bytes Drive acknowledged; the next part starts here. */
  uploadedBytes: number;
  /** The session's `max_part_size`. */
  partSize: number;
  /** The size of the whole file. */
  fileSize: number;
}

/** What `onProgress` receives after each part Drive acknowledged. */
export interface UploadProgress {
  uploadedBytes: number;
  totalBytes: number;
  /** The part just acknowledged, 1-based. */
  part: number;
  /** How many parts the file takes. */
  parts: number;
  sessionId: number;
}

/**
 * An upload stopped after its session was opened: a part failed (a connection reset, a
 * timeout, a 5xx, an abort), the source failed, or it was shorter or longer than `file_size`.
 * `resume` says where to go on: call `files.upload` again with the same content and
 * `{ resume: error.resume }`; the bytes before `resume.uploadedBytes` are skipped, not sent.
 * `cause` is the error that stopped it, and `writeOutcome` whether its part may have been
 * stored (`unknown`); resuming sends that part again to the same URL.
 */
export class UploadInterruptedError extends KommoError {
  /** Where to resume. */
  readonly resume: UploadResumePoint;

  constructor(resume: UploadResumePoint, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const outcome = (cause as { writeOutcome?: WriteOutcome } | null)?.writeOutcome;
    super(
      'upload_interrupted',
      `Upload interrupted after ${String(resume.uploadedBytes)} of ${String(resume.fileSize)} bytes (${why}); call files.upload again with the same content and { resume: error.resume }`,
      { cause, ...(outcome ? { writeOutcome: outcome } : {}) },
    );
    this.resume = resume;
  }
}
