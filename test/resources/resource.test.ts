import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { RequestValidationError } from '../../src/index.js';
import { route } from '../../src/resources/resource.js';
import { HOST, testClient } from '../support/client.js';
import { hal } from './support.js';

const json = { 'content-type': 'application/hal+json' };
const Item = z.looseObject({ id: z.number() });

function widgets(schemas: () => { item: z.ZodType; page: z.ZodType; list: z.ZodType }) {
  return route({ path: '/api/v4/widgets', key: 'widgets', names: ['widget', 'widgets'], schemas });
}

describe('route specs', () => {
  it('builds the schemas of a route on its first use, once, and not when bound to a client', async () => {
    const build = vi.fn(() => ({
      item: Item,
      page: z.looseObject({ _embedded: z.looseObject({ widgets: z.array(Item) }).nullish() }),
      list: z.strictObject({ limit: z.number().optional() }),
    }));
    const spec = widgets(build);
    const verbs = spec.on(testClient());
    const pages = verbs.list({ limit: 2 });
    expect(build).not.toHaveBeenCalled();
    nock(HOST)
      .get('/api/v4/widgets')
      .query({ page: 1, limit: 2 })
      .twice()
      .reply(200, hal('widgets', [{ id: 1 }]), json);
    await expect(pages).resolves.toMatchObject({ items: [{ id: 1 }] });
    await verbs.list({ limit: 2 });
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('checks list params strictly on first use, rejecting the page promise instead of throwing', async () => {
    const verbs = widgets(() => ({
      item: Item,
      page: Item,
      list: z.strictObject({ limit: z.number().optional() }),
    })).on(testClient());
    const pages = verbs.list({ limt: 2 });
    await expect(pages).rejects.toBeInstanceOf(RequestValidationError);
    await expect(pages).rejects.toThrow(/Invalid widget list params: limt: Unknown key "limt"/);
  });

  it('refuses to send for a route under a parent that was given no parent path', async () => {
    const scoped = route({
      key: 'widgets',
      names: ['widget', 'widgets'],
      schemas: () => ({ item: Item }),
    });
    await expect(scoped.on(testClient()).get(1)).rejects.toThrow(
      'The widgets route needs a parent path',
    );
  });
});
