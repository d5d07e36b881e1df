import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError } from '../../src/index.js';
import { bot, type SalesbotHandler } from '../../src/salesbot/index.js';
import { HOST, testClient } from '../support/client.js';

describe('salesbot.run', () => {
  it('posts the tasks to the v2 run with Kommo’s entity codes', async () => {
    nock(HOST)
      .post('/api/v2/salesbot/run', [
        { bot_id: 5521, entity_id: 24183307, entity_type: 2 },
        { bot_id: 5521, entity_id: 9001, entity_type: 1 },
      ])
      .reply(202, { success: true });
    await testClient().salesbot.run([
      { bot_id: 5521, entity_id: 24183307, entity_type: 'leads' },
      { bot_id: 5521, entity_id: 9001, entity_type: 'contacts' },
    ]);
  });

  it('refuses no task, more than 100 and an unknown entity type before sending', async () => {
    const salesbot = testClient().salesbot;
    const task = { bot_id: 1, entity_id: 1, entity_type: 'leads' } as const;
    await expect(salesbot.run([])).rejects.toBeInstanceOf(RequestValidationError);
    await expect(salesbot.run(Array.from({ length: 101 }, () => task))).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(
      salesbot.run([{ ...task, entity_type: 'companies' as 'leads' }]),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});

describe('salesbot.continue', () => {
  it('continues a salesbot and a marketing bot on the account host, from the ids', async () => {
    const handlers: SalesbotHandler[] = [
      bot.show('Hello!'),
      bot.buttons('Size?', ['S', 'M', 'L']),
      bot.buttonsUrl('Catalog', ['https://example.com/catalog']),
      bot.goto('answer', 3),
    ];
    nock(HOST)
      .post('/api/v4/salesbot/5521/continue/8812', {
        data: { order: 'A-17' },
        execute_handlers: [
          { handler: 'show', params: { type: 'text', value: 'Hello!' } },
          {
            handler: 'show',
            params: { type: 'buttons', value: 'Size?', buttons: ['S', 'M', 'L'] },
          },
          {
            handler: 'show',
            params: {
              type: 'buttons_url',
              value: 'Catalog',
              buttons: ['https://example.com/catalog'],
            },
          },
          { handler: 'goto', params: { type: 'answer', step: 3 } },
        ],
      })
      .reply(202)
      .post('/api/v4/marketingbot/77/continue/91', {})
      .reply(202);
    const kommo = testClient();
    await kommo.salesbot.continue(
      { bot_id: 5521, continue_id: 8812 },
      { data: { order: 'A-17' }, execute_handlers: handlers },
    );
    await kommo.salesbot.continue({ bot_id: 77, continue_id: 91, bot_type: 'marketingbot' });
  });

  it('maps Kommo’s 404 (no bot waits on this continue id) to NotFoundError', async () => {
    nock(HOST)
      .post('/api/v4/salesbot/1/continue/2')
      .reply(404, { title: 'Not Found', status: 404, detail: 'No widget is waiting' });
    await expect(
      testClient().salesbot.continue({ bot_id: 1, continue_id: 2 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    [
      '11 handlers',
      { execute_handlers: Array.from({ length: 11 }, () => bot.show('x')) },
      'execute_handlers',
    ],
    [
      'a show of 81 characters',
      { execute_handlers: [bot.show('x'.repeat(81))] },
      'execute_handlers.0.params.value',
    ],
    [
      '26 buttons',
      {
        execute_handlers: [
          bot.buttons(
            'Pick',
            Array.from({ length: 26 }, (_, i) => `b${String(i)}`),
          ),
        ],
      },
      'execute_handlers.0.params.buttons',
    ],
    [
      'a link button that is not http(s)',
      { execute_handlers: [bot.buttonsUrl('Go', ['javascript:alert(1)'])] },
      'execute_handlers.0.params.buttons.0',
    ],
    [
      'an unknown handler',
      { execute_handlers: [{ handler: 'stop', params: {} } as never] },
      'execute_handlers.0.handler',
    ],
    ['a __proto__ key', JSON.parse('{"__proto__":{"polluted":true},"data":{}}') as object, ''],
  ])('refuses %s before sending, naming the field', async (_, params, path) => {
    const error: unknown = await testClient()
      .salesbot.continue({ bot_id: 1, continue_id: 2 }, params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    const issues = (error as RequestValidationError).issues.map((i) => i.path.join('.'));
    expect(issues.some((p) => p.startsWith(path))).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses a continue id that would change the path', async () => {
    await expect(
      testClient().salesbot.continue({ bot_id: 1, continue_id: '../../leads' }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
