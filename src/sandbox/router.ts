/**
 * The route table. A family of routes (leads, tasks…) is a plain table of
 * `'METHOD /path'` → handler; a surface (Kommo's API v4, the Chats API, Drive) is
 * a path prefix with its own credentials check and the families it serves.
 *
 * Paths are matched segment by segment: `:name` takes a positive integer id, `*name` a safe
 * word, anything else itself. A fixed segment wins over a parameter whatever the order the
 * families were mounted in, so a family never shadows another's fixed path
 * (`/events/types` against `/events/{id}`). No regex from user input.
 *
 * @module
 */

import type { IncomingMessage } from 'node:http';
import type { Ctx, Handler } from './context.js';
import type { Reply } from './problems.js';

/** The routes of one family: `'GET /api/v4/tasks/:id'` → handler. */
export type RouteTable = Readonly<Record<string, Handler>>;

/** One family of routes, named after the SDK resource it mirrors (`src/resources/<name>.ts`). */
export interface RouteFamily {
  readonly name: string;
  readonly routes: RouteTable;
}

/** Names a table of routes. */
export function family(name: string, routes: RouteTable): RouteFamily {
  return { name, routes };
}

/**
 * The same routes for each of `types` (notes, tags, links of leads, contacts and companies).
 *
 * @param routesOf - The table for one type.
 */
export function forEach<T extends string>(
  types: readonly T[],
  routesOf: (type: T) => RouteTable,
): RouteTable {
  return Object.assign({}, ...types.map(routesOf)) as RouteTable;
}

/**
 * A set of routes behind one path prefix with its own credentials check: Kommo's API v4
 * (`/api/`, a bearer token). Another host of Kommo's (the Chats API, Drive) is another surface.
 */
export type Surface = RoutedSurface | ServedSurface;

interface SurfaceBase {
  /** Paths that start with it belong here (`/api/`). */
  readonly prefix: string;
  /** Whether Kommo's per-account rate limit counts requests to it. */
  readonly rateLimited: boolean;
}

/** A surface of route families behind one credentials check (Kommo's API v4). */
export interface RoutedSurface extends SurfaceBase {
  readonly router: Router;
  /**
   * Hand every body to the handlers as bytes (`ctx.raw`) instead of parsing it as JSON: Drive's
   * upload parts are the file's bytes, whatever their content type.
   */
  readonly rawBodies?: boolean;
  /** A reply that refuses the request (401), or `undefined` to let it through. */
  authenticate(req: IncomingMessage, body: Buffer): Reply | undefined;
}

/**
 * A surface that answers every request itself: its own routing and credentials (the Chats
 * API signs each request with the channel secret instead of sending a token).
 */
export interface ServedSurface extends SurfaceBase {
  /** Answers one request; `rawPath` is the path as sent (signatures cover it undecoded). */
  serve(ctx: Ctx, req: IncomingMessage, rawPath: string, body: Buffer): Reply;
}

/** The result of matching a path. */
export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

interface Endpoint {
  handler: Handler;
  /** Names of the pattern's parameters, in path order. */
  names: string[];
}

/** A node of the path tree; parameter names live on the endpoints, so patterns may differ. */
interface Node {
  fixed: Map<string, Node>;
  id?: Node;
  word?: Node;
  endpoints: Map<string, Endpoint>;
}

const ID = /^[1-9]\d{0,15}$/;
const WORD = /^[A-Za-z0-9_-]{1,64}$/;

const newNode = (): Node => ({ fixed: new Map(), endpoints: new Map() });

export class Router {
  readonly #root = newNode();

  /** A router serving every route of `families`. */
  static of(families: readonly RouteFamily[]): Router {
    const router = new Router();
    for (const f of families) router.mount(f);
    return router;
  }

  /** Adds every route of a family. */
  mount(f: RouteFamily): void {
    for (const [key, handler] of Object.entries(f.routes)) {
      const space = key.indexOf(' ');
      this.add(key.slice(0, space), key.slice(space + 1), handler);
    }
  }

  /**
   * Adds one route.
   *
   * @throws Error when the method and pattern are taken already (two families claim a route).
   */
  add(method: string, pattern: string, handler: Handler): void {
    let node = this.#root;
    const names: string[] = [];
    for (const seg of pattern.split('/').filter(Boolean)) {
      if (seg.startsWith(':') || seg.startsWith('*')) {
        names.push(seg.slice(1));
        const kind = seg.startsWith(':') ? 'id' : 'word';
        node = node[kind] ??= newNode();
      } else {
        let next = node.fixed.get(seg);
        if (!next) node.fixed.set(seg, (next = newNode()));
        node = next;
      }
    }
    if (node.endpoints.has(method)) throw new Error(`Route taken twice: ${method} ${pattern}`);
    node.endpoints.set(method, { handler, names });
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    const values: string[] = [];
    const walk = (node: Node, i: number): Endpoint | undefined => {
      if (i === parts.length) {
        if (node.endpoints.size > 0) pathMatched = true;
        return node.endpoints.get(method);
      }
      const part = parts[i] ?? '';
      const fixed = node.fixed.get(part);
      const found = fixed && walk(fixed, i + 1);
      if (found) return found;
      const isId = ID.test(part) && Number.isSafeInteger(Number(part));
      for (const param of [isId ? node.id : undefined, WORD.test(part) ? node.word : undefined]) {
        if (!param) continue;
        values.push(part);
        const deeper = walk(param, i + 1);
        if (deeper) return deeper;
        values.pop();
      }
      return undefined;
    };
    const endpoint = walk(this.#root, 0);
    if (!endpoint) return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
    const params: Record<string, string> = {};
    endpoint.names.forEach((name, i) => (params[name] = values[i] ?? ''));
    return { kind: 'found', handler: endpoint.handler, params };
  }
}
