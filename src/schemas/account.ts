/**
 * The account: answer schema (lenient) and the `with` values.
 *
 * @see https://developers.kommo.com/reference/account-parameters
 * @module
 */

import { z } from 'zod';
import { LinksSchema } from './common.js';
import { openEnum } from './custom-field-values.js';

/** A task type (`with=task_types`): 1 follow-up, 2 meeting, then the account's own. */
const TaskTypeSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  color: z.string().nullish(),
  icon_id: z.number().nullish(),
  /** `FOLLOW_UP`, `MEETING`, or `null` for custom types. */
  code: z.string().nullish(),
});
/** A task type. */
export type TaskType = z.infer<typeof TaskTypeSchema>;

/** A user group (`with=users_groups`). */
const UsersGroupSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  uuid: z.string().nullish(),
});
/** A group of users. */
export type UsersGroup = z.infer<typeof UsersGroupSchema>;

/** `with=datetime_settings`: how the account shows dates. */
const DatetimeSettingsSchema = z.looseObject({
  date_pattern: z.string().nullish(),
  short_date_pattern: z.string().nullish(),
  short_time_pattern: z.string().nullish(),
  date_format: z.string().nullish(),
  time_format: z.string().nullish(),
  /** IANA zone, e.g. `America/Sao_Paulo`: render dates with it (API values stay UTC). */
  timezone: z.string().nullish(),
  timezone_offset: z.string().nullish(),
});
/** How the account shows dates and its time zone. */
export type DatetimeSettings = z.infer<typeof DatetimeSettingsSchema>;

/** Customers modes. */
export type CustomersMode = 'unavailable' | 'disabled' | 'segments' | 'dynamic' | 'periodicity';

/** The account as Kommo returns it. */
export const AccountSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullish(),
  subdomain: z.string().nullish(),
  created_at: z.number().nullish(),
  created_by: z.number().nullish(),
  updated_at: z.number().nullish(),
  updated_by: z.number().nullish(),
  current_user_id: z.number().nullish(),
  country: z.string().nullish(),
  currency: z.string().nullish(),
  currency_symbol: z.string().nullish(),
  customers_mode: openEnum<CustomersMode>().nullish(),
  is_unsorted_on: z.boolean().nullish(),
  is_loss_reason_enabled: z.boolean().nullish(),
  is_helpbot_enabled: z.boolean().nullish(),
  is_technical_account: z.boolean().nullish(),
  is_api_filter_enabled: z.boolean().nullish(),
  contact_name_display_order: z.number().nullish(),
  mobile_feature_version: z.number().nullish(),
  amojo_id: z.string().nullish(),
  uuid: z.string().nullish(),
  version: z.number().nullish(),
  drive_url: z.string().nullish(),
  invoices_settings: z
    .looseObject({ lang: z.string().nullish(), invoices_catalog_id: z.number().nullish() })
    .nullish(),
  entity_names: z.record(z.string(), z.unknown()).nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z
    .looseObject({
      amojo_rights: z
        .looseObject({
          can_direct: z.boolean().nullish(),
          can_create_groups: z.boolean().nullish(),
        })
        .nullish(),
      users_groups: z.array(UsersGroupSchema).nullish(),
      task_types: z.array(TaskTypeSchema).nullish(),
      datetime_settings: DatetimeSettingsSchema.nullish(),
    })
    .nullish(),
});
/** The account. */
export type Account = z.infer<typeof AccountSchema>;

/** Extra data for `with=`. */
const AccountWithSchema = z.enum([
  'amojo_id',
  'amojo_rights',
  'users_groups',
  'task_types',
  'version',
  'entity_names',
  'datetime_settings',
  'drive_url',
  'is_api_filter_enabled',
  'invoices_settings',
  'uuid',
]);
/** Extra data an account read can include (`with=`). */
export type AccountWith = z.infer<typeof AccountWithSchema>;

/** Params of `account.get`. */
export const AccountGetParamsSchema = z.strictObject({
  with: z.array(AccountWithSchema).optional(),
});
/** Params of `account.get`. */
export type AccountGetParams = z.infer<typeof AccountGetParamsSchema>;
