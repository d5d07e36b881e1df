/**
 * The in-memory account: tables indexed by id, links, tags and notes, and the seeded data.
 * Leads beyond the eagerly built ones are generated on read from a pure function, so an
 * account of 100,000 leads starts at once and costs memory only for leads that were written.
 *
 * @module
 */

import { WON_STATUS_ID } from '../facts.js';
import {
  ACCOUNT_ID,
  COMPANY_NAMES,
  EAGER_LEADS,
  FIRST_NAMES,
  LAST_NAMES,
  LEAD_ID_BASE,
  SEED_EPOCH,
  SEED_IDS,
  generateLead,
  phoneFor,
  seedAccount,
  seedCustomFields,
  seedLossReasons,
  seedCatalogs,
  seedEvents,
  seedPipelines,
  seedTasks,
  seedUsers,
  type LeadGeneratorContext,
} from './seed.js';
import { mulberry32, pick } from './prng.js';
import type {
  SandboxAccount,
  SandboxCardType,
  SandboxFieldEntityType,
  SandboxCatalog,
  SandboxCatalogElement,
  SandboxCompany,
  SandboxContact,
  SandboxCustomField,
  SandboxCustomFieldGroup,
  SandboxCustomFieldValues,
  SandboxEntityType,
  SandboxLead,
  SandboxLink,
  SandboxLossReason,
  SandboxNote,
  SandboxPipeline,
  SandboxRole,
  SandboxSource,
  SandboxTag,
  SandboxTask,
  SandboxEvent,
  SandboxUnsorted,
  SandboxUser,
  SandboxUsersGroup,
  SandboxWebhookSubscription,
} from './types.js';

/** Read access to one kind of entity of the sandbox. */
export interface SandboxCollection<T> {
  /** The entity with this id, or `undefined`. */
  get(id: number): Readonly<T> | undefined;
  /** How many there are (seeded lazily generated leads included). */
  readonly size: number;
  /** Every entity in id order (creation order). */
  values(): IterableIterator<Readonly<T>>;
  /** The entities `predicate` accepts. Walks the whole collection. */
  filter(predicate: (item: Readonly<T>) => boolean): Array<Readonly<T>>;
}

/**
 * What the sandbox holds, for assertions in tests: `sandbox.state.leads.get(id)`,
 * `sandbox.state.leads.size`, `sandbox.state.linksOf('leads', id)`…
 *
 * Objects are the sandbox's own: treat them as read-only and change data through the API.
 */
export interface SandboxState {
  readonly account: Readonly<SandboxAccount>;
  readonly leads: SandboxCollection<SandboxLead>;
  readonly contacts: SandboxCollection<SandboxContact>;
  readonly companies: SandboxCollection<SandboxCompany>;
  readonly notes: SandboxCollection<SandboxNote>;
  readonly users: SandboxCollection<SandboxUser>;
  readonly pipelines: SandboxCollection<SandboxPipeline>;
  readonly customFields: SandboxCollection<SandboxCustomField>;
  readonly webhooks: SandboxCollection<SandboxWebhookSubscription>;
  /** Tasks of leads, contacts, companies and customers. */
  readonly tasks: SandboxCollection<SandboxTask>;
  /** The audit log (`/api/v4/events`), oldest first. */
  readonly events: readonly SandboxEvent[];
  /** The links of one entity (contacts, companies, leads, catalog elements). */
  linksOf(entityType: SandboxEntityType, id: number): SandboxLink[];
  /** The tags attached to one entity. */
  tagsOf(entityType: SandboxEntityType, id: number): SandboxTag[];
}

/** Seed settings: what the account holds at start and after `sandbox.reset()`. */
export interface SandboxSeedOptions {
  /**
   * How many leads the account holds. The first 20 are built with contacts, tags and notes;
   * the rest are generated lazily (reads cost nothing until a lead is written), so
   * `100_000` starts in milliseconds.
   *
   * @defaultValue 20
   */
  leads?: number;
  /** @defaultValue 12 */
  contacts?: number;
  /** @defaultValue 4 */
  companies?: number;
  /**
   * The PRNG seed: the same number gives the same data on every run.
   *
   * @defaultValue 1
   */
  random?: number;
}

/** A table of entities by id, in insertion order. @internal */
class Table<T extends { id: number }> implements SandboxCollection<T> {
  readonly #rows = new Map<number, T>();

  get(id: number): T | undefined {
    return this.#rows.get(id);
  }

  has(id: number): boolean {
    return this.#rows.has(id);
  }

  /** Adds or replaces a row (replacing keeps its position). */
  set(row: T): void {
    this.#rows.set(row.id, row);
  }

  delete(id: number): boolean {
    return this.#rows.delete(id);
  }

  get size(): number {
    return this.#rows.size;
  }

  values(): IterableIterator<T> {
    return this.#rows.values();
  }

  filter(predicate: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (const row of this.#rows.values()) if (predicate(row)) out.push(row);
    return out;
  }

  /** Rows as an array (for sorting and paging). */
  toArray(): T[] {
    return [...this.#rows.values()];
  }
}

/**
 * Leads: eagerly built seed leads, then lazily generated ones (ids in one arithmetic run),
 * then created ones. A generated lead that gets written is stored ("materialized").
 * @internal
 */
class LeadTable implements SandboxCollection<SandboxLead> {
  readonly #rows = new Map<number, SandboxLead>();
  readonly #head: number[] = [];
  readonly #tail: number[] = [];
  #virtualFirst = 0;
  #virtualCount = 0;
  #generate: (index: number, id: number) => SandboxLead = () => {
    throw new Error('no generator');
  };
  /** Fixes up a generated lead against the current account (a deleted stage). */
  fixup: (lead: SandboxLead) => SandboxLead = (lead) => lead;

  /** Declares `count` lazily generated leads with ids `first`, `first + 2`… */
  setVirtual(
    first: number,
    count: number,
    generate: (index: number, id: number) => SandboxLead,
  ): void {
    this.#virtualFirst = first;
    this.#virtualCount = count;
    this.#generate = generate;
  }

  /** The id just past the seeded ones. */
  get seededEnd(): number {
    return this.#virtualFirst + this.#virtualCount * 2;
  }

  #virtualIndex(id: number): number {
    const offset = id - this.#virtualFirst;
    if (offset < 0 || offset % 2 !== 0) return -1;
    const index = offset / 2;
    return index < this.#virtualCount ? index : -1;
  }

  get(id: number): SandboxLead | undefined {
    const row = this.#rows.get(id);
    if (row) return row;
    const index = this.#virtualIndex(id);
    if (index === -1) return undefined;
    return this.fixup(this.#generate(this.#head.length + index, id));
  }

  has(id: number): boolean {
    return this.#rows.has(id) || this.#virtualIndex(id) !== -1;
  }

  /** Stores a seeded-at-start lead (before the virtual run). */
  addHead(lead: SandboxLead): void {
    this.#head.push(lead.id);
    this.#rows.set(lead.id, lead);
  }

  /** Stores a new lead (after everything else). */
  insert(lead: SandboxLead): void {
    this.#tail.push(lead.id);
    this.#rows.set(lead.id, lead);
  }

  /** Stores a changed lead (materializing a generated one). */
  set(lead: SandboxLead): void {
    this.#rows.set(lead.id, lead);
  }

  get size(): number {
    return this.#head.length + this.#virtualCount + this.#tail.length;
  }

  /** The id at position `index` in id order. */
  idAt(index: number): number | undefined {
    if (index < 0) return undefined;
    if (index < this.#head.length) return this.#head[index];
    const v = index - this.#head.length;
    if (v < this.#virtualCount) return this.#virtualFirst + v * 2;
    return this.#tail[v - this.#virtualCount];
  }

  *values(): IterableIterator<SandboxLead> {
    const size = this.size;
    for (let i = 0; i < size; i++) {
      const id = this.idAt(i);
      const lead = id === undefined ? undefined : this.get(id);
      if (lead) yield lead;
    }
  }

  filter(predicate: (item: SandboxLead) => boolean): SandboxLead[] {
    const out: SandboxLead[] = [];
    for (const lead of this.values()) if (predicate(lead)) out.push(lead);
    return out;
  }
}

/** Links between entities, both directions. @internal */
class LinkStore {
  readonly #edges = new Map<string, Map<string, Record<string, unknown> | null>>();

  static key(type: string, id: number): string {
    return `${type}:${String(id)}`;
  }

  /** Links `from` to `to` with `metadata` as seen from `from` (and the mirror from `to`). */
  link(
    fromType: string,
    fromId: number,
    toType: string,
    toId: number,
    metadata: Record<string, unknown> | null,
    mirror: Record<string, unknown> | null = metadata,
  ): void {
    this.#side(LinkStore.key(fromType, fromId)).set(LinkStore.key(toType, toId), metadata);
    this.#side(LinkStore.key(toType, toId)).set(LinkStore.key(fromType, fromId), mirror);
  }

  unlink(fromType: string, fromId: number, toType: string, toId: number): boolean {
    const a = LinkStore.key(fromType, fromId);
    const b = LinkStore.key(toType, toId);
    const removed = this.#edges.get(a)?.delete(b) ?? false;
    this.#edges.get(b)?.delete(a);
    return removed;
  }

  #side(key: string): Map<string, Record<string, unknown> | null> {
    let side = this.#edges.get(key);
    if (!side) {
      side = new Map();
      this.#edges.set(key, side);
    }
    return side;
  }

  /**
   * Links two entities with Kommo's rules: one company per lead or contact, one main contact
   * per lead (the first one linked, unless another is sent as main). Returns the metadata stored
   * on the `type:id` side.
   */
  attach(
    type: string,
    id: number,
    toType: string,
    toId: number,
    metadata: Record<string, unknown> | null,
  ): Record<string, unknown> | null {
    if (toType === 'companies' && (type === 'leads' || type === 'contacts')) {
      for (const l of this.of(type, id, 'companies'))
        if (l.to_entity_id !== toId) this.unlink(type, id, 'companies', l.to_entity_id);
    }
    if (type === 'companies' && (toType === 'leads' || toType === 'contacts')) {
      for (const l of this.of(toType, toId, 'companies'))
        if (l.to_entity_id !== id) this.unlink(toType, toId, 'companies', l.to_entity_id);
    }
    if (
      (type === 'leads' && toType === 'contacts') ||
      (type === 'contacts' && toType === 'leads')
    ) {
      const [leadId, contactId] = type === 'leads' ? [id, toId] : [toId, id];
      return this.#attachContact(leadId, contactId, metadata);
    }
    this.link(type, id, toType, toId, metadata, toType === 'catalog_elements' ? metadata : null);
    return metadata;
  }

  #attachContact(
    leadId: number,
    contactId: number,
    metadata: Record<string, unknown> | null,
  ): Record<string, unknown> {
    const existing = this.get('leads', leadId, 'contacts', contactId);
    const others = this.of('leads', leadId, 'contacts');
    // The first contact of a lead is its main one, as in Kommo's UI.
    const main =
      metadata?.['is_main'] === true ||
      metadata?.['main_contact'] === true ||
      (others.length === 0 && !existing) ||
      existing?.['main_contact'] === true;
    if (main) {
      for (const other of others) {
        if (other.to_entity_id === contactId) continue;
        this.setMetadata('leads', leadId, 'contacts', other.to_entity_id, { main_contact: false });
        this.setMetadata('contacts', other.to_entity_id, 'leads', leadId, { main_contact: false });
      }
    }
    const stored = { main_contact: main };
    this.link('leads', leadId, 'contacts', contactId, stored);
    return stored;
  }

  /** Links of one entity, optionally only to one type. */
  of(type: string, id: number, toType?: string): SandboxLink[] {
    const side = this.#edges.get(LinkStore.key(type, id));
    if (!side) return [];
    const out: SandboxLink[] = [];
    for (const [key, metadata] of side) {
      const colon = key.lastIndexOf(':');
      const to_entity_type = key.slice(0, colon);
      if (toType !== undefined && to_entity_type !== toType) continue;
      out.push({
        entity_type: type,
        entity_id: id,
        to_entity_type,
        to_entity_id: Number(key.slice(colon + 1)),
        metadata,
      });
    }
    return out;
  }

  /** Metadata of one link, `undefined` when not linked. */
  get(
    type: string,
    id: number,
    toType: string,
    toId: number,
  ): Record<string, unknown> | null | undefined {
    return this.#edges.get(LinkStore.key(type, id))?.get(LinkStore.key(toType, toId));
  }

  /** Changes the metadata of an existing link as seen from `type:id`. */
  setMetadata(
    type: string,
    id: number,
    toType: string,
    toId: number,
    metadata: Record<string, unknown> | null,
  ): void {
    const side = this.#edges.get(LinkStore.key(type, id));
    const key = LinkStore.key(toType, toId);
    if (side?.has(key)) side.set(key, metadata);
  }
}

/** The per-entity-type tag dictionaries. @internal */
class TagStore {
  readonly #byType = new Map<SandboxCardType, Map<number, SandboxTag>>();
  #next = 100_001;

  table(type: SandboxCardType): Map<number, SandboxTag> {
    let table = this.#byType.get(type);
    if (!table) {
      table = new Map();
      this.#byType.set(type, table);
    }
    return table;
  }

  byName(type: SandboxCardType, name: string): SandboxTag | undefined {
    const wanted = name.trim().toLowerCase();
    for (const tag of this.table(type).values()) if (tag.name.toLowerCase() === wanted) return tag;
    return undefined;
  }

  /** The tag with this name, created when missing (an existing name returns its id). */
  ensure(type: SandboxCardType, name: string, color: string | null = null): SandboxTag {
    const found = this.byName(type, name);
    if (found) return found;
    const tag: SandboxTag = {
      id: this.#next,
      name: name.trim(),
      color: type === 'leads' ? color : null,
    };
    this.#next += 3;
    this.table(type).set(tag.id, tag);
    return tag;
  }
}

/** Everything the sandbox knows. Rebuilt from the seed by `reset()`. */
export class Store implements SandboxState {
  account!: SandboxAccount;
  leads = new LeadTable();
  contacts = new Table<SandboxContact>();
  companies = new Table<SandboxCompany>();
  notes = new Table<SandboxNote>();
  /** Note ids per `type:id`. */
  notesByEntity = new Map<string, number[]>();
  users = new Table<SandboxUser>();
  roles: SandboxRole[] = [];
  usersGroups: SandboxUsersGroup[] = [];
  pipelines = new Table<SandboxPipeline>();
  lossReasons = new Table<SandboxLossReason>();
  customFields = new Table<SandboxCustomField>();
  fieldGroups = new Map<string, SandboxCustomFieldGroup>();
  webhooks = new Table<SandboxWebhookSubscription>();
  links = new LinkStore();
  tags = new TagStore();
  tasks = new Table<SandboxTask>();
  /** The audit log, oldest first. */
  events: SandboxEvent[] = [];
  unsorted = new Map<string, SandboxUnsorted>();
  sources = new Table<SandboxSource>();
  catalogs = new Table<SandboxCatalog>();
  catalogElements = new Table<SandboxCatalogElement>();
  #eventSeq = 0;
  #ids = new Map<string, number>();

  constructor(
    readonly seedOptions: SandboxSeedOptions | false,
    readonly subdomain: string,
  ) {
    this.#seed();
  }

  /** The next id of a kind; ids grow by a small step like Kommo's (never assume +1). */
  nextId(kind: string, step = 2): number {
    const id = this.#ids.get(kind) ?? 1;
    this.#ids.set(kind, id + step);
    return id;
  }

  linksOf(entityType: SandboxEntityType, id: number): SandboxLink[] {
    return this.links.of(entityType, id);
  }

  tagsOf(entityType: SandboxEntityType, id: number): SandboxTag[] {
    const entity = this.entity(entityType, id);
    if (!entity) return [];
    const table = this.tags.table(entityType);
    return entity.tag_ids.flatMap((tagId) => {
      const tag = table.get(tagId);
      return tag ? [tag] : [];
    });
  }

  /** A lead, contact or company. */
  entity(
    type: SandboxEntityType,
    id: number,
  ): SandboxLead | SandboxContact | SandboxCompany | undefined {
    if (type === 'leads') return this.leads.get(id);
    if (type === 'contacts') return this.contacts.get(id);
    return this.companies.get(id);
  }

  /** Stores a changed entity. */
  saveEntity(type: SandboxEntityType, entity: SandboxLead | SandboxContact | SandboxCompany): void {
    if (type === 'leads') this.leads.set(entity as SandboxLead);
    else if (type === 'contacts') this.contacts.set(entity as SandboxContact);
    else this.companies.set(entity);
  }

  /** Fields of one entity type. */
  fieldsOf(type: SandboxFieldEntityType): SandboxCustomField[] {
    return this.customFields.filter((f) => f.entity_type === type);
  }

  mainPipeline(): SandboxPipeline | undefined {
    for (const p of this.pipelines.values()) if (p.is_main) return p;
    const first = this.pipelines.values().next();
    return first.done ? undefined : first.value;
  }

  /** The first regular stage of a pipeline (where a lead goes by default). */
  firstStage(pipeline: SandboxPipeline): number {
    return (
      (pipeline.statuses.find((s) => s.type === 0) ?? pipeline.statuses[0])?.id ?? WON_STATUS_ID
    );
  }

  /** Appends an audit-log event with a fresh string id. */
  addEvent(event: Omit<SandboxEvent, 'id' | 'account_id'>): SandboxEvent {
    this.#eventSeq += 1;
    const full: SandboxEvent = {
      id: `01sb${event.created_at.toString(36)}${this.#eventSeq.toString(36).padStart(6, '0')}`,
      account_id: this.account.id,
      ...event,
    };
    this.events.push(full);
    return full;
  }

  addNote(note: SandboxNote): void {
    this.notes.set(note);
    const key = LinkStore.key(note.entity_type, note.entity_id);
    const list = this.notesByEntity.get(key);
    if (list) list.push(note.id);
    else this.notesByEntity.set(key, [note.id]);
  }

  #seed(): void {
    const options =
      this.seedOptions === false ? { leads: 0, contacts: 0, companies: 0 } : this.seedOptions;
    const random = mulberry32(options.random ?? 1);
    this.account = seedAccount(this.subdomain);
    const { users, roles, groups } = seedUsers();
    for (const u of users) this.users.set(u);
    this.roles = roles;
    this.usersGroups = groups;
    for (const p of seedPipelines()) this.pipelines.set(p);
    for (const r of seedLossReasons()) this.lossReasons.set(r);
    const { fields, groups: fieldGroups } = seedCustomFields();
    for (const f of fields) this.customFields.set(f);
    for (const g of fieldGroups) this.fieldGroups.set(g.id, g);
    this.#ids.set('customField', 1_290_001);
    this.#ids.set('enum', 1_300_001);
    this.#ids.set('pipeline', 3_200_001);
    this.#ids.set('status', 33_000_001);
    this.#ids.set('note', 42_700_001);
    this.#ids.set('webhook', 839_601);
    this.#ids.set('lossReason', 4_203_800);

    const responsible = [SEED_IDS.adminUserId, ...SEED_IDS.managerUserIds];
    const fieldCache = (id: number): SandboxCustomField => {
      const f = this.customFields.get(id);
      if (!f) throw new Error(`seed field ${String(id)} missing`);
      return f;
    };
    const cfv = (id: number, values: Array<Record<string, unknown>>): SandboxCustomFieldValues => {
      const f = fieldCache(id);
      return { field_id: f.id, field_name: f.name, field_code: f.code, field_type: f.type, values };
    };
    const tagNames = ['vip', 'newsletter', 'follow-up', 'partner', 'Черная пятница', 'café ☕'];

    // Companies.
    const companyCount = Math.max(0, Math.floor(options.companies ?? 4));
    this.#ids.set('company', 31_000_001);
    for (let i = 0; i < companyCount; i++) {
      const id = this.nextId('company');
      const created = SEED_EPOCH - 86_400 * (200 - (i % 200));
      const name = COMPANY_NAMES[i % COMPANY_NAMES.length] ?? 'Company';
      this.companies.set({
        id,
        name: i < COMPANY_NAMES.length ? name : `${name} ${String(i)}`,
        responsible_user_id: pick(random, responsible),
        group_id: 0,
        created_by: SEED_IDS.adminUserId,
        updated_by: SEED_IDS.adminUserId,
        created_at: created,
        updated_at: created + 3600,
        closest_task_at: null,
        is_deleted: false,
        custom_fields_values: [
          cfv(178_390, [{ value: phoneFor(900 + i), enum_id: 126_320, enum_code: 'WORK' }]),
          cfv(178_394, [{ value: `https://${name.split(' ')[0]?.toLowerCase() ?? 'x'}.example` }]),
        ],
        account_id: ACCOUNT_ID,
        tag_ids: [],
      });
    }
    const companyIds = [...this.companies.values()].map((c) => c.id);

    // Contacts.
    const contactCount = Math.max(0, Math.floor(options.contacts ?? 12));
    this.#ids.set('contact', 30_000_001);
    for (let i = 0; i < contactCount; i++) {
      const id = this.nextId('contact');
      const first = FIRST_NAMES[i % FIRST_NAMES.length] ?? 'Sam';
      const last = LAST_NAMES[(i * 5) % LAST_NAMES.length] ?? 'Doe';
      const created = SEED_EPOCH - 86_400 * (150 - (i % 150));
      const values: SandboxCustomFieldValues[] = [
        cfv(SEED_IDS.phoneFieldId, [
          { value: phoneFor(i), enum_id: 126_290, enum_code: 'WORK' },
          ...(i % 3 === 0
            ? [{ value: phoneFor(i + 500), enum_id: 126_294, enum_code: 'MOB' }]
            : []),
        ]),
      ];
      if (i % 4 !== 3) {
        values.push(
          cfv(SEED_IDS.emailFieldId, [
            {
              value: `${first
                .toLowerCase()
                .normalize('NFD')
                .replace(/[^a-z]/g, '')}.${String(i)}@example.com`,
              enum_id: 126_302,
              enum_code: 'WORK',
            },
          ]),
        );
      }
      if (i % 5 === 0) values.push(cfv(178_380, [{ value: 'CTO' }]));
      const contact: SandboxContact = {
        id,
        name: `${first} ${last}`,
        first_name: first,
        last_name: last,
        responsible_user_id: pick(random, responsible),
        group_id: 0,
        created_by: SEED_IDS.adminUserId,
        updated_by: SEED_IDS.adminUserId,
        created_at: created,
        updated_at: created + 7200,
        closest_task_at: null,
        is_deleted: false,
        is_unsorted: false,
        custom_fields_values: values,
        account_id: ACCOUNT_ID,
        tag_ids: i % 4 === 0 ? [this.tags.ensure('contacts', 'newsletter').id] : [],
      };
      this.contacts.set(contact);
      const companyId =
        companyIds.length > 0 && i % 2 === 0 ? companyIds[(i / 2) % companyIds.length] : undefined;
      if (companyId !== undefined) this.links.link('contacts', id, 'companies', companyId, null);
    }
    const contactIds = [...this.contacts.values()].map((c) => c.id);

    // Leads: eager ones with links, tags and notes; the rest generated on read.
    const leadCount = Math.max(0, Math.floor(options.leads ?? EAGER_LEADS));
    const eager = Math.min(leadCount, EAGER_LEADS);
    const ctx: LeadGeneratorContext = {
      seed: options.random ?? 1,
      pipelines: seedPipelines(),
      responsibleIds: responsible,
      fields: seedCustomFields().fields,
    };
    for (let i = 0; i < eager; i++) {
      const lead = generateLead(ctx, i, LEAD_ID_BASE + i * 2, leadCount);
      const tagName = tagNames[i % tagNames.length] ?? 'vip';
      lead.tag_ids =
        i % 3 === 0 ? [this.tags.ensure('leads', tagName, i % 2 === 0 ? 'FFCE5A' : null).id] : [];
      this.leads.addHead(lead);
      const contactId = contactIds.length > 0 ? contactIds[i % contactIds.length] : undefined;
      if (contactId !== undefined) {
        this.links.link('leads', lead.id, 'contacts', contactId, { main_contact: true });
      }
      const companyId =
        companyIds.length > 0 && i % 3 === 1 ? companyIds[i % companyIds.length] : undefined;
      if (companyId !== undefined) this.links.link('leads', lead.id, 'companies', companyId, null);
      if (i % 2 === 0) {
        const noteId = this.nextId('note');
        this.addNote({
          id: noteId,
          entity_type: 'leads',
          entity_id: lead.id,
          created_by: lead.responsible_user_id,
          updated_by: lead.responsible_user_id,
          created_at: lead.created_at + 600,
          updated_at: lead.created_at + 600,
          responsible_user_id: lead.responsible_user_id,
          group_id: 0,
          note_type: 'common',
          params: {
            text:
              i % 4 === 0
                ? 'Client asked to call back after 6pm'
                : 'Sent the price list\nWaiting for an answer',
          },
          account_id: ACCOUNT_ID,
          is_pinned: i === 0,
        });
      }
      if (i % 5 === 1) {
        const noteId = this.nextId('note');
        this.addNote({
          id: noteId,
          entity_type: 'leads',
          entity_id: lead.id,
          created_by: 0,
          updated_by: 0,
          created_at: lead.created_at + 900,
          updated_at: lead.created_at + 900,
          responsible_user_id: lead.responsible_user_id,
          group_id: 0,
          note_type: 'call_in',
          params: {
            uniq: `8f52d38a-5fb3-406d-93a3-a4832dc28f${String(10 + i)}`,
            duration: 148,
            source: 'onlinePBX',
            link: 'https://pbx.example.com/rec/8f52d38a.mp3',
            phone: phoneFor(i),
            call_responsible: lead.responsible_user_id,
            call_status: 4,
          },
          account_id: ACCOUNT_ID,
          is_pinned: false,
        });
      }
    }
    const eagerLeads = [...this.leads.values()];
    for (const task of seedTasks(eagerLeads)) this.tasks.set(task);
    this.#ids.set('task', 9_100_001);
    for (const event of seedEvents(eagerLeads, this.tasks.toArray())) this.addEvent(event);
    const { catalogs, elements } = seedCatalogs();
    for (const c of catalogs) this.catalogs.set(c);
    for (const e of elements) this.catalogElements.set(e);
    this.#ids.set('catalog', 7_301);
    this.#ids.set('catalogElement', 2_900_001);
    this.leads.setVirtual(LEAD_ID_BASE + eager * 2, leadCount - eager, (index, id) =>
      generateLead(ctx, index, id, leadCount),
    );
    this.leads.fixup = (lead) => {
      const pipeline = this.pipelines.get(lead.pipeline_id);
      if (pipeline && !pipeline.statuses.some((s) => s.id === lead.status_id)) {
        return { ...lead, status_id: this.firstStage(pipeline) };
      }
      return lead;
    };
    this.#ids.set('lead', this.leads.seededEnd + 1000);
    if (contactIds.length > 0) {
      const contactId = contactIds[0];
      if (contactId !== undefined) {
        const noteId = this.nextId('note');
        this.addNote({
          id: noteId,
          entity_type: 'contacts',
          entity_id: contactId,
          created_by: SEED_IDS.adminUserId,
          updated_by: SEED_IDS.adminUserId,
          created_at: SEED_EPOCH - 5000,
          updated_at: SEED_EPOCH - 5000,
          responsible_user_id: SEED_IDS.adminUserId,
          group_id: 0,
          note_type: 'sms_out',
          params: { text: 'Reminder: meeting at 10:00', phone: phoneFor(0) },
          account_id: ACCOUNT_ID,
          is_pinned: false,
        });
      }
    }
  }
}
