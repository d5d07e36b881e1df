/**
 * A small exact-segment router: `/api/v4/leads/:id/notes/:noteId`, where `:` segments take
 * positive integers and `*` segments take a safe word. No regex from user input.
 *
 * @module
 */

import type { Handler } from './context.js';

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** The result of matching a path. */
export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

const ID = /^[1-9]\d{0,15}$/;
const WORD = /^[A-Za-z0-9_-]{1,64}$/;

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): void {
    this.#routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.#routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i] ?? '';
        const part = parts[i] ?? '';
        if (seg.startsWith(':')) {
          if (ID.test(part) && Number.isSafeInteger(Number(part))) params[seg.slice(1)] = part;
          else ok = false;
        } else if (seg.startsWith('*')) {
          if (WORD.test(part)) params[seg.slice(1)] = part;
          else ok = false;
        } else if (seg !== part) ok = false;
      }
      if (!ok) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      pathMatched = true;
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}
