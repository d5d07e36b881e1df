/**
 * Customers (periodic purchases) as the sandbox keeps them: the customers, the statuses of the
 * customers pipeline (periodicity mode), segments (segments mode), transactions and bonus-point
 * balances. One book per {@link Store}, so `sandbox.reset()` (a new store) starts empty; the
 * mode itself is the account's `customers_mode`.
 *
 * @module
 */

import type { Store } from '../state.js';
import type { SandboxCardType, SandboxCustomFieldValues, SandboxEntityBase } from '../types.js';

/** A customer, in Kommo's field names (tags as ids, rendered as `_embedded.tags`). */
export interface SandboxCustomer extends SandboxEntityBase {
  next_price: number;
  next_date: number;
  status_id: number | null;
  periodicity: number;
  ltv: number;
  purchases_count: number;
  average_check: number;
  /** Segments the customer is in (segments mode). */
  segment_ids: number[];
}

/** A status of the customers pipeline. */
export interface SandboxCustomerStatus {
  id: number;
  name: string;
  sort: number;
  is_default: boolean;
  color: string;
  /** `0` regular, `1` purchase expected, `2` did not buy, `3` closed, `4` bought recently. */
  type: number;
  conditions: unknown[];
  account_id: number;
}

/** A customer segment. */
export interface SandboxCustomerSegment {
  id: number;
  name: string;
  color: string;
  created_at: number;
  updated_at: number;
  custom_fields_values: SandboxCustomFieldValues[] | null;
  available_products_price_types: number[];
  account_id: number;
}

/** A purchase of a customer. */
export interface SandboxTransaction {
  id: number;
  customer_id: number;
  price: number;
  comment: string | null;
  completed_at: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  is_deleted: boolean;
  catalog_elements: Array<{ id: number; metadata: Record<string, unknown> }>;
  account_id: number;
}

/** The system statuses an account gets when periodicity mode is first turned on. */
const SYSTEM_STATUSES: ReadonlyArray<Omit<SandboxCustomerStatus, 'id' | 'account_id'>> = [
  {
    name: 'Bought recently',
    sort: 10,
    is_default: false,
    color: '#ccff66',
    type: 4,
    conditions: [],
  },
  {
    name: 'Purchase expected',
    sort: 20,
    is_default: true,
    color: '#fffeb2',
    type: 1,
    conditions: [],
  },
  { name: 'Did not buy', sort: 30, is_default: false, color: '#ff8f92', type: 2, conditions: [] },
  { name: 'Closed', sort: 40, is_default: false, color: '#d6eaff', type: 3, conditions: [] },
];

/** The customers of one store. */
export class CustomerBook {
  readonly customers = new Map<number, SandboxCustomer>();
  readonly statuses = new Map<number, SandboxCustomerStatus>();
  readonly segments = new Map<number, SandboxCustomerSegment>();
  readonly transactions = new Map<number, SandboxTransaction>();
  /** Bonus-point balance per customer id. */
  readonly bonusPoints = new Map<number, number>();

  constructor(private readonly store: Store) {}

  /** A new id of a kind, in Kommo-like ranges (never assume +1). */
  nextId(kind: 'customer' | 'customerStatus' | 'segment' | 'transaction'): number {
    const base = {
      customer: 134_957,
      customerStatus: 5_649_280,
      segment: 81,
      transaction: 905_000,
    };
    return base[kind] + this.store.nextId(kind, 2);
  }

  /** The mode the account runs customers in: `periodicity`, `segments`, or off. */
  get mode(): string {
    return this.store.account.customers_mode;
  }

  /** Switches the mode; turning periodicity on the first time adds the system statuses. */
  setMode(mode: string, enabled: boolean): void {
    this.store.account.customers_mode = enabled ? mode : 'disabled';
    if (enabled && mode === 'periodicity' && this.statuses.size === 0) {
      for (const status of SYSTEM_STATUSES) {
        const id = this.nextId('customerStatus');
        this.statuses.set(id, { ...status, id, account_id: this.store.account.id });
      }
    }
  }

  /** The status new customers land in (periodicity mode). */
  defaultStatus(): SandboxCustomerStatus | undefined {
    for (const s of this.statuses.values()) if (s.is_default) return s;
    return this.statuses.values().next().value;
  }

  /** How many customers a segment holds. */
  countIn(segmentId: number): number {
    let n = 0;
    for (const c of this.customers.values()) if (c.segment_ids.includes(segmentId)) n++;
    return n;
  }

  /** Records a purchase and updates the customer's totals. */
  addTransaction(t: SandboxTransaction): void {
    this.transactions.set(t.id, t);
    this.#recount(t.customer_id);
  }

  /** Deletes a purchase; `false` when there is none with that id. */
  deleteTransaction(id: number): boolean {
    const t = this.transactions.get(id);
    if (!t) return false;
    this.transactions.delete(id);
    this.#recount(t.customer_id);
    return true;
  }

  #recount(customerId: number): void {
    const customer = this.customers.get(customerId);
    if (!customer) return;
    const prices = [...this.transactions.values()]
      .filter((t) => t.customer_id === customerId)
      .map((t) => t.price);
    customer.ltv = prices.reduce((a, b) => a + b, 0);
    customer.purchases_count = prices.length;
    customer.average_check = prices.length === 0 ? 0 : Math.round(customer.ltv / prices.length);
  }
}

const books = new WeakMap<Store, CustomerBook>();

/** The customer book of a store (created on first use). */
export function customersOf(store: Store): CustomerBook {
  let book = books.get(store);
  if (!book) {
    book = new CustomerBook(store);
    books.set(store, book);
  }
  return book;
}

/** Whether a lead, contact, company or customer with this id exists. */
export function cardExists(store: Store, type: SandboxCardType, id: number): boolean {
  return type === 'customers'
    ? customersOf(store).customers.has(id)
    : store.entity(type, id) !== undefined;
}
