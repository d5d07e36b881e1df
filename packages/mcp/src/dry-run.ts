/**
 * Dry runs: a write tool runs exactly as it would, through the same SDK calls, against a client
 * whose writes are recorded instead of sent. What the SDK validated and serialised is what the
 * dry run reports, byte for byte; reads go to the account for real (through the real client,
 * so through its limiter), because a tool needs them to decide what to write (the lead's
 * pipeline, an existing contact).
 *
 * A recorded write is answered as Kommo would answer it, so the tool can go on: the items
 * echoed back, and for a created entity a placeholder id far above any real one, which the
 * report names for what it is ("the id Kommo gives the contact created by request 1").
 *
 * @module
 */

import { Kommo, type QueryInput } from 'kommo-sdk';

/** One request a write tool would send. */
export interface RecordedRequest {
  method: string;
  /** Path on the account host, e.g. `/api/v4/leads/42`. */
  path: string;
  /** The query string without `?`, when there is one. */
  query?: string;
  /** The JSON body exactly as it would be sent. */
  body?: unknown;
}

/** The first placeholder id; real Kommo ids are far below it. */
const PLACEHOLDER_BASE = 9_007_199_254_740_000;

/** Kommo's collection of a write path: `/api/v4/contacts` → `contacts`, `/api/v4/leads/1/notes` → `notes`. */
function collectionOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  return /^\d+$/.test(last) ? (parts[parts.length - 2] ?? 'entity') : last;
}

/** The entity id of a path like `/api/v4/leads/42` or `/api/v4/leads/42/notes`. */
function pathId(path: string): number | undefined {
  const match = /^\/api\/v4\/[a-z_]+\/(\d+)(?:\/|$)/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/**
 * The nested query a request was built from, read back from its search string (the inverse of
 * the SDK's bracket serialisation: `filter[id][]=1&filter[statuses][0][pipeline_id]=2`).
 */
export function parseQuery(search: URLSearchParams): QueryInput {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of search) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) continue;
    const segments = [
      match[1] as string,
      ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] as string),
    ];
    let node: Record<string, unknown> | unknown[] = root;
    segments.forEach((segment, i) => {
      const next = segments[i + 1];
      if (segment === '') {
        (node as unknown[]).push(value);
        return;
      }
      const target = node as Record<string, unknown>;
      if (next === undefined) {
        target[segment] = value;
        return;
      }
      if (target[segment] === undefined) {
        target[segment] =
          next === '' || /^\d+$/.test(next) ? [] : (Object.create(null) as Record<string, unknown>);
      }
      node = target[segment] as Record<string, unknown> | unknown[];
    });
  }
  return root as QueryInput;
}

function json(body: unknown, status = 200): Response {
  return body === null || body === undefined
    ? new Response(null, { status: 204 })
    : new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/hal+json' },
      });
}

/** A recorder and the client that records into it. One per dry run. */
export class DryRun {
  /** The writes the tool would send, in order. */
  readonly requests: RecordedRequest[] = [];
  /** The client a dry-run tool calls the SDK with. */
  readonly client: Kommo;
  readonly #placeholders = new Map<number, string>();

  constructor(main: Kommo) {
    this.client = new Kommo({
      baseUrl: main.baseUrl,
      // Never sent anywhere: this client's fetch below answers every request itself.
      accessToken: 'dry-run',
      // Its reads go through `main`, which paces them; nothing else leaves the process.
      rateLimit: false,
      maxRetries: 0,
      fetch: (input, init) => this.#fetch(main, new Request(input, init)),
    });
  }

  async #fetch(main: Kommo, request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'GET') {
      try {
        const body = await main.request(
          { method: 'GET', path: url.pathname, query: parseQuery(url.searchParams) },
          { signal: request.signal },
        );
        return json(body);
      } catch (error) {
        // Hand Kommo's refusal to the dry client as an answer, so it raises the same error.
        const e = error as { status?: unknown; body?: unknown };
        if (typeof e.status === 'number' && e.status >= 400)
          return new Response(typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? {}), {
            status: e.status,
            headers: {
              'content-type': typeof e.body === 'string' ? 'text/html' : 'application/problem+json',
            },
          });
        throw error;
      }
    }
    const text = await request.text();
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    const index = this.requests.length + 1;
    this.requests.push({
      method: request.method,
      path: url.pathname,
      ...(url.search ? { query: url.search.slice(1) } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    if (url.pathname.endsWith('/unlink')) return json(null);
    const id = pathId(url.pathname);
    const what = collectionOf(url.pathname);
    const echo = (item: unknown, i: number): Record<string, unknown> => {
      const fields =
        typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
      let itemId = fields['id'];
      if (typeof itemId !== 'number') {
        itemId =
          id !== undefined && request.method === 'PATCH' ? id : this.#placeholder(what, index);
      }
      return {
        ...fields,
        id: itemId,
        request_id: fields['request_id'] ?? String(i),
        ...(id !== undefined ? { entity_id: id } : {}),
      };
    };
    return json(Array.isArray(body) ? body.map(echo) : echo(body, 0));
  }

  #placeholder(what: string, request: number): number {
    const id = PLACEHOLDER_BASE + this.#placeholders.size + 1;
    const singular = what.replace(/ies$/, 'y').replace(/s$/, '');
    this.#placeholders.set(id, `<id Kommo gives the ${singular} created by request ${request}>`);
    return id;
  }

  /**
   * `value` with every placeholder id replaced by its description: for the report only (the
   * tool itself works with the numbers).
   */
  describe<T>(value: T): T {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'number') return this.#placeholders.get(v) ?? v;
      if (Array.isArray(v)) return v.map(walk);
      if (typeof v === 'object' && v !== null)
        return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
      return v;
    };
    return walk(value) as T;
  }
}
