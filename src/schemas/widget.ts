/**
 * Widgets (`/api/v4/widgets`): the public widgets, the installed ones and those the user
 * uploaded; install and uninstall by code. Answer schema (lenient) and inputs (strict).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/widgets-api
 * @module
 */

import { z } from 'zod';
import {
  LimitSchema,
  LinksSchema,
  NumberOrStringSchema,
  PageSchema,
  collectionSchema,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** The type of a widget setting; it decides the shape of its value on install. */
export type WidgetSettingType = 'text' | 'pass' | 'custom' | 'users' | 'users_lp';

/** One setting a widget asks for on install. */
const WidgetSettingTemplateSchema = z.looseObject({
  /** The key of its value in the install body. */
  key: z.string(),
  name: z.string().nullish(),
  type: openEnum<WidgetSettingType>().nullish(),
  is_required: z.boolean().nullish(),
});
/** One setting a widget asks for on install. */
export type WidgetSettingTemplate = z.infer<typeof WidgetSettingTemplateSchema>;

/** A widget as Kommo returns it. */
export const WidgetSchema = z.looseObject({
  id: z.number(),
  code: z.string(),
  version: z.string().nullish(),
  /** A decimal with a comma (`"2,8"`) or a number. */
  rating: NumberOrStringSchema.nullish(),
  settings_template: z.array(WidgetSettingTemplateSchema).nullish(),
  is_lead_source: z.boolean().nullish(),
  is_work_with_dp: z.boolean().nullish(),
  is_crm_template: z.boolean().nullish(),
  client_uuid: z.string().nullish(),
  is_active_in_account: z.boolean().nullish(),
  /** The pipeline where it is installed as a lead source. */
  pipeline_id: z.number().nullish(),
  /** The installed settings: only with a token of the widget's own integration. */
  settings: z.record(z.string(), z.unknown()).nullish(),
  _links: LinksSchema.nullish(),
});
/** A widget (an integration's UI part). */
export type Widget = z.infer<typeof WidgetSchema>;

/** A page of widgets. */
export const WidgetCollectionSchema = collectionSchema('widgets', WidgetSchema);

/** A widget code, e.g. `amo_asterisk` (it becomes part of the path). */
export const WidgetCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'Expected a widget code such as "amo_asterisk"');

/** Params of `widgets.list`. */
export const WidgetListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
});
/** Params of `widgets.list`. */
export type WidgetListParams = z.infer<typeof WidgetListParamsSchema>;

/** One install value: text for `text`/`pass`, an object for `users`/`users_lp`/`custom`. */
const WidgetSettingValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.record(z.string(), z.unknown()),
]);

/** The settings of `widgets.install`, keyed by `settings_template[].key`. */
export const WidgetInstallParamsSchema = z.record(z.string().min(1), WidgetSettingValueSchema);
/**
 * The settings of `widgets.install`, keyed by the widget's `settings_template[].key`: a string
 * for `text` and `pass`; `{ "<user id>": "<extension>" }` for `users`; `{ "<user id>": { login,
 * password } }` for `users_lp`; for `custom`, whatever the widget expects (undocumented).
 */
export type WidgetInstallParams = z.input<typeof WidgetInstallParamsSchema>;

/**
 * The schemas of `kommo.widgets` by what they check, for its route spec. Widget ids in paths
 * are their codes.
 *
 * @internal
 */
export function widgetRouteSchemas() {
  return {
    item: WidgetSchema,
    page: WidgetCollectionSchema,
    list: WidgetListParamsSchema,
    id: WidgetCodeSchema,
    install: WidgetInstallParamsSchema,
  };
}
