/**
 * The account's Drive: files with their versions and bytes, upload sessions, and the files
 * attached to entities. In memory and bounded: the bytes of every file, version and open
 * session count toward `maxStoredBytes`, and at most {@link MAX_OPEN_SESSIONS} sessions stay
 * open (the oldest is dropped). One Drive per {@link Store}, so `sandbox.reset()` empties it.
 *
 * @module
 */

import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../state.js';

/** Limits of the sandbox's Drive. */
export interface SandboxDriveOptions {
  /**
   * The part size sessions announce (`max_part_size`); every part but the last must have it.
   *
   * @defaultValue 524288 (512 KiB, Kommo's documented example)
   */
  maxPartSize?: number;
  /** @defaultValue 314572800 (300 MiB, Kommo's documented example) */
  maxFileSize?: number;
  /**
   * The most bytes the Drive holds in memory (files, versions, open sessions); a session that
   * would pass it is refused with 400.
   *
   * @defaultValue 67108864 (64 MiB)
   */
  maxStoredBytes?: number;
}

/** Who made a change, in Drive's shape. */
export interface SandboxDriveActor {
  id: number;
  type: string;
}

/** One version of a file, with its bytes. */
export interface SandboxDriveVersion {
  uuid: string;
  file_uuid: string;
  name: string;
  size: number;
  mime_type: string;
  created_at: number;
  created_by: SandboxDriveActor;
  bytes: Uint8Array;
}

/** A file of the sandbox's Drive. */
export interface SandboxDriveFile {
  uuid: string;
  name: string;
  /** The active version. */
  version_uuid: string;
  versions: SandboxDriveVersion[];
  source_id: number | null;
  created_at: number;
  created_by: SandboxDriveActor;
  updated_at: number;
  updated_by: SandboxDriveActor;
  deleted_at: number | null;
  deleted_by: SandboxDriveActor | null;
}

/** An open upload session. */
interface Session {
  id: number;
  fileName: string;
  fileSize: number;
  contentType: string;
  fileUuid: string | undefined;
  createdAt: number;
  createdBy: SandboxDriveActor;
  /** The parts received, in order. */
  parts: Uint8Array[];
  received: number;
  /** The token of each part's URL, by part number (1-based). */
  tokens: string[];
  /** The answer to the last part, kept so that sending it again answers the same. */
  done?: SandboxDriveFile;
}

/** What a part did: the URL of the next part, or the finished file. */
export type PartOutcome =
  | { kind: 'next'; sessionId: number; token: string }
  | { kind: 'file'; sessionId: number; file: SandboxDriveFile }
  | { kind: 'error'; status: number; detail: string };

/** Open sessions kept at most; beyond it the oldest is dropped (its URLs then answer 404). */
export const MAX_OPEN_SESSIONS = 100;
/** A session lives until its upload ends, at most 24 hours (Kommo's docs). */
const SESSION_TTL_SEC = 24 * 3600;

function typeOf(mime: string, name: string): string {
  const top = mime.split('/')[0];
  if (top === 'image' || top === 'video' || top === 'audio') return top;
  return /\.(pdf|docx?|xlsx?|pptx?|odt|ods|txt|rtf|csv)$/i.test(name) ? 'document' : 'file';
}

/** The Drive of one store. */
export class SandboxDrive {
  readonly files = new Map<string, SandboxDriveFile>();
  readonly #sessions = new Map<number, Session>();
  readonly #tokens = new Map<string, { session: number; part: number }>();
  /** Attachments per `type:id`, oldest first. */
  readonly #attached = new Map<string, Array<{ id: number; file_uuid: string }>>();
  #stored = 0;
  #nextAttachment = 1;

  constructor(private readonly store: Store) {}

  get storedBytes(): number {
    return this.#stored;
  }

  /** Opens a session; an error string when it cannot. */
  open(
    init: {
      fileName: string;
      fileSize: number;
      contentType: string;
      fileUuid: string | undefined;
      now: number;
      by: SandboxDriveActor;
    },
    limits: Required<SandboxDriveOptions>,
  ): Session | string {
    this.#expire(init.now);
    if (init.fileSize > limits.maxFileSize)
      return `The file is larger than ${String(limits.maxFileSize)} bytes`;
    if (this.#stored + init.fileSize > limits.maxStoredBytes)
      return 'Not enough space on the account disk';
    if (init.fileUuid !== undefined) {
      const file = this.files.get(init.fileUuid);
      if (!file || file.deleted_at !== null) return 'No such file';
    }
    if (this.#sessions.size >= MAX_OPEN_SESSIONS) {
      const oldest = this.#sessions.values().next().value;
      if (oldest) this.#drop(oldest);
    }
    const session: Session = {
      id: this.store.nextId('driveSession', 3) + 26_136_000,
      fileName: init.fileName,
      fileSize: init.fileSize,
      contentType: init.contentType,
      fileUuid: init.fileUuid,
      createdAt: init.now,
      createdBy: init.by,
      parts: [],
      received: 0,
      tokens: [],
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The token of the URL of a session's part `n` (made once, so a resend finds the same). */
  tokenFor(session: Session, part: number): string {
    let token = session.tokens[part - 1];
    if (token === undefined) {
      token = randomBytes(32).toString('base64url');
      session.tokens[part - 1] = token;
      this.#tokens.set(token, { session: session.id, part });
    }
    return token;
  }

  /**
   * Takes one part. The expected part is appended; the last part received, sent again (its
   * answer was lost), replaces itself and answers the same; anything else is refused.
   */
  part(
    token: string,
    bytes: Uint8Array,
    now: number,
    limits: Required<SandboxDriveOptions>,
  ): PartOutcome {
    this.#expire(now);
    const ref = this.#tokens.get(token);
    const session = ref && this.#sessions.get(ref.session);
    if (!ref || !session) return { kind: 'error', status: 404, detail: 'Session not found' };
    const resend = ref.part === session.parts.length;
    if (!resend && ref.part !== session.parts.length + 1)
      return { kind: 'error', status: 400, detail: 'Parts must be sent in order' };
    const before = resend
      ? session.received - (session.parts[ref.part - 1]?.byteLength ?? 0)
      : session.received;
    const after = before + bytes.byteLength;
    const last = after === session.fileSize;
    if (bytes.byteLength === 0 || bytes.byteLength > limits.maxPartSize)
      return { kind: 'error', status: 400, detail: 'Invalid part size' };
    if (after > session.fileSize || (!last && bytes.byteLength !== limits.maxPartSize))
      return {
        kind: 'error',
        status: 400,
        detail: `Every part but the last must have ${String(limits.maxPartSize)} bytes`,
      };
    if (resend && session.done) return { kind: 'file', sessionId: session.id, file: session.done };
    if (resend && session.parts[ref.part - 1]?.byteLength !== bytes.byteLength)
      return { kind: 'error', status: 400, detail: 'The part differs from the one received' };
    const copy = Uint8Array.from(bytes);
    this.#stored += copy.byteLength - (resend ? (session.parts[ref.part - 1]?.byteLength ?? 0) : 0);
    session.parts[ref.part - 1] = copy;
    session.received = after;
    if (!last)
      return { kind: 'next', sessionId: session.id, token: this.tokenFor(session, ref.part + 1) };
    session.done = this.#finish(session, now);
    return { kind: 'file', sessionId: session.id, file: session.done };
  }

  #finish(session: Session, now: number): SandboxDriveFile {
    const bytes = new Uint8Array(session.fileSize);
    let offset = 0;
    for (const part of session.parts) {
      bytes.set(part, offset);
      offset += part.byteLength;
    }
    // The parts' bytes now live in the version; the session keeps only its answer.
    session.parts = session.parts.map(() => new Uint8Array(0));
    const existing = session.fileUuid ? this.files.get(session.fileUuid) : undefined;
    const fileUuid = existing?.uuid ?? randomUUID();
    const version: SandboxDriveVersion = {
      uuid: randomUUID(),
      file_uuid: fileUuid,
      name: session.fileName,
      size: session.fileSize,
      mime_type: session.contentType,
      created_at: now,
      created_by: session.createdBy,
      bytes,
    };
    if (existing) {
      existing.versions.push(version);
      existing.version_uuid = version.uuid;
      existing.name = session.fileName;
      existing.updated_at = now;
      existing.updated_by = session.createdBy;
      return existing;
    }
    const file: SandboxDriveFile = {
      uuid: fileUuid,
      name: session.fileName,
      version_uuid: version.uuid,
      versions: [version],
      source_id: null,
      created_at: now,
      created_by: session.createdBy,
      updated_at: now,
      updated_by: session.createdBy,
      deleted_at: null,
      deleted_by: null,
    };
    this.files.set(file.uuid, file);
    return file;
  }

  #drop(session: Session): void {
    if (!session.done) for (const part of session.parts) this.#stored -= part.byteLength;
    for (const token of session.tokens) this.#tokens.delete(token);
    this.#sessions.delete(session.id);
  }

  #expire(now: number): void {
    for (const session of this.#sessions.values())
      if (session.createdAt + SESSION_TTL_SEC <= now) this.#drop(session);
  }

  /** The active version of a file. */
  active(file: SandboxDriveFile): SandboxDriveVersion {
    return (
      file.versions.find((v) => v.uuid === file.version_uuid) ??
      (file.versions[0] as SandboxDriveVersion)
    );
  }

  /** The type Drive reports for a version. */
  typeOf(version: SandboxDriveVersion): string {
    return typeOf(version.mime_type, version.name);
  }

  /** The files attached to an entity, newest first. */
  attachedTo(type: string, id: number): Array<{ id: number; file_uuid: string }> {
    return [...(this.#attached.get(`${type}:${String(id)}`) ?? [])].reverse();
  }

  /** Attaches files to an entity (a file already attached stays as it is). */
  attach(type: string, id: number, uuids: readonly string[]): void {
    const key = `${type}:${String(id)}`;
    const list = this.#attached.get(key) ?? [];
    for (const uuid of uuids)
      if (!list.some((a) => a.file_uuid === uuid))
        list.push({ id: this.#nextAttachment++ + 91_000_000, file_uuid: uuid });
    this.#attached.set(key, list);
  }

  /** Detaches files from an entity. */
  detach(type: string, id: number, uuids: readonly string[]): void {
    const key = `${type}:${String(id)}`;
    const list = (this.#attached.get(key) ?? []).filter((a) => !uuids.includes(a.file_uuid));
    this.#attached.set(key, list);
  }

  /** Every entity a file is attached to. */
  entitiesOf(uuid: string): Array<{ type: string; id: number }> {
    const out: Array<{ type: string; id: number }> = [];
    for (const [key, list] of this.#attached) {
      if (!list.some((a) => a.file_uuid === uuid)) continue;
      const [type = '', id = '0'] = key.split(':');
      out.push({ type, id: Number(id) });
    }
    return out;
  }

  /** Sessions open (finished ones are kept until they expire or make room). */
  get openSessions(): number {
    return this.#sessions.size;
  }
}

const drives = new WeakMap<Store, SandboxDrive>();

/** The Drive of a store (created on first use). */
export function driveOf(store: Store): SandboxDrive {
  let drive = drives.get(store);
  if (!drive) {
    drive = new SandboxDrive(store);
    drives.set(store, drive);
  }
  return drive;
}
