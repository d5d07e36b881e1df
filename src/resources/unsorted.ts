/**
 * `kommo.unsorted`: incoming leads ("Unsorted") — list, create form submissions and calls,
 * accept, decline, link, summary.
 *
 * @see https://developers.kommo.com/reference/incoming-leads
 * @module
 */

import type { BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { getOne, type ListOptions, type PagePromise } from '../core/pagination.js';
import { parseInput, parseResponse } from '../core/schema.js';
import type * as s from '../schemas/unsorted.js';
import { APIResource, route } from './resource.js';

const BASE = '/api/v4/leads/unsorted';

const load = () => import('../schemas/unsorted.js').then((m) => m.unsortedRouteSchemas());
type Schemas = Awaited<ReturnType<typeof load>>;

const unsorted = route({
  path: BASE,
  key: 'unsorted',
  names: ['unsorted', 'unsorted'],
  schemas: load,
});

/** `POST /api/v4/leads/unsorted/forms`. */
const forms = route({
  path: `${BASE}/forms`,
  key: 'unsorted',
  names: ['unsorted form', 'unsorted forms'],
  schemas: () => load().then((sc) => ({ ...sc, create: sc.createForm })),
});

/** `POST /api/v4/leads/unsorted/sip`. */
const calls = route({
  path: `${BASE}/sip`,
  key: 'unsorted',
  names: ['unsorted call', 'unsorted calls'],
  schemas: () => load().then((sc) => ({ ...sc, create: sc.createCall })),
});

function uidPath(sc: Schemas, uid: string, action: 'accept' | 'decline' | 'link'): string {
  return `${BASE}/${parseInput(sc.id, uid, 'unsorted uid')}/${action}`;
}

/**
 * s.Unsorted ("Incoming leads"): each item wraps one lead (plus at most one contact and one
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
export class UnsortedLeads extends APIResource {
  readonly #api = unsorted.on(this._client);
  readonly #forms = forms.on(this._client);
  readonly #calls = calls.on(this._client);

  /** Lists unsorted items; a 204 is an empty list. */
  list(params?: s.UnsortedListParams, options?: ListOptions): PagePromise<s.Unsorted> {
    return this.#api.list(params, options);
  }

  /**
   * Reads one unsorted item by `uid`.
   *
   * @throws {@link NotFoundError} when Kommo answers 204.
   */
  get(uid: string, options?: RequestOptions): Promise<s.Unsorted> {
    return this.#api.get(uid, undefined, options);
  }

  /**
   * Puts form submissions into s.Unsorted (`POST /api/v4/leads/unsorted/forms`), in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  createForms(
    items: readonly s.UnsortedFormCreateParams[],
    options?: BatchOptions,
  ): Promise<s.UnsortedRef[]> {
    return this.#forms.createMany(items, options);
  }

  /** Puts one form submission into s.Unsorted. */
  createForm(params: s.UnsortedFormCreateParams, options?: RequestOptions): Promise<s.UnsortedRef> {
    return this.#forms.create(params, options);
  }

  /**
   * Puts incoming calls into s.Unsorted (`POST /api/v4/leads/unsorted/sip`), in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  createCalls(
    items: readonly s.UnsortedCallCreateParams[],
    options?: BatchOptions,
  ): Promise<s.UnsortedRef[]> {
    return this.#calls.createMany(items, options);
  }

  /** Puts one incoming call into s.Unsorted. */
  createCall(params: s.UnsortedCallCreateParams, options?: RequestOptions): Promise<s.UnsortedRef> {
    return this.#calls.create(params, options);
  }

  /**
   * Accepts an item: its lead (and contact, company) become normal entities, the lead in
   * `status_id` when given.
   *
   * @throws {@link NotFoundError} for an unknown uid.
   */
  async accept(
    uid: string,
    params?: s.UnsortedAcceptParams,
    options?: RequestOptions,
  ): Promise<s.UnsortedActionResult> {
    const sc = await unsorted.schemas();
    const path = uidPath(sc, uid, 'accept');
    const body = parseInput(sc.accept, params ?? {}, 'unsorted accept params');
    return this.#action(sc, { method: 'POST', path, body }, options);
  }

  /**
   * Declines an item: its entities go to the trash. Kommo answers 200 with them (a `DELETE`
   * with an optional JSON body).
   *
   * @throws {@link NotFoundError} for an unknown uid.
   */
  async decline(
    uid: string,
    params?: s.UnsortedDeclineParams,
    options?: RequestOptions,
  ): Promise<s.UnsortedActionResult> {
    const sc = await unsorted.schemas();
    const path = uidPath(sc, uid, 'decline');
    const body = parseInput(sc.decline, params ?? {}, 'unsorted decline params');
    const withBody = Object.keys(body).length > 0 ? { body } : {};
    return this.#action(sc, { method: 'DELETE', path, ...withBody }, options);
  }

  /**
   * Attaches an item to an existing lead or customer instead of accepting it. Kommo documents
   * this for chats.
   */
  async link(
    uid: string,
    params: s.UnsortedLinkParams,
    options?: RequestOptions,
  ): Promise<s.UnsortedActionResult> {
    const sc = await unsorted.schemas();
    const path = uidPath(sc, uid, 'link');
    const body = parseInput(sc.link, params, 'unsorted link params');
    return this.#action(sc, { method: 'POST', path, body }, options);
  }

  /** Counts of unsorted items: total, accepted, declined, average sort time, per category. */
  async summary(
    params?: s.UnsortedSummaryParams,
    options?: RequestOptions,
  ): Promise<s.UnsortedSummary> {
    const sc = await unsorted.schemas();
    const p = parseInput(sc.summaryParams, params ?? {}, 'unsorted summary params');
    return getOne(this._client, {
      path: `${BASE}/summary`,
      query: { filter: p.filter },
      schema: sc.summary,
      what: 'unsorted summary',
      options,
    });
  }

  async #action(
    sc: Schemas,
    request: { method: 'POST' | 'DELETE'; path: string; body?: unknown },
    options: RequestOptions | undefined,
  ): Promise<s.UnsortedActionResult> {
    const response = await this._client._send(request, options);
    return parseResponse(sc.actionResult, response.body ?? {}, {
      what: `unsorted (${request.method} ${request.path})`,
      validate: this._client._validateResponses,
      requestId: response.requestId,
    });
  }
}

/**
 * The old name of {@link UnsortedLeads}.
 *
 * @deprecated Use `UnsortedLeads` (renamed in 0.2.0 so that resource classes don't clash with
 *   item types such as `s.Unsorted`); this alias goes in 0.3.0.
 */
export const UnsortedResource = UnsortedLeads;
/** @deprecated Use `UnsortedLeads`. */
export type UnsortedResource = UnsortedLeads;
