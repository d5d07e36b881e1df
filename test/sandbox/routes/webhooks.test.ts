import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/sandbox/index.js';
import { call, useSandbox } from '../helpers.js';

let sandbox: Sandbox;
useSandbox((s) => (sandbox = s));

describe('webhook subscriptions', () => {
  it('subscribes, updates by destination and unsubscribes webhooks', async () => {
    const first = await call(sandbox, 'POST', '/api/v4/webhooks', {
      destination: 'https://hooks.example.com/k?secret=s',
      settings: ['add_lead'],
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      destination: 'https://hooks.example.com/k?secret=s',
      settings: ['add_lead'],
      disabled: false,
    });
    const again = await call(sandbox, 'POST', '/api/v4/webhooks', {
      destination: 'https://hooks.example.com/k?secret=s',
      settings: ['status_lead'],
    });
    expect(again.body.id).toBe(first.body.id);
    const list = await call(sandbox, 'GET', '/api/v4/webhooks');
    expect(list.body._embedded.webhooks.map((w: any) => w.settings)).toEqual([['status_lead']]);
    expect(
      (
        await call(sandbox, 'DELETE', '/api/v4/webhooks', {
          destination: 'https://hooks.example.com/k?secret=s',
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await call(sandbox, 'DELETE', '/api/v4/webhooks', {
          destination: 'https://hooks.example.com/k?secret=s',
        })
      ).status,
    ).toBe(404);
    expect((await call(sandbox, 'GET', '/api/v4/webhooks')).status).toBe(204);
  });
});
