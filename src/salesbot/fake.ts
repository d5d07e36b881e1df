/**
 * `fakeWidgetRequest`: a `widget_request` delivery as Kommo sends it — JSON body with a token
 * signed with the integration's secret key (HS512) — to test a receiver without an account.
 *
 * @module
 */

import type { SalesbotBotType } from '../schemas/salesbot.js';
import { signWebhook } from '../webhooks/sign.js';

/** Parameters of {@link fakeWidgetRequest}. */
export interface FakeWidgetRequestParams {
  /** The receiver's URL. */
  url: string;
  /** The integration's secret key (client secret): the token is signed with it. */
  secret: string;
  /** @defaultValue 1 */
  botId?: number;
  /** @defaultValue a random integer */
  continueId?: number | string;
  /** @defaultValue `'salesbot'` */
  botType?: SalesbotBotType;
  /** The step's `data`. @defaultValue `{}` */
  data?: Record<string, unknown>;
  /** The account. @defaultValue `{ id: 1, subdomain: 'example' }` on `example.kommo.com` */
  account?: { id?: number; subdomain?: string; host?: string };
  /** The entity the bot runs on (`entity_type` as Kommo puts it in the token). */
  entity?: { type: string | number; id: number };
  /** The token's `aud`. @defaultValue the receiver's origin */
  audience?: string;
  /** More claims, or claims to override (an `exp` in the past, …). */
  claims?: Record<string, unknown>;
  /** The clock, in ms since the epoch. @defaultValue `Date.now` */
  now?: () => number;
}

/**
 * Builds the `Request` Kommo would send for a bot's `widget_request` step: POST, JSON
 * `{ token, data, return_url }`, the token signed like Kommo's. Send it to a handler
 * (`await handler(request)`) or over the network (`await fetch(request)`).
 *
 * @example
 * ```ts
 * const request = await fakeWidgetRequest({
 *   url: 'http://127.0.0.1:3000/salesbot',
 *   secret: process.env.KOMMO_CLIENT_SECRET!,
 *   data: { message: 'Do you ship to Lisbon?' },
 * });
 * const response = await fetch(request);
 * ```
 */
export async function fakeWidgetRequest(params: FakeWidgetRequestParams): Promise<Request> {
  const account = {
    id: params.account?.id ?? 1,
    subdomain: params.account?.subdomain ?? 'example',
  };
  const host = params.account?.host ?? `${account.subdomain}.kommo.com`;
  const botType = params.botType ?? 'salesbot';
  const continueId = params.continueId ?? 1 + Math.floor(Math.random() * 1e9);
  const { token } = await signWebhook({
    scheme: 'salesbot-jwt',
    secret: params.secret,
    ...(params.now !== undefined && { now: params.now }),
    claims: {
      iss: `https://${host}`,
      aud: params.audience ?? new URL(params.url).origin,
      account_id: account.id,
      subdomain: account.subdomain,
      bot_type: botType,
      ...(params.entity && { entity_type: params.entity.type, entity_id: params.entity.id }),
      ...params.claims,
    },
  });
  const body = JSON.stringify({
    token,
    data: params.data ?? {},
    return_url: `https://${host}/api/v4/${botType}/${String(params.botId ?? 1)}/continue/${String(continueId)}`,
  });
  return new Request(params.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}
