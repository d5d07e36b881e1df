/**
 * Users (managers) and roles: answer schemas (lenient) and input schemas (strict).
 *
 * @see https://developers.kommo.com/reference/users-list
 * @module
 */

import { z } from 'zod';
import {
  IdSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  RequestIdSchema,
  collectionSchema,
  idOrObject,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** A right letter: `A` all, `G` own group, `M` only where responsible, `D` denied. */
export type RightLetter = 'A' | 'G' | 'M' | 'D';

const letter = openEnum<RightLetter>();

/** Rights on leads, contacts or companies. */
const EntityRightsSchema = z.looseObject({
  view: letter.nullish(),
  edit: letter.nullish(),
  add: letter.nullish(),
  delete: letter.nullish(),
  export: letter.nullish(),
});
/** Rights on one entity type. */
export type EntityRights = z.infer<typeof EntityRightsSchema>;

/** Rights on the leads of one status. */
const StatusRightSchema = z.looseObject({
  entity_type: z.string().nullish(),
  pipeline_id: z.number().nullish(),
  status_id: z.number().nullish(),
  rights: EntityRightsSchema.nullish(),
});
/** Rights on the leads of one status. */
export type StatusRight = z.infer<typeof StatusRightSchema>;

/** A user's or role's rights. */
const UserRightsSchema = z.looseObject({
  leads: EntityRightsSchema.nullish(),
  contacts: EntityRightsSchema.nullish(),
  companies: EntityRightsSchema.nullish(),
  tasks: z.looseObject({ edit: letter.nullish(), delete: letter.nullish() }).nullish(),
  mail_access: z.boolean().nullish(),
  catalog_access: z.boolean().nullish(),
  status_rights: z.array(StatusRightSchema).nullish(),
  catalog_rights: z
    .array(
      z.looseObject({ catalog_id: z.number().nullish(), rights: EntityRightsSchema.nullish() }),
    )
    .nullish(),
  is_admin: z.boolean().nullish(),
  is_free: z.boolean().nullish(),
  is_active: z.boolean().nullish(),
  group_id: z.number().nullish(),
  role_id: z.number().nullish(),
});
/** A user's rights. */
export type UserRights = z.infer<typeof UserRightsSchema>;

/** A role as embedded in a user. */
const UserRoleRefSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  _links: LinksSchema.nullish(),
});
/** A user group as embedded in a user. */
const UserGroupRefSchema = z.looseObject({ id: z.number(), name: z.string().nullish() });

/** A user as Kommo returns it. */
export const UserSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  /** `ru`, `en`, `es`, `pt`… */
  lang: z.string().nullish(),
  uuid: z.string().nullish(),
  amojo_id: z.string().nullish(),
  user_rank: z.string().nullish(),
  phone_number: z.string().nullish(),
  rights: UserRightsSchema.nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      roles: z.array(idOrObject(UserRoleRefSchema)).nullish(),
      groups: z.array(idOrObject(UserGroupRefSchema)).nullish(),
    })
    .nullish(),
});
/** A user (manager) of the account. */
export type User = z.infer<typeof UserSchema>;

/** A page of users. */
export const UserCollectionSchema = collectionSchema('users', UserSchema);

/** Extra data for `with=`. */
const UserWithSchema = z.enum(['role', 'group', 'uuid', 'amojo_id', 'user_rank', 'phone_number']);
/** Extra data a user read can include (`with=`). */
export type UserWith = z.infer<typeof UserWithSchema>;

/** Params of `users.list`. */
export const UserListParamsSchema = z.strictObject({
  with: z.array(UserWithSchema).optional(),
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `users.list`. */
export type UserListParams = z.infer<typeof UserListParamsSchema>;

/** Params of `users.get`. */
export const UserGetParamsSchema = z.strictObject({ with: z.array(UserWithSchema).optional() });
/** Params of `users.get`. */
export type UserGetParams = z.infer<typeof UserGetParamsSchema>;

/** A role as Kommo returns it. */
export const RoleSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  rights: UserRightsSchema.nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      /** With `with=users`: Kommo sends user ids (`[5012345, 5012346]`); objects are accepted too. */
      users: z.array(idOrObject(z.looseObject({ id: z.number() }))).nullish(),
    })
    .nullish(),
});
/** A role: a named set of rights. */
export type Role = z.infer<typeof RoleSchema>;

/** A page of roles. */
export const RoleCollectionSchema = collectionSchema('roles', RoleSchema);

/** Params of `users.roles.list`. */
export const RoleListParamsSchema = z.strictObject({
  with: z.array(z.enum(['users'])).optional(),
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `users.roles.list`. */
export type RoleListParams = z.infer<typeof RoleListParamsSchema>;

/** A right letter to write. */
const RightLetterInputSchema = z.enum(['A', 'G', 'M', 'D']);

/** Rights on leads, contacts or companies to write. */
const EntityRightsInputSchema = z.strictObject({
  view: RightLetterInputSchema.optional(),
  edit: RightLetterInputSchema.optional(),
  add: RightLetterInputSchema.optional(),
  delete: RightLetterInputSchema.optional(),
  export: RightLetterInputSchema.optional(),
});

/** The rights of a role to write; omitted rights are denied. */
const RoleRightsInputSchema = z.strictObject({
  leads: EntityRightsInputSchema.optional(),
  contacts: EntityRightsInputSchema.optional(),
  companies: EntityRightsInputSchema.optional(),
  tasks: z
    .strictObject({
      edit: RightLetterInputSchema.optional(),
      delete: RightLetterInputSchema.optional(),
    })
    .optional(),
  /** Rights per lead status; `null` or `[]` on update removes them (unsorted ones become denied). */
  status_rights: z
    .array(
      z.strictObject({
        entity_type: z.enum(['leads', 'unsorted']),
        pipeline_id: IdSchema,
        status_id: IdSchema,
        rights: z.strictObject({
          view: RightLetterInputSchema.optional(),
          edit: RightLetterInputSchema.optional(),
          delete: RightLetterInputSchema.optional(),
          export: RightLetterInputSchema.optional(),
        }),
      }),
    )
    .nullable()
    .optional(),
  mail_access: z.boolean().optional(),
  catalog_access: z.boolean().optional(),
});
/** The rights of a role to write: letters `A` all, `G` group, `M` own, `D` denied. */
export type RoleRightsInput = z.input<typeof RoleRightsInputSchema>;

/** The body of a role create. */
export const RoleCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  /** Omitted: every right denied. */
  rights: RoleRightsInputSchema.optional(),
  request_id: RequestIdSchema.optional(),
});
/** The body of `users.roles.create` (admin only). */
export type RoleCreateParams = z.input<typeof RoleCreateParamsSchema>;

/** The body of a role update. */
export const RoleUpdateParamsSchema = z.strictObject({
  name: z.string().trim().min(1).optional(),
  rights: RoleRightsInputSchema.optional(),
});
/** The body of `users.roles.update`: only the fields you pass are sent. */
export type RoleUpdateParams = z.input<typeof RoleUpdateParamsSchema>;

/** What a role write returns: the role (Kommo answers 201/202 with it). */
export const RoleWriteResultSchema = RoleSchema.extend({
  request_id: z.union([z.string(), z.number()]).nullish(),
});
/** What a role write returns: the role itself. */
export type RoleRef = z.infer<typeof RoleWriteResultSchema>;

/** The public types of `kommo.users.roles`, by what they are (see `RecordResource`). */
export interface RoleResourceTypes {
  item: Role;
  ref: RoleRef;
  create: RoleCreateParams;
  update: RoleUpdateParams;
}

/**
 * The schemas of `kommo.users` by what they check, for its route spec.
 *
 * @internal
 */
export function userRouteSchemas() {
  return {
    item: UserSchema,
    page: UserCollectionSchema,
    list: UserListParamsSchema,
    get: UserGetParamsSchema,
  };
}

/**
 * The schemas of `kommo.users.roles` by what they check, for its route spec.
 *
 * @internal
 */
export function roleRouteSchemas() {
  return {
    item: RoleSchema,
    page: RoleCollectionSchema,
    ref: RoleWriteResultSchema,
    list: RoleListParamsSchema,
    create: RoleCreateParamsSchema,
    update: RoleUpdateParamsSchema,
  };
}
