/**
 * Website buttons (`/api/v4/website_buttons`, the CRM Plugin): a source's chat button for a
 * web site. Kommo creates the source at once and the button asynchronously. Answer schemas
 * (lenient) and inputs (strict).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/sources-api
 * @module
 */

import { z } from 'zod';
import { MAX_TRUSTED_WEBSITES } from '../facts.js';
import { IdSchema, LimitSchema, LinksSchema, PageSchema, collectionSchema } from './common.js';
import { openEnum } from './custom-field-values.js';

/** A website button as Kommo returns it. */
export const WebsiteButtonSchema = z.looseObject({
  /** The source the button belongs to: the button's id in paths. */
  source_id: z.number(),
  button_id: z.number().nullish(),
  account_id: z.number().nullish(),
  name: z.string().nullish(),
  is_duplication_control_enabled: z.boolean().nullish(),
  /** `creation_pending` until Kommo has made the button: poll until `created`. */
  creation_status: openEnum<'created' | 'creation_pending'>().nullish(),
  pipeline_id: z.number().nullish(),
  trusted_websites: z.array(z.string()).nullish(),
  /** The embed snippet (`with=scripts`). */
  script: z.string().nullish(),
  is_deleted: z.boolean().nullish(),
  _links: LinksSchema.nullish(),
});
/** A website button (CRM Plugin) of a source. */
export type WebsiteButton = z.infer<typeof WebsiteButtonSchema>;

/** A page of website buttons. */
export const WebsiteButtonCollectionSchema = collectionSchema(
  'website_buttons',
  WebsiteButtonSchema,
);

/** What `POST /api/v4/website_buttons` answers (202): the new source; the button follows. */
export const WebsiteButtonCreatedSchema = z.looseObject({
  source_id: z.number(),
  name: z.string().nullish(),
  trusted_websites: z.array(z.string()).nullish(),
});
/** The source a website-button create made; poll `get(source_id)` for the button. */
export type WebsiteButtonCreated = z.infer<typeof WebsiteButtonCreatedSchema>;

/** A domain the plugin may load on (`example.com`, no scheme or path). */
const DomainSchema = z
  .string()
  .regex(
    /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/,
    'Expected a domain such as "example.com"',
  );

/** The body of a website-button create. */
export const WebsiteButtonCreateParamsSchema = z
  .strictObject({
    pipeline_id: IdSchema,
    trusted_websites: z.array(DomainSchema).max(MAX_TRUSTED_WEBSITES).optional(),
    /** Send `true` when the button is for an app, with no domains. */
    is_used_in_app: z.boolean().optional(),
  })
  .refine((p) => (p.trusted_websites?.length ?? 0) > 0 || p.is_used_in_app === true, {
    message: 'Give trusted_websites, or is_used_in_app: true for a button without domains',
    path: ['trusted_websites'],
  });
/** The body of `websiteButtons.create`. */
export type WebsiteButtonCreateParams = z.input<typeof WebsiteButtonCreateParamsSchema>;

/** The body of a website-button update: domains to add. */
export const WebsiteButtonUpdateParamsSchema = z.strictObject({
  trusted_websites: z.strictObject({
    add: z.array(DomainSchema).min(1).max(MAX_TRUSTED_WEBSITES),
  }),
});
/** The body of `websiteButtons.update` (Kommo adds domains only to a button that has some). */
export type WebsiteButtonUpdateParams = z.input<typeof WebsiteButtonUpdateParamsSchema>;

const WebsiteButtonWithSchema = z.array(z.enum(['scripts']));

/** Params of `websiteButtons.list`. */
export const WebsiteButtonListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  with: WebsiteButtonWithSchema.optional(),
});
/** Params of `websiteButtons.list`. */
export type WebsiteButtonListParams = z.infer<typeof WebsiteButtonListParamsSchema>;

/** Params of `websiteButtons.get`. */
export const WebsiteButtonGetParamsSchema = z.strictObject({
  with: WebsiteButtonWithSchema.optional(),
});
/** Params of `websiteButtons.get`. */
export type WebsiteButtonGetParams = z.infer<typeof WebsiteButtonGetParamsSchema>;

/**
 * The schemas of `kommo.websiteButtons` by what they check, for its route spec.
 *
 * @internal
 */
export function websiteButtonRouteSchemas() {
  return {
    item: WebsiteButtonSchema,
    page: WebsiteButtonCollectionSchema,
    list: WebsiteButtonListParamsSchema,
    get: WebsiteButtonGetParamsSchema,
    create: WebsiteButtonCreateParamsSchema,
    created: WebsiteButtonCreatedSchema,
    update: WebsiteButtonUpdateParamsSchema,
  };
}
