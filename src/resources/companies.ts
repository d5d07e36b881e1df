/**
 * `kommo.companies`: list, search, read, create, update and link companies.
 *
 * @see https://developers.kommo.com/reference/companies-list
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
import { assertId, path } from '../core/path.js';
import { joinWith, parseInput, type EntityLinkInput } from '../schemas/common.js';
import {
  CompanyCollectionSchema,
  CompanyCreateParamsSchema,
  CompanyGetParamsSchema,
  CompanyListParamsSchema,
  CompanyRefSchema,
  CompanySchema,
  CompanySearchParamsSchema,
  CompanyUpdateItemSchema,
  CompanyUpdateParamsSchema,
  type Company,
  type CompanyCreateParams,
  type CompanyGetParams,
  type CompanyListParams,
  type CompanyRef,
  type CompanySearchParams,
  type CompanyUpdateItem,
  type CompanyUpdateParams,
} from '../schemas/company.js';
import type { NoteRef } from '../schemas/note.js';
import { APIResource, addTextNote, sendEntityLinks } from './resource.js';

/**
 * Companies (organisations). Phones and e-mails are `multitext` custom fields (`PHONE`,
 * `EMAIL`), the site is `WEB` and the address `ADDRESS`. A lead or a contact has at most one
 * company: linking another one replaces it. Notes of companies live in
 * `kommo.notes.list('companies', …)`; their tags in `kommo.tags` (type `companies`).
 *
 * @example
 * ```ts
 * const [existing] = await kommo.companies.search('Acme LLC').toArray({ max: 1 });
 * const company = existing ?? (await kommo.companies.create({
 *   name: 'Acme LLC',
 *   custom_fields_values: [cf.phones(['+1 555 0100'], 'WORK')],
 *   tags_to_add: [{ name: 'partner' }],
 * }));
 * await kommo.companies.link(company.id, [{ to_entity_id: leadId, to_entity_type: 'leads' }]);
 * ```
 * @see https://developers.kommo.com/reference/companies-list
 */
export class Companies extends APIResource {
  /**
   * Lists companies. `await` gives the first page; `for await` walks every company lazily.
   *
   * @throws {@link RequestValidationError} (on first use) for invalid params.
   */
  list(params?: CompanyListParams, options?: ListOptions): PagePromise<Company> {
    return listPages<Company>(
      this._client,
      () => {
        const p = parseInput(CompanyListParamsSchema, params ?? {}, 'company list params');
        return {
          path: '/api/v4/companies',
          query: { with: joinWith(p.with), query: p.query, filter: p.filter, order: p.order },
          key: 'companies',
          schema: CompanyCollectionSchema,
          what: 'companies',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Searches companies by name, phone, e-mail or any filled field (Kommo's `query`); a 204 is an
   * empty result.
   *
   * @example
   * ```ts
   * const [company] = await kommo.companies.search('acme.com').toArray({ max: 1 });
   * ```
   */
  search(
    query: string | number,
    params?: CompanySearchParams,
    options?: ListOptions,
  ): PagePromise<Company> {
    return listPages<Company>(
      this._client,
      () => {
        const q = parseInput(
          z.union([z.string().trim().min(1), z.number()]),
          query,
          'company search query',
        );
        const p = parseInput(CompanySearchParamsSchema, params ?? {}, 'company search params');
        return {
          path: '/api/v4/companies',
          query: { with: joinWith(p.with), query: q, filter: p.filter, order: p.order },
          key: 'companies',
          schema: CompanyCollectionSchema,
          what: 'companies',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one company.
   *
   * @throws {@link NotFoundError} when no company has this id (Kommo answers 204).
   */
  async get(id: number, params?: CompanyGetParams, options?: RequestOptions): Promise<Company> {
    const p = parseInput(CompanyGetParamsSchema, params ?? {}, 'company get params');
    return getOne(
      this._client,
      { path: path`/api/v4/companies/${id}`, query: { with: joinWith(p.with) } },
      CompanySchema,
      `company ${id}`,
      options,
    );
  }

  /** Creates one company. @throws {@link RequestValidationError} before sending, for invalid input. */
  async create(params: CompanyCreateParams, options?: RequestOptions): Promise<CompanyRef> {
    const body = parseInput(CompanyCreateParamsSchema, params, 'company');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: '/api/v4/companies', body: [body] },
      'companies',
      CompanyRefSchema,
      'company',
      options,
    );
  }

  /**
   * Creates any number of companies in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    items: readonly CompanyCreateParams[],
    options?: BatchOptions,
  ): Promise<CompanyRef[]> {
    const bodies = parseInput(z.array(CompanyCreateParamsSchema), items, 'companies');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'companies',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: '/api/v4/companies', body: chunk },
            'companies',
            CompanyRefSchema,
            'companies',
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Updates one company with exactly the fields you pass. A multitext field (phones, e-mails)
   * you send replaces all its values: send the old ones too to add one. `tags_to_add` /
   * `tags_to_delete` keep the other tags; `_embedded.tags` replaces them all.
   */
  async update(
    id: number,
    params: CompanyUpdateParams,
    options?: RequestOptions,
  ): Promise<CompanyRef> {
    assertId(id);
    const body = parseInput(CompanyUpdateParamsSchema, params, 'company update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/companies/${id}`, body },
      'companies',
      CompanyRefSchema,
      'company',
      options,
    );
  }

  /**
   * Updates any number of companies (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(
    items: readonly CompanyUpdateItem[],
    options?: BatchOptions,
  ): Promise<CompanyRef[]> {
    const bodies = parseInput(z.array(CompanyUpdateItemSchema), items, 'company updates');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'companies',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'PATCH', path: '/api/v4/companies', body: chunk },
            'companies',
            CompanyRefSchema,
            'companies',
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Links leads, contacts, customers or catalog elements to a company. A lead or contact that
   * had another company is moved to this one (one company per lead or contact).
   *
   * @example
   * ```ts
   * await kommo.companies.link(7, [{ to_entity_id: 42, to_entity_type: 'leads' }]);
   * ```
   */
  link(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return sendEntityLinks(this._client, 'companies', id, 'link', links, options);
  }

  /** Removes links from a company. */
  unlink(id: number, links: readonly EntityLinkInput[], options?: RequestOptions): Promise<void> {
    return sendEntityLinks(this._client, 'companies', id, 'unlink', links, options);
  }

  /** Adds a common (text) note to a company. */
  addNote(id: number, text: string, options?: RequestOptions): Promise<NoteRef> {
    return addTextNote(this._client, 'companies', id, text, options);
  }
}
