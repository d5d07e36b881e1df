/**
 * Find-or-create a contact by phone or e-mail, with normalisation and in-process deduplication.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import { KommoError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import type { TagInput } from '../schemas/common.js';
import type { Contact } from '../schemas/contact.js';
import { cf, getEmails, getPhones } from '../values.js';
import { requestOptionsOf } from './request-options.js';

/** How phone numbers are normalised. */
export interface PhoneNormalizeOptions {
  /**
   * The country code (digits) given to numbers typed without one (no `+` and no `00`),
   * e.g. `'1'` (US), `'7'` (Russia), `'55'` (Brazil). Without it such numbers keep their digits
   * and get no `+`.
   *
   * @defaultValue none
   */
  defaultCountryCode?: string;
  /**
   * The national trunk prefix dropped before the country code is added: `'8'` turns
   * `8 912 345-67-89` into `+79123456789` with `defaultCountryCode: '7'`; `'0'` for most of
   * Europe.
   *
   * @defaultValue none
   */
  trunkPrefix?: string;
}

/** The fewest digits a phone number may have; shorter input is not a phone. */
const MIN_PHONE_DIGITS = 5;

/**
 * Normalises a phone number: keeps digits, turns a leading `00` or `+` into `+`, and adds the
 * configured country code to national numbers. Returns `undefined` for input with fewer than
 * five digits.
 *
 * @example
 * ```ts
 * normalizePhone('+1 (555) 010-0100'); // '+15550100100'
 * normalizePhone('8 912 345-67-89', { defaultCountryCode: '7', trunkPrefix: '8' }); // '+79123456789'
 * ```
 */
export function normalizePhone(
  input: string,
  options: PhoneNormalizeOptions = {},
): string | undefined {
  const trimmed = input.trim();
  let digits = trimmed.replace(/\D+/g, '');
  let international = trimmed.startsWith('+');
  if (!international && digits.startsWith('00')) {
    international = true;
    digits = digits.slice(2);
  }
  if (digits.length < MIN_PHONE_DIGITS) return undefined;
  if (international) return `+${digits}`;
  const cc = options.defaultCountryCode?.replace(/\D+/g, '');
  if (!cc) return digits;
  const trunk = options.trunkPrefix;
  if (trunk && digits.startsWith(trunk)) digits = digits.slice(trunk.length);
  return `+${cc}${digits}`;
}

/**
 * Normalises an e-mail address: trimmed, inner spaces removed, lower case. Returns `undefined`
 * when there is no `@` with text on both sides.
 *
 * @example
 * ```ts
 * normalizeEmail('  Ann.Lee@Example.COM '); // 'ann.lee@example.com'
 * ```
 */
export function normalizeEmail(input: string): string | undefined {
  const email = input.replace(/\s+/g, '').toLowerCase();
  const at = email.lastIndexOf('@');
  return at > 0 && at < email.length - 1 ? email : undefined;
}

/** Who to find or create. */
export interface FindOrCreateContactInput {
  /** The contact's name; used only when a contact is created. */
  name: string;
  /** A phone number in any common format. */
  phone?: string;
  /** An e-mail address. */
  email?: string;
  /** Responsible user of a created contact. */
  responsible_user_id?: number;
  /** Tags of a created contact: names or `{ id }` / `{ name }`. */
  tags?: ReadonlyArray<TagInput | string>;
}

/** Options of {@link findOrCreateContact}. */
export interface FindOrCreateContactOptions extends RequestOptions, PhoneNormalizeOptions {}

/** What {@link findOrCreateContact} found or created. */
export interface FindOrCreateContactResult {
  /** The contact id. */
  id: number;
  /** `true` when the contact was created by this call. */
  created: boolean;
  /** What matched an existing contact; `'none'` when it was created. */
  matchedBy: 'phone+email' | 'phone' | 'email' | 'none';
  /** The existing contact as read (absent when created: Kommo returns only the id). */
  contact?: Contact;
  /** The normalised phone and e-mail used for matching. */
  phone: string | undefined;
  email: string | undefined;
}

interface ClientState {
  /** The tail of the queue of each normalised key (`phone:+1555…`, `email:ann@…`). */
  tails: Map<string, Promise<unknown>>;
  /**
   * Contacts created in this process, by key. Kommo's search index can lag behind a create, so
   * a second call right after a create would not find the contact by searching.
   */
  created: Map<string, { id: number; at: number }>;
}

/** How long a contact created here is remembered: far longer than Kommo's search lag. */
const CREATED_TTL_MS = 10 * 60_000;
/** The most remembered contacts per client, so a long-running process stays small. */
const CREATED_MAX = 10_000;

const states = new WeakMap<Kommo, ClientState>();

function stateOf(kommo: Kommo): ClientState {
  let state = states.get(kommo);
  if (!state) {
    state = { tails: new Map(), created: new Map() };
    states.set(kommo, state);
  }
  return state;
}

/**
 * Runs `task` after every earlier task that shares one of `keys` has settled. Keys are claimed
 * synchronously, all at once, so two tasks never wait for each other (no deadlock).
 */
function serialize<T>(
  state: ClientState,
  keys: readonly string[],
  task: () => Promise<T>,
): Promise<T> {
  const before = keys.flatMap((k) => {
    const tail = state.tails.get(k);
    return tail ? [tail] : [];
  });
  const run = Promise.allSettled(before).then(task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  for (const key of keys) state.tails.set(key, settled);
  void settled.then(() => {
    for (const key of keys) if (state.tails.get(key) === settled) state.tails.delete(key);
  });
  return run;
}

function score(
  contact: Contact,
  phone: string | undefined,
  email: string | undefined,
  options: PhoneNormalizeOptions,
): FindOrCreateContactResult['matchedBy'] {
  // Digits decide: '+15550100100' and '15550100100' are the same number typed twice.
  const phoneHit =
    phone !== undefined &&
    getPhones(contact).some((p) => digitsOf(normalizePhone(p.value, options)) === digitsOf(phone));
  const emailHit =
    email !== undefined && getEmails(contact).some((e) => normalizeEmail(e.value) === email);
  if (phoneHit && emailHit) return 'phone+email';
  if (phoneHit) return 'phone';
  if (emailHit) return 'email';
  return 'none';
}

function digitsOf(phone: string | undefined): string | undefined {
  return phone?.replace(/^\+/, '');
}

const RANK = { 'phone+email': 3, phone: 2, email: 1, none: 0 } as const;

/** Candidates read per search: enough for any real duplicate set. */
const SEARCH_MAX = 50;

/**
 * Finds a contact by phone or e-mail, or creates one. Phones and e-mails are normalised
 * ({@link normalizePhone}, {@link normalizeEmail}) on both sides, so `+1 (555) 010-0100` finds a
 * contact stored as `15550100100`. The best match wins: phone and e-mail, then phone, then
 * e-mail; among equals the oldest contact (lowest id).
 *
 * Calls for the same normalised phone or e-mail run one after another within the process, and a
 * contact created here is remembered, so two parallel calls never create two contacts. Across
 * processes, put a lock of your own around it (Kommo has no unique constraint).
 *
 * @throws {@link KommoError} with code `invalid_request` when neither a valid phone nor a valid
 *   e-mail is given.
 * @example
 * ```ts
 * const { id, created } = await findOrCreateContact(kommo, {
 *   name: 'Ann Lee',
 *   phone: '+1 (555) 010-0100',
 *   email: 'Ann.Lee@example.com',
 * });
 * ```
 */
export async function findOrCreateContact(
  kommo: Kommo,
  input: FindOrCreateContactInput,
  options: FindOrCreateContactOptions = {},
): Promise<FindOrCreateContactResult> {
  const { defaultCountryCode, trunkPrefix } = options;
  const request = requestOptionsOf(options);
  const phoneOptions: PhoneNormalizeOptions = {
    ...(defaultCountryCode !== undefined ? { defaultCountryCode } : {}),
    ...(trunkPrefix !== undefined ? { trunkPrefix } : {}),
  };
  const phone = input.phone === undefined ? undefined : normalizePhone(input.phone, phoneOptions);
  const email = input.email === undefined ? undefined : normalizeEmail(input.email);
  if (phone === undefined && email === undefined) {
    throw new KommoError(
      'invalid_request',
      'findOrCreateContact needs a valid phone (5+ digits) or e-mail address',
    );
  }
  const keys = [
    ...(phone !== undefined ? [`phone:${digitsOf(phone) ?? ''}`] : []),
    ...(email !== undefined ? [`email:${email}`] : []),
  ];
  const state = stateOf(kommo);

  return serialize(state, keys, async () => {
    for (const key of keys) {
      const memo = state.created.get(key);
      if (memo !== undefined && Date.now() - memo.at < CREATED_TTL_MS) {
        const id = memo.id;
        return {
          id,
          created: false,
          matchedBy: key.startsWith('phone') ? 'phone' : 'email',
          phone,
          email,
        };
      }
    }

    let best: { contact: Contact; matchedBy: FindOrCreateContactResult['matchedBy'] } | undefined;
    // Phone first: it is the stronger identity in chats; the e-mail search runs only when the
    // phone found nothing that matches exactly.
    const queries = [
      ...(phone !== undefined ? [phone.replace(/^\+/, '')] : []),
      ...(email !== undefined ? [email] : []),
    ];
    for (const query of queries) {
      const candidates = await kommo.contacts
        .search(query, undefined, request)
        .toArray({ max: SEARCH_MAX });
      for (const contact of candidates) {
        const matchedBy = score(contact, phone, email, phoneOptions);
        if (matchedBy === 'none') continue;
        if (
          !best ||
          RANK[matchedBy] > RANK[best.matchedBy] ||
          (RANK[matchedBy] === RANK[best.matchedBy] && contact.id < best.contact.id)
        ) {
          best = { contact, matchedBy };
        }
      }
      if (best) break;
    }
    if (best) {
      return {
        id: best.contact.id,
        created: false,
        matchedBy: best.matchedBy,
        contact: best.contact,
        phone,
        email,
      };
    }

    const ref = await kommo.contacts.create(
      {
        name: input.name,
        custom_fields_values: [
          ...(phone !== undefined ? [cf.phones([phone], 'MOB')] : []),
          ...(email !== undefined ? [cf.emails([email], 'WORK')] : []),
        ],
        ...(input.responsible_user_id !== undefined
          ? { responsible_user_id: input.responsible_user_id }
          : {}),
        ...(input.tags !== undefined
          ? { tags_to_add: input.tags.map((t) => (typeof t === 'string' ? { name: t } : t)) }
          : {}),
      },
      request,
    );
    for (const key of keys) {
      state.created.delete(key);
      state.created.set(key, { id: ref.id, at: Date.now() });
    }
    // Maps iterate in insertion order: the first key is the oldest.
    while (state.created.size > CREATED_MAX) {
      const oldest = state.created.keys().next().value;
      if (oldest === undefined) break;
      state.created.delete(oldest);
    }
    return { id: ref.id, created: true, matchedBy: 'none', phone, email };
  });
}
