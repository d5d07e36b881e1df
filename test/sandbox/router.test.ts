import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Ctx, Handler } from '../../src/sandbox/context.js';
import { Router, family, forEach } from '../../src/sandbox/router.js';
import { API_V4_FAMILIES } from '../../src/sandbox/routes/index.js';

const answer =
  (status: number): Handler =>
  () => ({ status });

/** The status the matched handler answers, or the kind of miss. */
function statusOf(router: Router, method: string, path: string): number | string {
  const match = router.match(method, path);
  return match.kind === 'found' ? match.handler({} as Ctx).status : match.kind;
}

describe('router', () => {
  it('prefers a fixed segment to a parameter whatever the mount order', () => {
    for (const order of [
      ['GET /events/*id', 'GET /events/types'],
      ['GET /events/types', 'GET /events/*id'],
    ]) {
      const router = new Router();
      order.forEach((key, i) => router.mount(family(`f${String(i)}`, { [key]: answer(i) })));
      expect(statusOf(router, 'GET', '/events/types')).toBe(order.indexOf('GET /events/types'));
      expect(statusOf(router, 'GET', '/events/01abc')).toBe(order.indexOf('GET /events/*id'));
    }
  });

  it('falls back to a parameter when the fixed path lacks the method', () => {
    const router = Router.of([
      family('unsorted', {
        'POST /unsorted/forms': answer(201),
        'GET /unsorted/*uid': answer(200),
      }),
    ]);
    expect(statusOf(router, 'POST', '/unsorted/forms')).toBe(201);
    expect(statusOf(router, 'GET', '/unsorted/forms')).toBe(200);
    expect(statusOf(router, 'DELETE', '/unsorted/forms')).toBe('method-not-allowed');
    expect(statusOf(router, 'GET', '/unsorted/forms/more')).toBe('not-found');
  });

  it('takes only positive safe integers for : segments and safe words for * segments', () => {
    const router = Router.of([
      family('x', { 'GET /leads/:id': answer(1), 'GET /events/*id': answer(2) }),
    ]);
    expect(statusOf(router, 'GET', '/leads/42')).toBe(1);
    for (const bad of ['0', '01', '-1', '1e3', '12345678901234567', 'abc'])
      expect(statusOf(router, 'GET', `/leads/${bad}`)).toBe('not-found');
    expect(statusOf(router, 'GET', '/events/a_b-9')).toBe(2);
    expect(statusOf(router, 'GET', `/events/${'a'.repeat(65)}`)).toBe('not-found');
    expect(statusOf(router, 'GET', '/events/a.b')).toBe('not-found');
  });

  it('names the parameters of each route by its own pattern', () => {
    const router = Router.of([
      family('x', {
        'GET /catalogs/:id/elements/:elementId': answer(1),
        'PATCH /catalogs/:catalog/elements/:element': answer(2),
      }),
    ]);
    const get = router.match('GET', '/catalogs/7/elements/9');
    const patch = router.match('PATCH', '/catalogs/7/elements/9');
    expect(get.kind === 'found' && get.params).toEqual({ id: '7', elementId: '9' });
    expect(patch.kind === 'found' && patch.params).toEqual({ catalog: '7', element: '9' });
  });

  it('refuses a route two families claim', () => {
    const router = Router.of([family('a', { 'GET /tasks': answer(1) })]);
    expect(() => router.mount(family('b', { 'GET /tasks': answer(2) }))).toThrow(
      'Route taken twice: GET /tasks',
    );
  });

  it('builds the same routes for each entity type', () => {
    const routes = forEach(['leads', 'contacts'], (type) => ({ [`GET /${type}/tags`]: answer(1) }));
    expect(Object.keys(routes)).toEqual(['GET /leads/tags', 'GET /contacts/tags']);
  });
});

describe('the API v4 families', () => {
  it('mount 262 routes with none claimed twice', () => {
    const router = Router.of(API_V4_FAMILIES);
    const count = API_V4_FAMILIES.reduce((n, f) => n + Object.keys(f.routes).length, 0);
    expect(count).toBe(262);
    expect(router.match('GET', '/api/v4/events/types').kind).toBe('found');
  });

  it('are each a route file named after the SDK resource they mirror', () => {
    const src = new URL('../../src/', import.meta.url);
    for (const { name } of API_V4_FAMILIES) {
      expect(existsSync(new URL(`sandbox/routes/${name}.ts`, src)), name).toBe(true);
      expect(existsSync(new URL(`resources/${name}.ts`, src)), name).toBe(true);
    }
  });
});
