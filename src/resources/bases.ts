/**
 * The bases of families whose endpoints are alike, so that each verb is written once:
 * {@link WritableResource} (create one or many, update one) under {@link RecordResource}
 * (pipelines, loss reasons, sources, catalogs, tasks) and {@link EntityResource} (leads,
 * contacts and companies: lists, reads with `with`, batch updates, links and notes), and
 * {@link ScopedRecordResource} for the records under a parent. A family's class names its
 * public types; its route spec supplies the rest.
 *
 * @module
 */

import type { z } from 'zod';
import type { AnyBatchOptions, BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import type { EntityLinkInput } from '../schemas/common.js';
import type { NoteRef } from '../schemas/note.js';
import { APIResource, type Verbs } from './resource.js';

/** The public types of a family that Kommo lets create and update (`Task`, `TaskRef`, …). */
export interface RecordTypes {
  /** The item as Kommo returns it. */
  item: unknown;
  /** What a write returns: a ref, or the whole item (catalogs, sources). */
  ref: unknown;
  /** The body of `create` and the items of `createMany`. */
  create: unknown;
  /** The body of `update`. */
  update: unknown;
}

/** The schemas a family's route must have to write, checked against its public types. @internal */
export interface RecordSchemas<T extends RecordTypes> {
  item: z.ZodType<T['item']>;
  ref: z.ZodType<T['ref']>;
  create: z.ZodType<unknown, T['create']>;
  update: z.ZodType<unknown, T['update']>;
}

/** The writes every family with `create` and `update` shares: one, many in chunks, one update. */
export abstract class WritableResource<T extends RecordTypes> extends APIResource {
  /** @internal */
  protected abstract readonly _verbs: Verbs<RecordSchemas<T>>;

  /**
   * Creates one item and returns what Kommo answers: a ref for most families (Kommo does not
   * send the item back), the whole item for catalogs and sources.
   *
   * @throws {@link RequestValidationError} before sending, for a misspelt key or a wrong type.
   */
  create(params: T['create'], options?: RequestOptions): Promise<T['ref']> {
    return this._verbs.create(params, options);
  }

  /**
   * Creates any number of items in chunks (default 50 per request, up to Kommo's limit),
   * several chunks at a time; returns the results in input order. An empty array sends nothing.
   *
   * @throws {@link RequestValidationError} before sending anything, naming the item index.
   * @throws {@link BatchError} when some items were not applied (per-item `results`).
   */
  createMany(
    items: ReadonlyArray<T['create']>,
    options?: BatchOptions<T['create'], T['ref']>,
  ): Promise<Array<T['ref']>> {
    return this._verbs.createMany(items, options);
  }

  /**
   * Updates one item with exactly the fields you pass; others are untouched on Kommo's side.
   *
   * @throws {@link RequestValidationError} before sending, for a misspelt key or a wrong type
   *   (and, for leads, contacts and companies, no field at all).
   */
  update(id: number, params: T['update'], options?: RequestOptions): Promise<T['ref']> {
    return this._verbs.update(id, params, options);
  }
}

/**
 * A record family: read one by id, plus the {@link WritableResource} writes. Each family adds its
 * own `list` and whatever else Kommo offers for it (`delete`, `updateMany`…).
 * `kommo.pipelines`, `kommo.lossReasons`, `kommo.sources`, `kommo.catalogs` and
 * `kommo.tasks` are record resources.
 */
export abstract class RecordResource<T extends RecordTypes> extends WritableResource<T> {
  /**
   * Reads one record.
   *
   * @throws {@link NotFoundError} when no record has this id (Kommo answers 204, or 404).
   */
  get(id: number, options?: RequestOptions): Promise<T['item']> {
    return this._verbs.get(id, undefined, options);
  }
}

/** The public types of one entity family (`Lead`, `LeadRef`, `LeadListParams`, …). */
export interface EntityTypes extends RecordTypes {
  /** The params of `list`. */
  listParams: unknown;
  /** The params of `get`. */
  getParams: unknown;
  /** The items of `updateMany`. */
  updateItem: unknown;
}

/** The public types of an entity family that also has `search`. */
export interface SearchableEntityTypes extends EntityTypes {
  /** The params of `search`: the list params without `query`. */
  searchParams: unknown;
}

/** The schemas a family's route must have, checked against its public types. @internal */
export interface EntitySchemas<T extends EntityTypes> extends RecordSchemas<T> {
  page: z.ZodType;
  list: z.ZodType;
  search?: z.ZodType;
  get: z.ZodType;
  updateItem: z.ZodType<unknown, T['updateItem']>;
}

/**
 * An entity family: list, read, create, update (one or many, in chunks), link, and add notes.
 * `kommo.leads`, `kommo.contacts` and `kommo.companies` are entity resources.
 *
 * An update sends exactly the fields you pass. A multitext field (phones, e-mails) you send
 * replaces all its values: send the old ones too to add one. `tags_to_add` / `tags_to_delete`
 * keep the other tags; `_embedded.tags` replaces them all.
 */
export abstract class EntityResource<T extends EntityTypes> extends WritableResource<T> {
  /** @internal */
  protected abstract override readonly _verbs: Verbs<EntitySchemas<T>>;

  /**
   * Lists the entities. `await` gives the first page; `for await` walks every entity lazily.
   * Filters, `order` and `with` are sent in Kommo's bracket encoding.
   *
   * @example
   * ```ts
   * for await (const lead of kommo.leads.list({
   *   filter: { statuses: [{ pipeline_id: 3177727, status_id: 32392159 }], updated_at: { from: 1735689600 } },
   *   with: ['contacts'],
   * })) console.log(lead.id, lead.name);
   * ```
   * @throws {@link RequestValidationError} (on first use) for invalid params, e.g. `limit: 300`.
   */
  list(params?: T['listParams'], options?: ListOptions): PagePromise<T['item']> {
    return this._verbs.list(params, options);
  }

  /**
   * Reads one entity, with the extra data named in `with`.
   *
   * @throws {@link NotFoundError} when no entity has this id (Kommo answers 204).
   */
  get(id: number, params?: T['getParams'], options?: RequestOptions): Promise<T['item']> {
    return this._verbs.get(id, params, options);
  }

  /**
   * Updates any number of entities (each item carries its `id`), chunked like `createMany`.
   *
   * @throws {@link RequestValidationError} before sending anything, e.g. an item without `id`.
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(
    items: ReadonlyArray<T['updateItem']>,
    options?: BatchOptions<T['updateItem'], T['ref']>,
  ): Promise<Array<T['ref']>> {
    return this._verbs.updateMany(items, options);
  }

  /**
   * Links other entities (contacts, companies, leads, customers, catalog elements) to this one,
   * 1 to 250 links per call. A lead or a contact has at most one company: linking another one
   * replaces it.
   *
   * @example
   * ```ts
   * await kommo.leads.link(42, [{ to_entity_id: 7, to_entity_type: 'contacts', metadata: { is_main: true } }]);
   * ```
   */
  link(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return this._verbs.link(id, links, options);
  }

  /** Removes links from an entity. */
  unlink(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return this._verbs.unlink(id, links, options);
  }

  /**
   * Adds a common (text) note to an entity; `\n` makes line breaks. For other note types use
   * `kommo.notes.create(type, id, note)`.
   */
  addNote(id: number, text: string, options?: RequestOptions): Promise<NoteRef> {
    return this._verbs.addNote(id, text, options);
  }
}

/** An entity family that Kommo also searches by full text: contacts and companies. */
export abstract class SearchableEntityResource<
  T extends SearchableEntityTypes,
> extends EntityResource<T> {
  /**
   * Searches by name, phone, e-mail or any filled field (Kommo's `query`). Phones are stored as
   * typed, so search with the digits the user typed; a 204 is an empty result.
   *
   * @example
   * ```ts
   * const [contact] = await kommo.contacts.search('ann@example.com').toArray({ max: 1 });
   * ```
   */
  search(
    query: string | number,
    params?: T['searchParams'],
    options?: ListOptions,
  ): PagePromise<T['item']> {
    return this._verbs.search(query, params, options);
  }
}

/** The public types of a record family under a parent (statuses, elements, field definitions). */
export interface ScopedRecordTypes extends RecordTypes {
  /** The params of `list`. */
  listParams: unknown;
}

/** The schemas a scoped record family's route must have. @internal */
export interface ScopedRecordSchemas<T extends ScopedRecordTypes> extends RecordSchemas<T> {
  list: z.ZodType;
}

/**
 * A record family under a parent — a pipeline's statuses, a catalog's elements, an entity
 * type's custom fields — whose every verb takes the parent first (its name is in `Scope`:
 * `[pipelineId: number]`): list, create one or many, update one. Each family adds its own
 * `get` and whatever else Kommo offers for it.
 */
export abstract class ScopedRecordResource<
  Scope extends [unknown],
  T extends ScopedRecordTypes,
> extends APIResource {
  /** The verbs at one parent's path. @internal */
  protected abstract _at(scope: Scope[0]): Verbs<ScopedRecordSchemas<T>>;

  /** Lists the records of a parent. `await` gives the first page; `for await` walks them all. */
  list(
    ...args: [...Scope, params?: T['listParams'] | undefined, options?: ListOptions | undefined]
  ): PagePromise<T['item']> {
    const [scope, params, options] = args as unknown as [Scope[0], unknown, ListOptions?];
    return this._at(scope).list(params, options);
  }

  /**
   * Creates one record under a parent.
   *
   * @throws {@link RequestValidationError} before sending, for invalid input.
   */
  create(
    ...args: [...Scope, params: T['create'], options?: RequestOptions | undefined]
  ): Promise<T['ref']> {
    const [scope, params, options] = args as unknown as [Scope[0], unknown, RequestOptions?];
    return this._at(scope).create(params, options);
  }

  /**
   * Creates any number of records under a parent in chunks; results come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  createMany(
    ...args: [
      ...Scope,
      items: ReadonlyArray<T['create']>,
      options?: BatchOptions<T['create'], T['ref']> | undefined,
    ]
  ): Promise<Array<T['ref']>> {
    const [scope, items, options] = args as unknown as [Scope[0], unknown, AnyBatchOptions?];
    return this._at(scope).createMany(items, options);
  }

  /** Updates one record under a parent with exactly the fields you pass. */
  update(
    ...args: [...Scope, id: number, params: T['update'], options?: RequestOptions | undefined]
  ): Promise<T['ref']> {
    const [scope, id, params, options] = args as unknown as [
      Scope[0],
      number,
      unknown,
      RequestOptions?,
    ];
    return this._at(scope).update(id, params, options);
  }
}
