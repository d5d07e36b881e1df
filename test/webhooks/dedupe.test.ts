import { describe, expect, it, vi } from 'vitest';
import { buildWebhookBody, MemoryDedupeStore, type WebhookEvent } from '../../src/index.js';
import { handlerWith, post } from '../support/webhooks.js';
import { fixture } from './fixtures.js';

const WON = fixture('webhook_lead_status_won.txt');

describe('createWebhookHandler with dedupe', () => {
  it('drops a repeated delivery with dedupe, but not a later change of the same lead', async () => {
    const listener = vi.fn();
    const { handler } = handlerWith({ dedupe: true, on: { 'leads.status': listener } });
    await handler(post(WON));
    await handler(post(WON));
    expect(listener).toHaveBeenCalledTimes(1);
    await handler(post(WON.replace('updated_at%5D=1735843200', 'updated_at%5D=1735843999')));
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('keeps two status changes of one lead within the same second (same updated_at)', async () => {
    const listener = vi.fn();
    const { handler } = handlerWith({ dedupe: true, on: { 'leads.status': listener } });
    const body = (statusId: number) =>
      buildWebhookBody({ id: 1, subdomain: 'acme' }, [
        {
          entity: 'leads',
          action: 'status',
          data: {
            id: 42,
            status_id: statusId,
            old_status_id: 7,
            pipeline_id: 1,
            updated_at: 1735843200,
          },
        },
      ]);
    await handler(post(body(55)));
    await handler(post(body(142)));
    await handler(post(body(142)));
    expect(
      listener.mock.calls.map(
        ([e]) => (e as WebhookEvent & { data: { status_id?: number } }).data.status_id,
      ),
    ).toEqual([55, 142]);
  });

  it('processes a retry again after a listener failed, with a custom key and store', async () => {
    let attempts = 0;
    const store = new MemoryDedupeStore();
    const { handler } = handlerWith({
      dedupe: { store, key: (event: WebhookEvent) => `${event.type}:${String(event.id)}` },
      on: {
        'leads.status': () => {
          attempts++;
          if (attempts === 1) throw new Error('temporary');
        },
      },
    });
    expect((await handler(post(WON))).status).toBe(500);
    expect((await handler(post(WON))).status).toBe(200);
    expect((await handler(post(WON))).status).toBe(200);
    expect(attempts).toBe(2);
  });
});

describe('MemoryDedupeStore', () => {
  it('forgets keys after their ttl and beyond its size bound', () => {
    let now = 0;
    const store = new MemoryDedupeStore({ max: 2, now: () => now });
    expect(store.seen('a', 100)).toBe(false);
    expect(store.seen('a', 100)).toBe(true);
    now = 101;
    expect(store.seen('a', 100)).toBe(false);
    store.seen('b', 100);
    store.seen('c', 100);
    expect(store.seen('a', 100)).toBe(false);
  });
});
