/**
 * Chat templates (`/api/v4/chats/templates`): canned messages with buttons, and WhatsApp
 * (`waba`) templates with their review by the channel. An integration sees and changes only
 * the templates it created. Answer schemas (lenient) and inputs (strict).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/chat-templates-api
 * @module
 */

import { z } from 'zod';
import {
  MAX_CHAT_TEMPLATES_PAGE_LIMIT,
  REVIEW_REJECT_REASON_MAX_LENGTH,
  WABA_HEADER_MAX_LENGTH,
} from '../facts.js';
import {
  HttpUrlSchema,
  IdSchema,
  LinksSchema,
  PageSchema,
  RequestIdSchema,
  collectionSchema,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** `amocrm` (a plain template) or `waba` (a WhatsApp template, reviewed before use). */
export type ChatTemplateType = 'amocrm' | 'waba';
/** The review status of a WhatsApp template. */
export type ChatTemplateReviewStatus = 'approved' | 'review' | 'paused' | 'rejected';
/** The category of a WhatsApp template. */
export type WabaCategory = 'UTILITY' | 'AUTHENTICATION' | 'MARKETING';

/** A button of a template. */
const ChatTemplateButtonSchema = z.looseObject({
  /** `inline` (a text button) or `url` (a link). */
  type: openEnum<'inline' | 'url'>().nullish(),
  text: z.string().nullish(),
  url: z.string().nullish(),
});
/** A button of a template. */
export type ChatTemplateButton = z.infer<typeof ChatTemplateButtonSchema>;

/** One review of a WhatsApp template by a channel. */
export const ChatTemplateReviewSchema = z.looseObject({
  id: z.number(),
  /** The source (channel) that reviewed it. */
  source_id: z.number().nullish(),
  status: openEnum<ChatTemplateReviewStatus>().nullish(),
  reject_reason: z.string().nullish(),
});
/** One review of a WhatsApp template. */
export type ChatTemplateReview = z.infer<typeof ChatTemplateReviewSchema>;

/** A chat template as Kommo returns it. */
export const ChatTemplateSchema = z.looseObject({
  id: z.number(),
  account_id: z.number().nullish(),
  name: z.string().nullish(),
  /** The message; may hold Salesbot markers such as `{{lead.name}}`. */
  content: z.string().nullish(),
  /** Whether users may edit it in Kommo's UI. */
  is_editable: z.boolean().nullish(),
  type: openEnum<ChatTemplateType>().nullish(),
  buttons: z.array(ChatTemplateButtonSchema).nullish(),
  attachment: z
    .looseObject({
      /** A Drive file uuid. */
      id: z.string().nullish(),
      name: z.string().nullish(),
      type: openEnum<'picture' | 'file' | 'document' | 'video'>().nullish(),
      is_external: z.boolean().nullish(),
    })
    .nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  /** Your id of the template. */
  external_id: z.string().nullish(),
  /** With `with=reviews`. */
  review_status: openEnum<ChatTemplateReviewStatus>().nullish(),
  /** With `with=reviews`. */
  is_on_review: z.boolean().nullish(),
  waba_footer: z.string().nullish(),
  waba_category: openEnum<WabaCategory>().nullish(),
  waba_language: z.string().nullish(),
  /** Example values of the markers: `{ "{{contact.name}}": "Ann" }`. */
  waba_examples: z.record(z.string(), z.unknown()).nullish(),
  waba_header: z.string().nullish(),
  waba_header_type: openEnum<'text' | 'media'>().nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
  _links: LinksSchema.nullish(),
  _embedded: z.looseObject({ reviews: z.array(ChatTemplateReviewSchema).nullish() }).nullish(),
});
/** A chat template. */
export type ChatTemplate = z.infer<typeof ChatTemplateSchema>;

/** A page of templates. */
export const ChatTemplateCollectionSchema = collectionSchema('chat_templates', ChatTemplateSchema);

/** The reviews `POST …/{id}/review` answers with. */
export const ChatTemplateReviewCollectionSchema = collectionSchema(
  'reviews',
  ChatTemplateReviewSchema,
);

/** A button to write. */
const ChatTemplateButtonInputSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('inline'), text: z.string().min(1) }),
  z.strictObject({ type: z.literal('url'), text: z.string().min(1), url: HttpUrlSchema }),
]);
/** A button to write: `{ type: 'inline', text }` or `{ type: 'url', text, url }`. */
export type ChatTemplateButtonInput = z.input<typeof ChatTemplateButtonInputSchema>;

const templateWriteShape = {
  is_editable: z.boolean().optional(),
  type: z.enum(['amocrm', 'waba']).optional(),
  buttons: z.array(ChatTemplateButtonInputSchema).optional(),
  attachment: z
    .strictObject({
      /** A Drive file uuid. */
      id: z.uuid(),
      name: z.string().min(1),
      type: z.enum(['picture', 'file', 'document', 'video']),
    })
    .nullable()
    .optional(),
  external_id: z.string().min(1).optional(),
  waba_footer: z.string().optional(),
  waba_category: z.enum(['UTILITY', 'AUTHENTICATION', 'MARKETING']).optional(),
  waba_language: z.string().min(1).optional(),
  waba_examples: z.record(z.string(), z.string()).optional(),
  waba_header: z.string().max(WABA_HEADER_MAX_LENGTH).nullable().optional(),
  /** `media` needs an `attachment`. */
  waba_header_type: z.enum(['text', 'media']).optional(),
};

/** The body of a template create. */
export const ChatTemplateCreateParamsSchema = z.strictObject({
  name: z.string().trim().min(1),
  content: z.string().min(1),
  ...templateWriteShape,
  request_id: RequestIdSchema.optional(),
});
/** The body of `chatTemplates.create`: `name` and `content` are required. */
export type ChatTemplateCreateParams = z.input<typeof ChatTemplateCreateParamsSchema>;

/** The body of a template update. */
export const ChatTemplateUpdateParamsSchema = z.strictObject({
  name: z.string().trim().min(1).optional(),
  content: z.string().min(1).optional(),
  ...templateWriteShape,
});
/** The body of `chatTemplates.update` (a `waba` template is editable only as a draft). */
export type ChatTemplateUpdateParams = z.input<typeof ChatTemplateUpdateParamsSchema>;

/** One item of `chatTemplates.updateMany`. */
export const ChatTemplateUpdateItemSchema = ChatTemplateUpdateParamsSchema.extend({
  id: IdSchema,
  request_id: RequestIdSchema.optional(),
});
/** One item of `chatTemplates.updateMany`. */
export type ChatTemplateUpdateItem = z.input<typeof ChatTemplateUpdateItemSchema>;

/** Params of `chatTemplates.list`. */
export const ChatTemplateListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  /** 1–50: templates page at 50, not 250. */
  limit: z.number().int().min(1).max(MAX_CHAT_TEMPLATES_PAGE_LIMIT).optional(),
  filter: z
    .strictObject({
      external_id: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    })
    .optional(),
  with: z.array(z.enum(['reviews'])).optional(),
});
/** Params of `chatTemplates.list`. */
export type ChatTemplateListParams = z.infer<typeof ChatTemplateListParamsSchema>;

/** Params of `chatTemplates.get`. */
export const ChatTemplateGetParamsSchema = z.strictObject({
  with: z.array(z.enum(['reviews'])).optional(),
});
/** Params of `chatTemplates.get`. */
export type ChatTemplateGetParams = z.infer<typeof ChatTemplateGetParamsSchema>;

/** The verdict a channel integration reports on a WhatsApp template. */
export const ChatTemplateReviewParamsSchema = z.strictObject({
  status: z.enum(['approved', 'paused', 'rejected']),
  reject_reason: z.string().max(REVIEW_REJECT_REASON_MAX_LENGTH).optional(),
});
/** The body of `chatTemplates.setReviewStatus`. */
export type ChatTemplateReviewParams = z.input<typeof ChatTemplateReviewParamsSchema>;

/** The public types of `kommo.chatTemplates` (see `RecordResource`). */
export interface ChatTemplateResourceTypes {
  item: ChatTemplate;
  ref: ChatTemplate;
  create: ChatTemplateCreateParams;
  update: ChatTemplateUpdateParams;
}

/**
 * The schemas of `kommo.chatTemplates` by what they check, for its route spec. Kommo answers
 * template writes with the templates.
 *
 * @internal
 */
export function chatTemplateRouteSchemas() {
  return {
    item: ChatTemplateSchema,
    page: ChatTemplateCollectionSchema,
    ref: ChatTemplateSchema,
    list: ChatTemplateListParamsSchema,
    get: ChatTemplateGetParamsSchema,
    create: ChatTemplateCreateParamsSchema,
    update: ChatTemplateUpdateParamsSchema,
    updateItem: ChatTemplateUpdateItemSchema,
    review: ChatTemplateReviewParamsSchema,
    reviewItem: ChatTemplateReviewSchema,
    reviews: ChatTemplateReviewCollectionSchema,
    ids: z.array(IdSchema).min(1),
  };
}
