/**
 * `bot`: builders of the handlers a continued Salesbot runs — typed, in Kommo's wire shape.
 * Kommo's limits (10 handlers, 80 characters, 25 buttons) are checked when the continue is
 * sent, naming the field that breaks one.
 *
 * @module
 */

import type { SalesbotHandler } from '../schemas/salesbot.js';

/** A `show` handler. */
export type SalesbotShowHandler = Extract<SalesbotHandler, { handler: 'show' }>;
/** A `goto` handler. */
export type SalesbotGotoHandler = Extract<SalesbotHandler, { handler: 'goto' }>;
/** An `exits` handler. */
export type SalesbotExitsHandler = Extract<SalesbotHandler, { handler: 'exits' }>;

/**
 * Builders of Salesbot handlers, for `onRequest` answers and `kommo.salesbot.continue`.
 *
 * @example
 * ```ts
 * return [
 *   bot.show('Which size do you need?'),
 *   bot.buttons('Pick one', ['S', 'M', 'L']),
 *   bot.goto('answer', 4),
 * ];
 * ```
 */
export const bot = {
  /** Sends the client a text (at most 80 characters). */
  show(value: string): SalesbotShowHandler {
    return { handler: 'show', params: { type: 'text', value } };
  },
  /** A text with reply buttons (at most 25). */
  buttons(value: string, buttons: readonly string[]): SalesbotShowHandler {
    return { handler: 'show', params: { type: 'buttons', value, buttons: [...buttons] } };
  },
  /** A text with link buttons: each an http(s) URL (at most 25). */
  buttonsUrl(value: string, urls: readonly string[]): SalesbotShowHandler {
    return { handler: 'show', params: { type: 'buttons_url', value, buttons: [...urls] } };
  },
  /** {@link bot.buttonsUrl} under Kommo's name for it (`show` of type `buttons_url`). */
  buttons_url(value: string, urls: readonly string[]): SalesbotShowHandler {
    return bot.buttonsUrl(value, urls);
  },
  /** Jumps to a step of the bot: a `question`, an `answer`, or `finish`. */
  goto(type: 'question' | 'answer' | 'finish', step: number): SalesbotGotoHandler {
    return { handler: 'goto', params: { type, step } };
  },
  /** Leaves the widget step by the exit with this code (e.g. `success`). */
  exits(value: string): SalesbotExitsHandler {
    return { handler: 'exits', params: { value } };
  },
};
