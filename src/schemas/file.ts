/**
 * Kommo's Drive (the Files API on the account's drive host) and the files attached to
 * entities: answer schemas (lenient) and inputs (strict).
 *
 * @see https://developers.kommo.com/reference/files-api-key-features
 * @module
 */

import { z } from 'zod';
import { IdSchema, LinksSchema, PageSchema } from './common.js';
import { openEnum } from './custom-field-values.js';

/** Who created or changed a file: `type` is `internal` for a user; the id may be a robot's 0. */
const DriveActorSchema = z.looseObject({ id: z.number().nullish(), type: z.string().nullish() });
const HrefSchema = z.looseObject({ href: z.string().nullish() });

/** The kinds of file Kommo tells apart. */
export type DriveFileType = 'image' | 'video' | 'audio' | 'document' | 'file';

/** The fields a file and a file version share. */
const driveItemShape = {
  uuid: z.string(),
  type: openEnum<DriveFileType>().nullish(),
  name: z.string().nullish(),
  /** The name in ASCII. */
  sanitized_name: z.string().nullish(),
  /** In bytes. */
  size: z.number().nullish(),
  source_id: z.number().nullish(),
  created_at: z.number().nullish(),
  created_by: DriveActorSchema.nullish(),
  updated_at: z.number().nullish(),
  updated_by: DriveActorSchema.nullish(),
  deleted_at: z.number().nullish(),
  deleted_by: DriveActorSchema.nullish(),
  metadata: z
    .looseObject({ extension: z.string().nullish(), mime_type: z.string().nullish() })
    .nullish(),
  previews: z
    .array(
      z.looseObject({
        download_link: z.string().nullish(),
        width: z.number().nullish(),
        height: z.number().nullish(),
      }),
    )
    .nullish(),
  /** `download` (the active version), `download_version`, `self`: use the hrefs as given. */
  _links: z
    .looseObject({
      download: HrefSchema.nullish(),
      download_version: HrefSchema.nullish(),
      self: HrefSchema.nullish(),
    })
    .nullish(),
};

/** A file of the account's Drive. */
export const DriveFileSchema = z.looseObject({
  ...driveItemShape,
  /** The active version. */
  version_uuid: z.string().nullish(),
  has_multiple_versions: z.boolean().nullish(),
  /** Deleted files stay in the trash for 30 days (`files.restore`). */
  is_trashed: z.boolean().nullish(),
  /** In answers to an upload and to `files.update`. */
  session_id: z.number().nullish(),
});
/** A file of the account's Drive. Not named `File`: that is the Web platform's. */
export type DriveFile = z.infer<typeof DriveFileSchema>;

/** One version of a Drive file. */
export const DriveFileVersionSchema = z.looseObject({
  ...driveItemShape,
  file_uuid: z.string().nullish(),
  /** Whether this is the active version. */
  is_main: z.boolean().nullish(),
});
/** One version of a Drive file. */
export type DriveFileVersion = z.infer<typeof DriveFileVersionSchema>;

/** A Drive list answer (`_embedded.files`, `_embedded.versions`). @internal */
export function driveCollectionSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.looseObject({
    _count: z.number().nullish(),
    _links: LinksSchema.nullish(),
    _embedded: z
      .looseObject({ [key]: z.array(item).nullish() } as Record<
        K,
        z.ZodOptional<z.ZodNullable<z.ZodArray<T>>>
      >)
      .nullish(),
  });
}

/** The answer to `POST /v1.0/sessions`. @internal */
export const UploadSessionSchema = z.looseObject({
  session_id: z.number(),
  upload_url: z.string(),
  max_file_size: z.number().int().positive(),
  max_part_size: z.number().int().positive(),
});

/** The answer to one part: `next_url` until the last, then the file itself (with `uuid`). @internal */
export const UploadPartAnswerSchema = z.looseObject({
  uuid: z.string().nullish(),
  next_url: z.string().nullish(),
});

/** A file uuid (or a version uuid): put into paths, so only its own characters. */
export const FileUuidSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'Expected a file uuid such as "c6b3c1f2-…"');

/** The file-size filter of `files.list`: bytes per `unit` (1 by default). */
const SizeFilterSchema = z.strictObject({
  unit: z.number().int().positive().optional(),
  from: z.number().nonnegative().optional(),
  to: z.number().nonnegative().optional(),
});

/** The presets of the date filter of `files.list`. */
const DATE_PRESETS = [
  'day',
  'tomorrow',
  'yesterday',
  'week',
  'previous_week',
  'next_week',
  'month',
  'next_month',
  'previous_month',
  'quarter',
  'previous_quarter',
  'next_quarter',
  'last_3_days',
  'next_3_days',
  'last_6_month',
  'year',
] as const;

/** A user filter of `files.list`: `-1` a client, `0` a robot, else a user id. */
const ActorIdSchema = z.number().int().min(-1);

/** The most files Drive lists per page as far as seen (its `_links` carry `limit=25`). */
export const DRIVE_PAGE_LIMIT = 25;

/** Params of `files.list`. */
export const FileListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: z.number().int().min(1).max(DRIVE_PAGE_LIMIT).optional(),
  filter: z
    .strictObject({
      /** Files with these uuids. */
      uuid: z.union([FileUuidSchema, z.array(FileUuidSchema).min(1)]).optional(),
      name: z.string().min(1).optional(),
      extensions: z.array(z.string().min(1)).min(1).optional(),
      /** A substring of the file name or of the name of an entity the file is attached to. */
      term: z.string().min(1).optional(),
      source_id: IdSchema.optional(),
      /** `true`: the files in the trash instead. */
      deleted: z.boolean().optional(),
      size: SizeFilterSchema.optional(),
      date: z
        .strictObject({
          type: z.enum(['created_at', 'updated_at']).optional(),
          date_preset: z.enum(DATE_PRESETS).optional(),
          from: z.number().int().nonnegative().optional(),
          to: z.number().int().nonnegative().optional(),
        })
        .optional(),
      created_by: z.array(ActorIdSchema).min(1).optional(),
      updated_by: z.array(ActorIdSchema).min(1).optional(),
    })
    .optional(),
});
/** Params of `files.list`. */
export type FileListParams = z.input<typeof FileListParamsSchema>;

/** The body of `files.update`: a new name, or the version to make active (not both). */
export const FileUpdateParamsSchema = z.union([
  z.strictObject({ name: z.string().trim().min(1) }),
  z.strictObject({ version_uuid: FileUuidSchema }),
]);
/** The body of `files.update`: `{ name }` or `{ version_uuid }`. */
export type FileUpdateParams = z.input<typeof FileUpdateParamsSchema>;

/** What an upload session is opened with (besides the bytes). */
export const FileUploadParamsSchema = z.strictObject({
  /** The file name; taken from a `File` source when absent. */
  file_name: z.string().trim().min(1).max(255).optional(),
  /** Bytes; required for a stream, checked against a `Blob` or bytes. */
  file_size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  /** The MIME type; a `Blob`'s `type` when absent, else `application/octet-stream`. */
  content_type: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'Expected a MIME type such as "application/pdf"')
    .optional(),
  /** Upload a new version of this file (it becomes the active one). */
  file_uuid: FileUuidSchema.optional(),
  /** Ask Drive to make previews. */
  with_preview: z.boolean().optional(),
  /** On whose behalf (the official PHP SDK sends it; `type` e.g. `internal`). */
  created_by: z.strictObject({ id: z.number().int().min(0), type: z.string().min(1) }).optional(),
});
/** What an upload session is opened with: `file_name`, `file_size`, `content_type`, …. */
export type FileUploadParams = z.input<typeof FileUploadParamsSchema>;

/** The entity types files attach to. */
export const FileEntityTypeSchema = z.enum(['leads', 'contacts', 'companies', 'customers']);
/** The entity types files attach to. */
export type FileEntityType = z.infer<typeof FileEntityTypeSchema>;

/** A file attached to an entity (`GET /api/v4/{entity}/{id}/files`). */
export const EntityFileSchema = z.looseObject({
  file_uuid: z.string(),
  /** The attachment's id: the list's cursor (`before_id`). */
  id: z.number(),
});
/** A file attached to an entity: `{ file_uuid, id }`. */
export type EntityFile = z.infer<typeof EntityFileSchema>;

/** Params of `files.attachments.list`. */
export const EntityFileListParamsSchema = z.strictObject({
  /** Attachments per page. */
  limit: z.number().int().min(1).max(250).optional(),
  /** Start below this attachment id (the list runs newest first). */
  before_id: IdSchema.optional(),
});
/** Params of `files.attachments.list`. */
export type EntityFileListParams = z.input<typeof EntityFileListParamsSchema>;

/** Where a file is used (`GET /api/v4/files/{uuid}/links`). */
export const FileLinksSchema = z.looseObject({
  file_uuid: z.string().nullish(),
  /** Entities with the file, in Kommo's legacy names (`main_user_id`, `date_create`, …). */
  entities: z
    .array(
      z.looseObject({
        id: z.number(),
        name: z.string().nullish(),
        entity_type: z.string().nullish(),
      }),
    )
    .nullish(),
});
/** Where a file is used. */
export type FileLinks = z.infer<typeof FileLinksSchema>;
