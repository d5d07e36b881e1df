import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError } from '../../src/index.js';
import { WebhookSubscriptions } from '../../src/resources/webhooks.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from '../webhooks/fixtures.js';

const hal = { 'content-type': 'application/hal+json' };

function webhooks(): WebhookSubscriptions {
  return new WebhookSubscriptions(testClient());
}

describe('kommo.webhooks.list', () => {
  it('returns every subscription with disabled flags and unknown keys kept', async () => {
    const scope = nock(HOST)
      .get('/api/v4/webhooks')
      .reply(200, fixture('webhooks_subscriptions_list.json'), hal);
    const page = await webhooks().list();
    expect(page.items.map((w) => [w.id, w.disabled])).toEqual([
      [839656, false],
      [849193, true],
      [1056949, false],
    ]);
    expect(page.items[0]?.settings).toContain('status_lead');
    expect(page.hasNextPage()).toBe(false);
    expect(scope.isDone()).toBe(true);
  });

  it('sends filter[destination] in bracket encoding', async () => {
    const scope = nock(HOST)
      .get('/api/v4/webhooks')
      .query({ 'filter[destination]': 'https://example.test/hook?secret=abc' })
      .reply(200, fixture('webhooks_subscriptions_list.json'), hal);
    await webhooks().list({ filter: { destination: 'https://example.test/hook?secret=abc' } });
    expect(scope.isDone()).toBe(true);
  });

  it('treats a 204 as no subscriptions', async () => {
    nock(HOST).get('/api/v4/webhooks').reply(204);
    expect((await webhooks().list()).items).toEqual([]);
  });
});

describe('kommo.webhooks.subscribe', () => {
  it('posts destination, settings and sort and returns the subscription', async () => {
    let sent: unknown;
    const scope = nock(HOST)
      .post('/api/v4/webhooks', (body) => {
        sent = body;
        return true;
      })
      .matchHeader('authorization', 'Bearer test-token-0123456789')
      .reply(
        201,
        {
          id: 839656,
          destination: 'https://hooks.example.com/kommo?secret=s',
          created_at: 1575539157,
          account_id: 31204999,
          sort: 10,
          disabled: false,
          settings: ['add_lead', 'status_lead'],
          some_new_key: 1,
        },
        hal,
      );
    const subscription = await webhooks().subscribe({
      destination: 'https://hooks.example.com/kommo?secret=s',
      settings: ['add_lead', 'status_lead'],
      sort: 10,
    });
    expect(sent).toEqual({
      destination: 'https://hooks.example.com/kommo?secret=s',
      settings: ['add_lead', 'status_lead'],
      sort: 10,
    });
    expect(subscription).toMatchObject({ id: 839656, disabled: false, some_new_key: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it('accepts plain http on loopback hosts for local development', async () => {
    const scope = nock(HOST)
      .post('/api/v4/webhooks')
      .times(2)
      .reply(
        201,
        { id: 1, destination: 'http://127.0.0.1:3000/hook', settings: ['add_lead'] },
        hal,
      );
    await webhooks().subscribe({
      destination: 'http://127.0.0.1:3000/hook',
      settings: ['add_lead'],
    });
    await webhooks().subscribe({
      destination: 'http://localhost:3000/hook',
      settings: ['add_lead'],
    });
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    'http://hooks.example.com/kommo',
    'ftp://hooks.example.com/kommo',
    'http://127.example.com/hook',
    'hooks.example.com/kommo',
  ])('refuses the destination %s before sending anything', async (destination) => {
    const error = await webhooks()
      .subscribe({ destination, settings: ['add_lead'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error).toMatchObject({ code: 'invalid_request', issues: [{ path: ['destination'] }] });
  });

  it('refuses an empty settings list and misspelt keys', async () => {
    await expect(
      webhooks().subscribe({ destination: 'https://a.example/h', settings: [] }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      webhooks().subscribe({
        destination: 'https://a.example/h',
        settings: ['add_lead'],
        setings: ['x'],
      } as never),
    ).rejects.toMatchObject({ code: 'invalid_request', issues: [{ path: ['setings'] }] });
  });
});

describe('kommo.webhooks.unsubscribe', () => {
  it('sends DELETE with the destination in the body', async () => {
    let sent: unknown;
    const scope = nock(HOST)
      .delete('/api/v4/webhooks', (body) => {
        sent = body;
        return true;
      })
      .reply(204);
    await expect(
      webhooks().unsubscribe('https://hooks.example.com/kommo'),
    ).resolves.toBeUndefined();
    expect(sent).toEqual({ destination: 'https://hooks.example.com/kommo' });
    expect(scope.isDone()).toBe(true);
  });

  it('throws NotFoundError for an unknown destination', async () => {
    nock(HOST).delete('/api/v4/webhooks').reply(
      404,
      { title: 'Not Found', status: 404, detail: 'Webhook not found' },
      {
        'content-type': 'application/problem+json',
      },
    );
    await expect(webhooks().unsubscribe('https://nope.example/h')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
