/**
 * `kommo.customers` and its sub-resources: customers (periodic purchases), the statuses of the
 * customers pipeline, segments, transactions (purchases) and bonus points.
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/customers-api
 * @module
 */

import { sendWriteMany, sendWriteOne, type BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { parseInput } from '../core/schema.js';
import { MAX_BATCH_ITEMS, MAX_CUSTOMER_STATUSES } from '../facts.js';
import type * as s from '../schemas/customer.js';
import { EntityResource, RecordResource } from './bases.js';
import { APIResource, route, sendFor } from './resource.js';

const load = () => import('../schemas/customer.js');

const customers = route({
  path: '/api/v4/customers',
  key: 'customers',
  names: ['customer', 'customers'],
  nonEmptyUpdate: true,
  schemas: () => load().then((m) => m.customerRouteSchemas()),
});

const statuses = route({
  path: '/api/v4/customers/statuses',
  key: 'statuses',
  names: ['customer status', 'customer statuses'],
  // One account holds at most this many, so no create request carries more.
  maxChunk: MAX_CUSTOMER_STATUSES,
  paginated: false,
  nonEmptyUpdate: true,
  schemas: () => load().then((m) => m.customerStatusRouteSchemas()),
});

const segments = route({
  path: '/api/v4/customers/segments',
  key: 'segments',
  names: ['customer segment', 'customer segments'],
  nonEmptyUpdate: true,
  schemas: () => load().then((m) => m.customerSegmentRouteSchemas()),
});

/** `/api/v4/customers/transactions`, or a customer's `/api/v4/customers/{id}/transactions`. */
const transactions = route({
  path: '/api/v4/customers/transactions',
  key: 'transactions',
  names: ['transaction', 'transactions'],
  schemas: () => load().then((m) => m.customerTransactionRouteSchemas()),
});

/**
 * The statuses (stages) of the customers pipeline, used in periodicity mode:
 * `kommo.customers.statuses`. At most 30, system ones included; Kommo answers 422 while the
 * account is not in periodicity mode. Conditions that move customers between statuses are
 * read-only through the API.
 *
 * @example
 * ```ts
 * const { items } = await kommo.customers.statuses.list();
 * await kommo.customers.statuses.create({ name: 'VIP', sort: 60, color: '#fffeb2' });
 * ```
 */
export class CustomerStatuses extends RecordResource<s.CustomerStatusResourceTypes> {
  /** @internal */
  protected readonly _verbs = statuses.on(this._client);

  /** Lists the statuses (one page: Kommo does not paginate them). */
  list(options?: ListOptions): PagePromise<s.CustomerStatus> {
    return this._verbs.list(undefined, options);
  }

  /** Deletes a status (admin only; system statuses cannot be deleted). */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this._verbs.delete(id, options);
  }
}

/**
 * Customer segments, used in segments mode (a customer may be in several):
 * `kommo.customers.segments`. At most 100 per account; Kommo answers 422 while the account is
 * not in segments mode. Kommo creates segments one at a time.
 *
 * @example
 * ```ts
 * const segment = await kommo.customers.segments.create({ name: 'Wholesale', color: 'ae003f' });
 * await kommo.customers.update(customerId, { _embedded: { segments: [{ id: segment.id }] } });
 * ```
 */
export class CustomerSegments extends APIResource {
  readonly #api = segments.on(this._client);

  /** Lists the segments. */
  list(
    params?: s.CustomerSegmentListParams,
    options?: ListOptions,
  ): PagePromise<s.CustomerSegment> {
    return this.#api.list(params, options);
  }

  /**
   * Reads one segment.
   *
   * @throws {@link NotFoundError} for an unknown segment.
   */
  get(id: number, options?: RequestOptions): Promise<s.CustomerSegment> {
    return this.#api.get(id, undefined, options);
  }

  /**
   * Creates a segment (admin only) and returns it. Kommo takes one object per request, so
   * there is no `createMany`.
   *
   * @throws {@link RequestValidationError} before sending, e.g. a colour outside the palette.
   */
  async create(
    params: s.CustomerSegmentCreateParams,
    options?: RequestOptions,
  ): Promise<s.CustomerSegment> {
    const schemas = await segments.schemas();
    const body = parseInput(schemas.create, params, 'customer segment');
    return sendWriteOne(this._client, {
      method: 'POST',
      path: '/api/v4/customers/segments',
      body,
      key: 'segments',
      schema: schemas.ref,
      what: 'customer segment',
      options,
    });
  }

  /** Updates a segment with exactly the fields you pass and returns it. */
  update(
    id: number,
    params: s.CustomerSegmentUpdateParams,
    options?: RequestOptions,
  ): Promise<s.CustomerSegment> {
    return this.#api.update(id, params, options);
  }

  /** Deletes a segment (admin only). */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this.#api.delete(id, options);
  }
}

/** Options of a transaction create. */
export interface CustomerTransactionOptions extends BatchOptions {
  /**
   * Whether the purchases earn bonus points (Kommo's `accrue_bonus` query parameter). Left to
   * Kommo when not given.
   */
  accrueBonus?: boolean;
}

/**
 * Transactions (purchases) of customers: `kommo.customers.transactions`. Adding one updates
 * the customer's `ltv`, `purchases_count` and `average_check`; Kommo has no update for them.
 *
 * @example
 * ```ts
 * await kommo.customers.transactions.create(customerId, {
 *   price: 1500,
 *   comment: 'Order #4471',
 *   next_date: Math.floor(Date.now() / 1000) + 30 * 86_400,
 * });
 * const purchases = await kommo.customers.transactions.listFor(customerId).toArray({ max: 100 });
 * ```
 */
export class CustomerTransactions extends APIResource {
  readonly #all = transactions.on(this._client);

  #of(customerId: number) {
    return transactions.on(this._client, () => path`/api/v4/customers/${customerId}/transactions`);
  }

  /** Lists the transactions of every customer. */
  list(
    params?: s.CustomerTransactionListParams,
    options?: ListOptions,
  ): PagePromise<s.CustomerTransaction> {
    return this.#all.list(params, options);
  }

  /** Lists one customer's transactions. */
  listFor(
    customerId: number,
    params?: s.CustomerTransactionListParams,
    options?: ListOptions,
  ): PagePromise<s.CustomerTransaction> {
    return this.#of(customerId).list(params, options);
  }

  /**
   * Reads one transaction.
   *
   * @throws {@link NotFoundError} for an unknown transaction.
   */
  get(id: number, options?: RequestOptions): Promise<s.CustomerTransaction> {
    return this.#all.get(id, undefined, options);
  }

  /**
   * Adds one purchase to a customer.
   *
   * @throws {@link RequestValidationError} before sending, e.g. without `price`.
   */
  async create(
    customerId: number,
    params: s.CustomerTransactionCreateParams,
    options?: CustomerTransactionOptions,
  ): Promise<s.CustomerTransactionRef> {
    const [ref] = await this.createMany(customerId, [params], options);
    return ref as s.CustomerTransactionRef;
  }

  /**
   * Adds purchases to a customer in chunks; results come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    customerId: number,
    items: readonly s.CustomerTransactionCreateParams[],
    options: CustomerTransactionOptions = {},
  ): Promise<s.CustomerTransactionRef[]> {
    const { accrueBonus, ...batch } = options;
    const schemas = await transactions.schemas();
    const bodies = parseInput(schemas.creates, items, 'transactions');
    return sendWriteMany(this._client, {
      method: 'POST',
      path: path`/api/v4/customers/${customerId}/transactions`,
      // The official SDK sends the words, not 1/0.
      query: accrueBonus === undefined ? undefined : { accrue_bonus: String(accrueBonus) },
      items: bodies,
      key: 'transactions',
      schema: schemas.ref,
      what: 'transactions',
      maxChunk: MAX_BATCH_ITEMS,
      options: batch,
    });
  }

  /** Deletes a transaction. */
  delete(id: number, options?: RequestOptions): Promise<void> {
    return this.#all.delete(id, options);
  }
}

/**
 * Bonus points of customers (loyalty cards): `kommo.customers.bonusPoints`. Each call answers
 * the balance after the change; Kommo documents no way to read it without one.
 *
 * @example
 * ```ts
 * const { bonus_points } = await kommo.customers.bonusPoints.earn(customerId, 50);
 * ```
 */
export class CustomerBonusPoints extends APIResource {
  /** Adds points to a customer's balance. */
  earn(
    customerId: number,
    points: number,
    options?: RequestOptions,
  ): Promise<s.BonusPointsBalance> {
    return this.#change(customerId, 'earn', points, options);
  }

  /** Takes points from a customer's balance. */
  redeem(
    customerId: number,
    points: number,
    options?: RequestOptions,
  ): Promise<s.BonusPointsBalance> {
    return this.#change(customerId, 'redeem', points, options);
  }

  async #change(
    customerId: number,
    key: 'earn' | 'redeem',
    points: number,
    options: RequestOptions | undefined,
  ): Promise<s.BonusPointsBalance> {
    // Exactly one of the two keys: Kommo answers 400 to both.
    const { BonusPointsSchema, BonusPointsBalanceSchema } = await load();
    const body = { [key]: parseInput(BonusPointsSchema, points, `${key} points`) };
    return sendFor(
      this._client,
      { method: 'POST', path: path`/api/v4/customers/${customerId}/bonus_points`, body },
      { schema: BonusPointsBalanceSchema, what: 'bonus points' },
      options,
    );
  }
}

/**
 * Customers: buyers with repeat purchases. The {@link EntityResource} verbs (list, read,
 * create, update one or many, link contacts, companies and catalog elements, add notes), the
 * mode switch, and the sub-resources `statuses` (periodicity mode), `segments` (segments mode),
 * `transactions` and `bonusPoints`. Kommo documents no delete.
 *
 * @example
 * ```ts
 * await kommo.customers.setMode({ mode: 'periodicity', is_enabled: true });
 * const customer = await kommo.customers.create({
 *   name: 'Acme LLC',
 *   next_price: 1500,
 *   next_date: Math.floor(Date.now() / 1000) + 30 * 86_400,
 * });
 * await kommo.customers.link(customer.id, [{ to_entity_id: contactId, to_entity_type: 'contacts' }]);
 * await kommo.customers.transactions.create(customer.id, { price: 1500 });
 * ```
 * @see https://www.amocrm.ru/developers/content/crm_platform/customers-api
 */
export class Customers extends EntityResource<s.CustomerResourceTypes> {
  /** @internal */
  protected readonly _verbs = customers.on(this._client);
  /** The statuses of the customers pipeline (periodicity mode). */
  readonly statuses: CustomerStatuses = new CustomerStatuses(this._client);
  /** Customer segments (segments mode). */
  readonly segments: CustomerSegments = new CustomerSegments(this._client);
  /** Purchases of customers. */
  readonly transactions: CustomerTransactions = new CustomerTransactions(this._client);
  /** Bonus points (earn and redeem). */
  readonly bonusPoints: CustomerBonusPoints = new CustomerBonusPoints(this._client);

  /**
   * Turns customers on or off and picks the mode (admin only). `periodicity`: a customer is in
   * one status and moves by its next purchase date; `segments`: a customer may be in several
   * segments.
   *
   * @throws {@link PaymentRequiredError} when the account's plan has no customers (402).
   */
  async setMode(
    params: s.CustomersModeParams,
    options?: RequestOptions,
  ): Promise<s.CustomersModeResult> {
    const schemas = await customers.schemas();
    const body = parseInput(schemas.mode, params, 'customers mode');
    return sendFor(
      this._client,
      { method: 'PATCH', path: '/api/v4/customers/mode', body },
      { schema: schemas.modeResult, what: 'customers mode' },
      options,
    );
  }
}
