/**
 * `kommo.calls`: log calls by phone number (`POST /api/v4/calls`).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/calls-api
 * @module
 */

import { runBatch, type BatchOptions, type ChunkAnswer } from '../core/batch.js';
import { KommoError, parseItemErrors, type KommoValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import { lazy, parseInput, parseResponse } from '../core/schema.js';
import { MAX_BATCH_ITEMS } from '../facts.js';
import type { CallCreateParams, CallRef } from '../schemas/call.js';
import { APIResource } from './resource.js';

const PATH = '/api/v4/calls';

const schemas = lazy(() => import('../schemas/call.js').then((m) => m.callSchemas()));

/**
 * Calls: log telephony calls into the CRM. Kommo finds the contact or company by the phone's
 * last 10 digits and stores the call as a `call_in`/`call_out` note in its one open lead (when
 * it has no customers), else its one customer (when it has no open leads), else its card. A
 * number nobody has is refused (Kommo creates no contact): that item fails with Kommo's error
 * (`Entity not found`) while the others are logged.
 *
 * @example
 * ```ts
 * import { CALL_STATUS } from 'kommo-sdk';
 *
 * const [call] = await kommo.calls.createMany([
 *   {
 *     direction: 'inbound',
 *     phone: '+1 555 0100',
 *     duration: 148,
 *     source: 'my-pbx',
 *     uniq: 'pbx-8f52d38a',
 *     link: 'https://pbx.example.com/rec/8f52d38a.mp3',
 *     call_status: CALL_STATUS.SUCCESS,
 *     call_responsible: 504141,
 *   },
 * ]);
 * console.log(call?.entity_type, call?.entity_id); // 'lead', 19030890
 * ```
 */
export class Calls extends APIResource {
  /**
   * Logs one call.
   *
   * @throws {@link RequestValidationError} before sending, e.g. without `phone`.
   * @throws {@link BatchError} when Kommo did not log it (no card has that number).
   */
  async create(params: CallCreateParams, options?: RequestOptions): Promise<CallRef> {
    const [ref] = await this.createMany([params], options);
    return ref as CallRef;
  }

  /**
   * Logs any number of calls in chunks (default 50 per request, at most 250); returns what
   * Kommo answered for each, in input order.
   *
   * @throws {@link RequestValidationError} before sending anything, naming the item index.
   * @throws {@link BatchError} when some calls were not logged: each refused one is `failed`
   *   with Kommo's error (`Entity not found` for an unknown number), the others `applied`.
   */
  async createMany(items: readonly CallCreateParams[], options?: BatchOptions): Promise<CallRef[]> {
    const { creates, answer: answerSchema } = await schemas();
    const bodies = parseInput(creates, items, 'calls');
    const client = this._client;
    return runBatch(
      bodies,
      {
        maxChunkSize: MAX_BATCH_ITEMS,
        what: 'calls',
        requestIds: (ref) => (ref.request_id == null ? [] : [String(ref.request_id)]),
        send: async (chunk, opts): Promise<CallRef[] | ChunkAnswer<CallRef>> => {
          const response = await client._send({ method: 'POST', path: PATH, body: chunk }, opts);
          const answer = parseResponse(answerSchema, response.body ?? {}, {
            what: `calls (POST ${PATH})`,
            validate: client._validateResponses,
            requestId: response.requestId,
          });
          const refs = answer._embedded?.calls ?? [];
          const refused = keyRefused(parseItemErrors(answer), chunk, refs);
          if (refused.length === 0) return refs;
          const first = refused[0]?.errors[0]?.detail ?? 'refused';
          const error = new KommoError(
            'bad_request',
            `Kommo did not log ${String(refused.length)} of ${String(chunk.length)} calls: ${first} (POST ${PATH})`,
          );
          return { refs, refused, error };
        },
      },
      options,
    );
  }
}

/**
 * Gives refused calls without a `request_id` the ids of the items Kommo returned no call for,
 * when the counts leave no doubt (every item is either logged or refused).
 */
function keyRefused(
  refused: KommoValidationError[],
  chunk: ReadonlyArray<{ request_id?: string | undefined }>,
  refs: readonly CallRef[],
): KommoValidationError[] {
  const unkeyed = refused.filter((r) => r.requestId === '');
  if (unkeyed.length === 0 || refs.length + refused.length !== chunk.length) return refused;
  const logged = new Set(refs.map((r) => String(r.request_id)));
  const keyed = new Set(refused.map((r) => r.requestId));
  const missing = chunk
    .map((item, i) => item.request_id ?? String(i))
    .filter((id) => !logged.has(id) && !keyed.has(id));
  if (missing.length !== unkeyed.length) return refused;
  unkeyed.forEach((entry, i) => (entry.requestId = missing[i] ?? ''));
  return refused;
}
