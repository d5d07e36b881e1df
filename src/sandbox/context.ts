/**
 * What a route handler gets, and what it returns.
 *
 * @module
 */

import type { WebhookInputData } from '../webhooks/encode.js';
import type { Reply } from './problems.js';
import type { QueryRecord } from './query.js';
import type { Store } from './state.js';

/** A data change that may trigger webhooks (`add_lead`, `status_lead`…). */
export interface ChangeEvent {
  /** The settings name a subscription lists to receive it, e.g. `status_lead`. */
  setting: string;
  /** The webhook entity key (`leads`, `contacts`, `companies`, `customers`; chats add `unsorted`, `talks`, `messages`). */
  entity: 'leads' | 'contacts' | 'companies' | 'customers' | 'unsorted' | 'talks' | 'messages';
  /** The webhook action (`add`, `update`, `status`, `responsible`, `note`, `delete`). */
  action: string;
  data: WebhookInputData;
}

/** The request as a handler sees it. */
export interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: QueryRecord;
  /** Parsed JSON body; `undefined` when there is none. */
  body: unknown;
  /** The body's bytes as received, on a surface that takes raw bodies (Drive's uploads). */
  raw?: Buffer;
  store: Store;
  /** The sandbox URL, for `_links`. */
  baseUrl: string;
  /** Unix seconds now. */
  now: number;
  /** The user the token belongs to. */
  userId: number;
  /** Changes made by this request, delivered as webhooks after the answer. */
  events: ChangeEvent[];
  noteTextMaxLength: number;
  /** Items in the body of a write, for the request log. */
  bodyItems?: number;
}

/** A route handler. */
export type Handler = (ctx: Ctx) => Reply;
