/**
 * `kommo.unsorted`: incoming leads ("Unsorted") — list, create form submissions and calls,
 * accept, decline, link, summary.
 *
 * @see https://developers.kommo.com/reference/incoming-leads
 * @module
 */

import { z } from 'zod';
import {
  refRequestIds,
  runBatch,
  sendWrite,
  sendWriteOne,
  type BatchOptions,
} from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { getOne, listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { parseResponse } from '../core/schema.js';
import { parseInput } from '../schemas/common.js';
import {
  UnsortedAcceptParamsSchema,
  UnsortedActionResultSchema,
  UnsortedCallCreateParamsSchema,
  UnsortedCollectionSchema,
  UnsortedDeclineParamsSchema,
  UnsortedFormCreateParamsSchema,
  UnsortedLinkParamsSchema,
  UnsortedListParamsSchema,
  UnsortedRefSchema,
  UnsortedSchema,
  UnsortedSummaryParamsSchema,
  UnsortedSummarySchema,
  UnsortedUidSchema,
  type Unsorted,
  type UnsortedAcceptParams,
  type UnsortedActionResult,
  type UnsortedCallCreateParams,
  type UnsortedDeclineParams,
  type UnsortedFormCreateParams,
  type UnsortedLinkParams,
  type UnsortedListParams,
  type UnsortedRef,
  type UnsortedSummary,
  type UnsortedSummaryParams,
} from '../schemas/unsorted.js';
import { APIResource } from './resource.js';

const BASE = '/api/v4/leads/unsorted';

function uidPath(uid: string, action?: 'accept' | 'decline' | 'link'): string {
  const u = parseInput(UnsortedUidSchema, uid, 'unsorted uid');
  return action ? `${BASE}/${u}/${action}` : `${BASE}/${u}`;
}

/**
 * Unsorted ("Incoming leads"): each item wraps one lead (plus at most one contact and one
 * company) hidden from normal lists until accepted. Forms and calls can be created through
 * the API; chats and mail come from Kommo's channels. There is no update.
 *
 * @example
 * ```ts
 * const [ref] = await kommo.unsorted.createForms([{
 *   source_uid: 'landing-42',
 *   source_name: 'Website form',
 *   metadata: { form_id: 'contact-us', form_name: 'Contact us', form_page: 'https://example.com/contact', form_sent_at: now },
 *   _embedded: { leads: [{ name: 'Request from site' }], contacts: [{ first_name: 'Ann' }] },
 * }]);
 * await kommo.unsorted.accept(ref!.uid, { status_id: firstStageId });
 * ```
 * @see https://developers.kommo.com/reference/incoming-leads
 */
export class UnsortedResource extends APIResource {
  /** Lists unsorted items; a 204 is an empty list. */
  list(params?: UnsortedListParams, options?: ListOptions): PagePromise<Unsorted> {
    return listPages<Unsorted>(
      this._client,
      () => {
        const p = parseInput(UnsortedListParamsSchema, params ?? {}, 'unsorted list params');
        return {
          path: BASE,
          query: { filter: p.filter, order: p.order },
          key: 'unsorted',
          schema: UnsortedCollectionSchema,
          what: 'unsorted',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one unsorted item by `uid`.
   *
   * @throws {@link NotFoundError} when Kommo answers 204.
   */
  async get(uid: string, options?: RequestOptions): Promise<Unsorted> {
    const p = uidPath(uid);
    return getOne(this._client, { path: p }, UnsortedSchema, `unsorted ${uid}`, options);
  }

  /**
   * Puts form submissions into Unsorted (`POST /api/v4/leads/unsorted/forms`), in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createForms(
    items: readonly UnsortedFormCreateParams[],
    options?: BatchOptions,
  ): Promise<UnsortedRef[]> {
    const bodies = parseInput(z.array(UnsortedFormCreateParamsSchema), items, 'unsorted forms');
    return this.#create('forms', bodies, options);
  }

  /** Puts one form submission into Unsorted. */
  async createForm(
    params: UnsortedFormCreateParams,
    options?: RequestOptions,
  ): Promise<UnsortedRef> {
    const body = parseInput(UnsortedFormCreateParamsSchema, params, 'unsorted form');
    return this.#createOne('forms', body, options);
  }

  /**
   * Puts incoming calls into Unsorted (`POST /api/v4/leads/unsorted/sip`), in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createCalls(
    items: readonly UnsortedCallCreateParams[],
    options?: BatchOptions,
  ): Promise<UnsortedRef[]> {
    const bodies = parseInput(z.array(UnsortedCallCreateParamsSchema), items, 'unsorted calls');
    return this.#create('sip', bodies, options);
  }

  /** Puts one incoming call into Unsorted. */
  async createCall(
    params: UnsortedCallCreateParams,
    options?: RequestOptions,
  ): Promise<UnsortedRef> {
    const body = parseInput(UnsortedCallCreateParamsSchema, params, 'unsorted call');
    return this.#createOne('sip', body, options);
  }

  /**
   * Accepts an item: its lead (and contact, company) become normal entities, the lead in
   * `status_id` when given.
   *
   * @throws {@link NotFoundError} for an unknown uid.
   */
  async accept(
    uid: string,
    params?: UnsortedAcceptParams,
    options?: RequestOptions,
  ): Promise<UnsortedActionResult> {
    const p = uidPath(uid, 'accept');
    const body = parseInput(UnsortedAcceptParamsSchema, params ?? {}, 'unsorted accept params');
    return this.#action({ method: 'POST', path: p, body }, options);
  }

  /**
   * Declines an item: its entities go to the trash. Kommo answers 200 with them (a `DELETE`
   * with an optional JSON body).
   *
   * @throws {@link NotFoundError} for an unknown uid.
   */
  async decline(
    uid: string,
    params?: UnsortedDeclineParams,
    options?: RequestOptions,
  ): Promise<UnsortedActionResult> {
    const p = uidPath(uid, 'decline');
    const body = parseInput(UnsortedDeclineParamsSchema, params ?? {}, 'unsorted decline params');
    return this.#action(
      { method: 'DELETE', path: p, ...(Object.keys(body).length > 0 ? { body } : {}) },
      options,
    );
  }

  /**
   * Attaches an item to an existing lead or customer instead of accepting it. Kommo documents
   * this for chats.
   */
  async link(
    uid: string,
    params: UnsortedLinkParams,
    options?: RequestOptions,
  ): Promise<UnsortedActionResult> {
    const p = uidPath(uid, 'link');
    const body = parseInput(UnsortedLinkParamsSchema, params, 'unsorted link params');
    return this.#action({ method: 'POST', path: p, body }, options);
  }

  /** Counts of unsorted items: total, accepted, declined, average sort time, per category. */
  async summary(
    params?: UnsortedSummaryParams,
    options?: RequestOptions,
  ): Promise<UnsortedSummary> {
    const p = parseInput(UnsortedSummaryParamsSchema, params ?? {}, 'unsorted summary params');
    return getOne(
      this._client,
      { path: `${BASE}/summary`, query: { filter: p.filter } },
      UnsortedSummarySchema,
      'unsorted summary',
      options,
    );
  }

  #create(
    category: 'forms' | 'sip',
    bodies: Array<{ request_id?: string | undefined }>,
    options: BatchOptions | undefined,
  ): Promise<UnsortedRef[]> {
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: `unsorted ${category}`,
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: `${BASE}/${category}`, body: chunk },
            'unsorted',
            UnsortedRefSchema,
            `unsorted ${category}`,
            opts,
          ),
      },
      options,
    );
  }

  #createOne(
    category: 'forms' | 'sip',
    body: unknown,
    options: RequestOptions | undefined,
  ): Promise<UnsortedRef> {
    return sendWriteOne(
      this._client,
      { method: 'POST', path: `${BASE}/${category}`, body: [body] },
      'unsorted',
      UnsortedRefSchema,
      `unsorted ${category === 'sip' ? 'call' : 'form'}`,
      options,
    );
  }

  async #action(
    request: { method: 'POST' | 'DELETE'; path: string; body?: unknown },
    options: RequestOptions | undefined,
  ): Promise<UnsortedActionResult> {
    const response = await this._client._send(request, options);
    return parseResponse(UnsortedActionResultSchema, response.body ?? {}, {
      what: `unsorted (${request.method} ${request.path})`,
      validate: this._client._validateResponses,
      requestId: response.requestId,
    });
  }
}
