/**
 * Salesbot: the tasks of `salesbot.run`, and what continues a bot that waits on a
 * `widget_request` step — its `data` and the handlers it runs next, with Kommo's limits.
 *
 * @see https://developers.kommo.com/reference/salesbot-widget-block-execution-confirmation
 * @module
 */

import { z } from 'zod';
import {
  MAX_SALESBOT_BUTTONS,
  MAX_SALESBOT_HANDLERS,
  MAX_SALESBOT_SHOW_LENGTH,
  MAX_SALESBOT_TASKS,
} from '../facts.js';
import { IdSchema } from './common.js';

/** Which bot a `widget_request` step belongs to, and so which path continues it. */
export type SalesbotBotType = 'salesbot' | 'marketingbot';

/** One bot to start on one entity. */
export const SalesbotRunTaskSchema = z.strictObject({
  bot_id: IdSchema,
  /** The entity whose contact has a chat, or that contact itself. */
  entity_id: IdSchema,
  /** `leads` or `contacts` (Kommo's v2 wire codes `2` and `1` are accepted too). */
  entity_type: z
    .union([z.enum(['leads', 'contacts']), z.literal(1), z.literal(2)])
    // The v2 run takes Kommo's codes: 1 a contact, 2 a lead.
    .transform((type) => (typeof type === 'number' ? type : type === 'leads' ? 2 : 1)),
});
/** One bot to start on one entity: `{ bot_id, entity_id, entity_type }`. */
export type SalesbotRunTask = z.input<typeof SalesbotRunTaskSchema>;

/** The tasks of `salesbot.run`: 1 to {@link MAX_SALESBOT_TASKS}. */
export const SalesbotRunTasksSchema = z.array(SalesbotRunTaskSchema).min(1).max(MAX_SALESBOT_TASKS);

const ShowValueSchema = z.string().min(1).max(MAX_SALESBOT_SHOW_LENGTH);
const ButtonsSchema = <T extends z.ZodType>(button: T) =>
  z.array(button).min(1).max(MAX_SALESBOT_BUTTONS);

/** One handler a continued bot runs: `show` (text, buttons, link buttons), `goto`, `exits`. */
export const SalesbotHandlerSchema = z.discriminatedUnion('handler', [
  z.strictObject({
    handler: z.literal('show'),
    params: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('text'), value: ShowValueSchema }),
      z.strictObject({
        type: z.literal('buttons'),
        value: ShowValueSchema,
        buttons: ButtonsSchema(z.string().min(1)),
      }),
      z.strictObject({
        type: z.literal('buttons_url'),
        value: ShowValueSchema,
        buttons: ButtonsSchema(z.url({ protocol: /^https?$/ })),
      }),
    ]),
  }),
  z.strictObject({
    handler: z.literal('goto'),
    params: z.strictObject({
      type: z.enum(['question', 'answer', 'finish']),
      step: z.number().int().nonnegative(),
    }),
  }),
  z.strictObject({
    handler: z.literal('exits'),
    params: z.strictObject({ value: z.string().min(1) }),
  }),
]);
/**
 * One handler a continued bot runs. `show` sends the client a text (≤ 80 characters), with up to
 * 25 buttons or link buttons; `goto` jumps to a step of the bot; `exits` picks the widget step's
 * exit (not documented for continues: Kommo's docs show it in a widget's own bot code).
 */
export type SalesbotHandler = z.input<typeof SalesbotHandlerSchema>;

/** What continues a waiting bot: `data` for `{{json.<key>}}` markers, then the handlers. */
export const SalesbotContinueParamsSchema = z.strictObject({
  data: z.record(z.string(), z.unknown()).optional(),
  execute_handlers: z.array(SalesbotHandlerSchema).max(MAX_SALESBOT_HANDLERS).optional(),
});
/** What continues a waiting bot: `{ data?, execute_handlers? }`. */
export type SalesbotContinueParams = z.input<typeof SalesbotContinueParamsSchema>;

/** Which waiting bot to continue: the ids of its `return_url`, never the URL itself. */
export const SalesbotContinueTargetSchema = z.strictObject({
  bot_id: IdSchema,
  /** Kommo's `continue_id` (an integer in its docs; a safe word is accepted). */
  continue_id: z.union([IdSchema, z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)]),
  bot_type: z.enum(['salesbot', 'marketingbot']).optional(),
});
/** Which waiting bot to continue: `{ bot_id, continue_id, bot_type? }` (`salesbot` by default). */
export type SalesbotContinueTarget = z.input<typeof SalesbotContinueTargetSchema>;
