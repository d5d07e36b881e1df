/**
 * The base of every resource module, and the route specs its verbs are built from.
 *
 * A family declares what Kommo's endpoints look like once, as a {@link RouteSpec} (path,
 * `_embedded` key, names, chunk limit, schemas), and {@link route} turns it into the verbs
 * every family shares: `list`, `search`, `get`, `create`, `createMany`, `update`,
 * `updateMany`, `delete`, `link`, `unlink`, `addNote`. A resource class offers the verbs Kommo
 * supports for it, each in one line; what only one family does stays a method of its class.
 *
 * @module
 */

import { z } from 'zod';
import type { Kommo } from '../client.js';
import { MAX_BATCH_ITEMS, MAX_LINKS } from '../facts.js';
import { sendWriteMany, sendWriteOne, type AnyBatchOptions } from '../core/batch.js';
import type { CoreRequest } from '../core/http.js';
import type { RequestOptions } from '../core/options.js';
import {
  getOne,
  listPages,
  type ListOptions,
  type PagePromise,
  type Sender,
} from '../core/pagination.js';
import { assertId } from '../core/path.js';
import { joinWith, type QueryInput } from '../core/query.js';
import { lazy, parseInput, parseResponse, requireSomeField } from '../core/schema.js';
import type { NoteRef } from '../schemas/note.js';

/** Base class of resource modules (`kommo.leads`, …): stateless, holds the client. */
export abstract class APIResource {
  /** @internal */
  protected readonly _client: Kommo;

  constructor(client: Kommo) {
    this._client = client;
  }
}

/** The schemas of a route, named by what they check; a verb needs only its own. @internal */
export interface RouteSchemas {
  /** One item as Kommo answers it: `get`, and the items of `list`. */
  item: z.ZodType;
  /** A page of `list`: a HAL collection with the items under the route's `key`. */
  page?: z.ZodType;
  /** One item of a write answer: a ref, or the whole item (catalogs, sources). */
  ref?: z.ZodType;
  /** The params of `list` (`page`, `limit`, `with` and the query). */
  list?: z.ZodType;
  /** The params of `search`: the list params without `query`. */
  search?: z.ZodType;
  /** The params of `get` (`with`). */
  get?: z.ZodType;
  /** The body of `create`. */
  create?: z.ZodType;
  /** An item of `createMany`, when it differs from `create` (notes carry their `entity_id`). */
  createItem?: z.ZodType;
  /** The body of `update`. */
  update?: z.ZodType;
  /** An item of `updateMany`: the update with its `id`. */
  updateItem?: z.ZodType;
  /** One link of `link` and `unlink`. @defaultValue EntityLinkInputSchema */
  link?: z.ZodType;
  /** A string id (events, unsorted uids, field groups); without it ids are positive integers. */
  id?: z.ZodType;
}

/** How one family's endpoints look. @internal */
export interface RouteSpec<S extends RouteSchemas> {
  /** The collection path (`/api/v4/leads`); routes under a parent get theirs in {@link Route.on}. */
  path?: string;
  /** The `_embedded` key of lists and write answers (`leads`). */
  key: string;
  /** One item and several, for messages: `['lead', 'leads']`. */
  names: readonly [one: string, many: string];
  /** Kommo's limit of items per write request. @defaultValue MAX_BATCH_ITEMS */
  maxChunk?: number;
  /** The page size when `limit` is not given. @defaultValue DEFAULT_PAGE_SIZE */
  pageSize?: number;
  /** `false` for lists Kommo does not paginate: one page, no `page` or `limit` sent. */
  paginated?: false;
  /** Refuse an `update` without a field before sending (Kommo answers 400 to it). */
  nonEmptyUpdate?: true;
  /** The list query from the parsed params; by default every param but `page`/`limit`, `with` joined. */
  query?: (params: ListParams<S>) => Record<string, unknown>;
  /**
   * The schemas, loaded on the route's first use, once. Import the family's schema module here
   * (`() => import('../schemas/lead.js').then((m) => m.leadRouteSchemas())`), never at the top
   * of the resource file: importing the SDK then builds no schema, and using one family builds
   * only its own (eslint refuses a static import of a schema module outside src/schemas).
   */
  schemas: () => S | Promise<S>;
}

type ListParams<S extends RouteSchemas> = S['list'] extends z.ZodType
  ? z.output<S['list']>
  : Record<string, unknown>;

type Output<S extends RouteSchemas, K extends keyof RouteSchemas> = S[K] extends z.ZodType
  ? z.output<S[K]>
  : never;

/** A {@link RouteSpec} ready to be bound to a client. @internal */
export interface Route<S extends RouteSchemas> {
  /** The spec's schemas, loaded on first use; a family keeps its own extra schemas there too. */
  schemas: () => Promise<S>;
  /**
   * The verbs of the route for `client`, at the spec's path or at `base(schemas)`, resolved per
   * call once the schemas are loaded (so that a base can check its parts with them).
   */
  on(client: Sender, base?: (schemas: S) => string): Verbs<S>;
}

/** A route's schemas once loaded, with the arrays of its batch verbs (built on first need). */
interface Loaded<S extends RouteSchemas> {
  schemas: S;
  creates: () => z.ZodType;
  updates: () => z.ZodType;
  links: () => z.ZodType;
}

/** Builds the verbs of a family from its spec. @internal */
export function route<S extends RouteSchemas>(spec: RouteSpec<S>): Route<S> {
  const load = lazy(async (): Promise<Loaded<S>> => {
    const schemas = await spec.schemas();
    // Loaded with every family's schemas (they all build on it): no extra cost here.
    const { EntityLinkInputSchema } = await import('../schemas/common.js');
    return {
      schemas,
      creates: lazy(() => z.array(schemas.createItem ?? schemas.create ?? z.never())),
      updates: lazy(() => z.array(schemas.updateItem ?? z.never())),
      links: lazy(() =>
        z
          .array(schemas.link ?? EntityLinkInputSchema)
          .min(1)
          .max(MAX_LINKS),
      ),
    };
  });
  const fixed = spec.path;
  const at = (): string => {
    // A spec without a path is a route under a parent: its class always passes the parent's.
    if (fixed === undefined) throw new Error(`The ${spec.names[1]} route needs a parent path`);
    return fixed;
  };
  return {
    schemas: async () => (await load()).schemas,
    // Stored loosely (`RouteSchemas`), so that verbs stay assignable to their base's type.
    on: (client, base = at) =>
      new Verbs(spec, { client, base: base as (schemas: RouteSchemas) => string, load }),
  };
}

interface Bound<S extends RouteSchemas> {
  client: Sender;
  base: (schemas: RouteSchemas) => string;
  load: () => Promise<Loaded<S>>;
}

/** Small schemas the verbs share, built on first use. */
const shared = lazy(() => ({
  /** The text note `addNote` sends. */
  note: z.strictObject({ text: z.string().min(1) }),
  /** Kommo's full-text `query`: a non-blank string (trimmed) or a number. */
  query: z.union([z.string().trim().min(1), z.number()]),
  /** Params of a verb that takes none. */
  none: z.strictObject({}),
}));

/**
 * The shared verbs of one route. Each validates its input strictly before sending, and an input
 * error rejects the promise (or, for lists, the page promise on first use) instead of throwing.
 *
 * @internal
 */
export class Verbs<S extends RouteSchemas> {
  readonly #spec: RouteSpec<S>;
  readonly #bound: Bound<S>;

  constructor(spec: RouteSpec<S>, bound: Bound<S>) {
    this.#spec = spec;
    this.#bound = bound;
  }

  get #one(): string {
    return this.#spec.names[0];
  }

  get #many(): string {
    return this.#spec.names[1];
  }

  /** `GET {base}`: a page promise over the list. */
  list(params: unknown, options?: ListOptions): PagePromise<Output<S, 'item'>> {
    return this.#list(
      (schemas) => [this.#parse(schemas, 'list', params ?? {}, `${this.#one} list params`)],
      options,
    );
  }

  /** `GET {base}?query=…`: a list filtered by Kommo's full-text `query`. */
  search(query: unknown, params: unknown, options?: ListOptions): PagePromise<Output<S, 'item'>> {
    return this.#list((schemas) => {
      const q = parseInput(shared().query, query, `${this.#one} search query`);
      const p = this.#parse(schemas, 'search', params ?? {}, `${this.#one} search params`);
      return [p, { query: q }];
    }, options);
  }

  /** `GET {base}/{id}`; Kommo's 204 becomes a {@link NotFoundError}. */
  async get(
    id: number | string,
    params?: unknown,
    options?: RequestOptions,
  ): Promise<Output<S, 'item'>> {
    const { schemas } = await this.#bound.load();
    const p = schemas.get
      ? this.#parse(schemas, 'get', params ?? {}, `${this.#one} get params`)
      : {};
    return getOne(this.#bound.client, {
      path: this.#item(schemas, id),
      query: { with: joinWith(p['with'] as string[] | undefined) },
      schema: schemas.item as z.ZodType<Output<S, 'item'>>,
      what: `${this.#one} ${String(id)}`,
      options,
    });
  }

  /** `POST {base}` with one item. */
  async create(params: unknown, options?: RequestOptions): Promise<Output<S, 'ref'>> {
    const { schemas } = await this.#bound.load();
    const body = this.#parse(schemas, 'create', params, this.#one);
    const path = this.#bound.base(schemas);
    return this.#writeOne(schemas, { method: 'POST', path, body: [body] }, options);
  }

  /** `POST {base}` in chunks of at most the spec's `maxChunk`. */
  async createMany(items: unknown, options?: AnyBatchOptions): Promise<Array<Output<S, 'ref'>>> {
    const { schemas, creates } = await this.#bound.load();
    const bodies = parseInput(creates(), items, this.#many);
    return this.#writeMany(schemas, 'POST', bodies, options);
  }

  /** `PATCH {base}/{id}` with exactly the fields given. */
  async update(
    id: number | string,
    params: unknown,
    options?: RequestOptions,
  ): Promise<Output<S, 'ref'>> {
    const { schemas } = await this.#bound.load();
    const path = this.#item(schemas, id);
    const what = `${this.#one} update`;
    const parsed = this.#parse(schemas, 'update', params, what);
    const body = this.#spec.nonEmptyUpdate ? requireSomeField(parsed, what) : parsed;
    return this.#writeOne(schemas, { method: 'PATCH', path, body }, options);
  }

  /** `PATCH {base}` in chunks, each item with its `id`. */
  async updateMany(items: unknown, options?: AnyBatchOptions): Promise<Array<Output<S, 'ref'>>> {
    const { schemas, updates } = await this.#bound.load();
    const bodies = parseInput(updates(), items, `${this.#one} updates`);
    return this.#writeMany(schemas, 'PATCH', bodies, options);
  }

  /** `DELETE {base}/{id}`. */
  async delete(id: number | string, options?: RequestOptions): Promise<void> {
    const { schemas } = await this.#bound.load();
    await this.#bound.client._send({ method: 'DELETE', path: this.#item(schemas, id) }, options);
  }

  /** `POST {base}/{id}/link` with 1 to {@link MAX_LINKS} links. */
  link(id: number, links: unknown, options?: RequestOptions): Promise<void> {
    return this.#links(id, { action: 'link', links, options });
  }

  /** `POST {base}/{id}/unlink`. */
  unlink(id: number, links: unknown, options?: RequestOptions): Promise<void> {
    return this.#links(id, { action: 'unlink', links, options });
  }

  /** `POST {base}/{id}/notes` with one common (text) note. */
  async addNote(id: number, text: string, options?: RequestOptions): Promise<NoteRef> {
    const { schemas } = await this.#bound.load();
    const path = `${this.#item(schemas, id)}/notes`;
    const params = parseInput(shared().note, { text }, 'note');
    const { NoteRefSchema } = await import('../schemas/note.js');
    return sendWriteOne(this.#bound.client, {
      method: 'POST',
      path,
      body: [{ note_type: 'common', params }],
      key: 'notes',
      schema: NoteRefSchema,
      what: 'note',
      options,
    });
  }

  async #links(
    id: number,
    {
      action,
      links,
      options,
    }: { action: string; links: unknown; options?: RequestOptions | undefined },
  ): Promise<void> {
    const loaded = await this.#bound.load();
    const path = `${this.#item(loaded.schemas, id)}/${action}`;
    const body = parseInput(loaded.links(), links, 'links');
    await this.#bound.client._send({ method: 'POST', path, body }, options);
  }

  /** `{base}/{id}`, the id checked: a positive integer, or a string the spec's `id` accepts. */
  #item(schemas: S, id: number | string): string {
    const segment = schemas.id ? parseInput(schemas.id, id, `${this.#one} id`) : assertId(id);
    return `${this.#bound.base(schemas)}/${String(segment)}`;
  }

  #parse(
    schemas: S,
    which: keyof RouteSchemas,
    input: unknown,
    what: string,
  ): Record<string, unknown> {
    return parseInput(schemas[which] ?? shared().none, input, what) as Record<string, unknown>;
  }

  #list(
    prepare: (schemas: S) => [params: Record<string, unknown>, extra?: QueryInput],
    options: ListOptions | undefined,
  ): PagePromise<Output<S, 'item'>> {
    const spec = this.#spec;
    const { client, base, load } = this.#bound;
    return listPages<Output<S, 'item'>>(
      client,
      async () => {
        const { schemas } = await load();
        const [params, extra] = prepare(schemas);
        const { page, limit, with: withValues, ...rest } = params;
        const query = spec.query
          ? spec.query(params as ListParams<S>)
          : { with: joinWith(withValues as string[] | undefined), ...extra, ...rest };
        return {
          path: base(schemas),
          query: query as QueryInput,
          key: spec.key,
          schema: schemas.page ?? z.unknown(),
          what: this.#many,
          page: page as number | undefined,
          limit: (limit as number | undefined) ?? spec.pageSize,
          ...(spec.paginated === false ? { paginated: false } : {}),
        };
      },
      options,
    );
  }

  #writeOne(
    schemas: S,
    request: { method: 'POST' | 'PATCH'; path: string; body: unknown },
    options: RequestOptions | undefined,
  ): Promise<Output<S, 'ref'>> {
    return sendWriteOne(this.#bound.client, {
      ...request,
      key: this.#spec.key,
      schema: this.#ref(schemas),
      what: this.#one,
      options,
    });
  }

  #writeMany(
    schemas: S,
    method: 'POST' | 'PATCH',
    items: unknown,
    options: AnyBatchOptions | undefined,
  ): Promise<Array<Output<S, 'ref'>>> {
    return sendWriteMany(this.#bound.client, {
      method,
      path: this.#bound.base(schemas),
      items: items as Array<{ request_id?: string }>,
      key: this.#spec.key,
      schema: this.#ref(schemas),
      what: this.#many,
      maxChunk: this.#spec.maxChunk ?? MAX_BATCH_ITEMS,
      options,
    });
  }

  #ref(schemas: S): z.ZodType<Output<S, 'ref'>> {
    return (schemas.ref ?? z.unknown()) as z.ZodType<Output<S, 'ref'>>;
  }
}

/**
 * Sends one request whose answer is one object (a mode switch, a balance, a review, an
 * install) and parses it leniently; an empty answer is parsed as `{}`. The caller passes the
 * schema it loaded from its route (`(await route.schemas()).item`): nothing here builds one.
 *
 * @internal
 */
export async function sendFor<S extends z.ZodType>(
  client: Sender,
  request: CoreRequest,
  answer: { schema: S; what: string },
  options?: RequestOptions,
): Promise<z.infer<S>> {
  const response = await client._send(request, options);
  return parseResponse(answer.schema, response.body ?? {}, {
    what: `${answer.what} (${request.method} ${request.path})`,
    validate: client._validateResponses,
    requestId: response.requestId,
  });
}
