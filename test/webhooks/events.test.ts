import { describe, expect, expectTypeOf, it } from 'vitest';
import { WEBHOOK_SETTINGS as SUBSCRIPTION_SETTINGS } from '../../src/index.js';
import {
  WEBHOOK_EVENTS,
  WEBHOOK_SETTINGS,
  webhookSetting,
  type WebhookSettingName,
} from '../../src/webhooks/events.js';
import {
  buildWebhookBody,
  parseWebhook,
  type WebhookEventType,
  type WebhookWireEntity,
} from '../../src/webhooks/index.js';

const ACCOUNT = { id: 31204999, subdomain: 'acme' };

/** Every entity and action of the table, as `[entity, action]`. */
const EVENTS = Object.entries(WEBHOOK_EVENTS).flatMap(([entity, spec]) =>
  spec.actions.map((action) => [entity, action] as const),
);

describe('the webhook events table', () => {
  it('gives the subscription names Kommo documents, in the order of its docs', () => {
    expect(WEBHOOK_SETTINGS).toEqual([
      ...['add', 'update', 'delete', 'restore', 'status', 'responsible', 'note'].map(
        (a) => `${a}_lead`,
      ),
      ...['add', 'update', 'delete', 'restore', 'responsible', 'note'].map((a) => `${a}_contact`),
      ...['add', 'update', 'delete', 'restore', 'responsible', 'note'].map((a) => `${a}_company`),
      ...['add', 'update', 'delete', 'responsible', 'note'].map((a) => `${a}_customer`),
      ...['add', 'update', 'delete', 'responsible'].map((a) => `${a}_task`),
      'add_talk',
      'update_talk',
      'add_chat_template_review',
    ]);
    // The names kommo.webhooks.subscribe documents are the same list.
    expect([...SUBSCRIPTION_SETTINGS]).toEqual([...WEBHOOK_SETTINGS]);
  });

  it('names the subscription of one event, and none where Kommo documents none', () => {
    expect(webhookSetting('leads', 'status')).toBe('status_lead');
    expect(webhookSetting('companies', 'note')).toBe('note_company');
    expect(webhookSetting('tasks', 'responsible')).toBe('responsible_task');
    expect(webhookSetting('unsorted', 'add')).toBeUndefined();
    expectTypeOf(webhookSetting('leads', 'status')).toEqualTypeOf<
      | `${'add' | 'update' | 'delete' | 'restore' | 'status' | 'responsible' | 'note'}_lead`
      | undefined
    >();
    expectTypeOf<'status_lead'>().toExtend<WebhookSettingName>();
    expectTypeOf<'add_chat_template_review'>().toExtend<WebhookSettingName>();
  });

  it.each(EVENTS)('encodes %s.%s and parses it back as that typed event', (entity, action) => {
    const data = { id: 7, talk_id: 7, uid: 'u-7', text: 'hi' };
    const { events } = parseWebhook(buildWebhookBody(ACCOUNT, [{ entity, action, data }]));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: `${entity}.${action}`, entity, action });
    const id = entity === 'unsorted' ? 'u-7' : entity === 'messages' ? '7' : 7;
    expect(events[0]?.id).toBe(id);
  });

  it('sends each entity under the key Kommo uses, companies as contacts with type=company', () => {
    const wire = (entity: string) =>
      decodeURIComponent(buildWebhookBody(ACCOUNT, [{ entity, action: 'add', data: { id: 1 } }]))
        .split('&')[3]
        ?.split('[')[0];
    expect(Object.keys(WEBHOOK_EVENTS).map(wire)).toEqual([
      'leads',
      'contacts',
      'contacts',
      'customers',
      'task',
      'talk',
      'unsorted',
      'message',
      'catalogs',
    ]);
    expect(
      buildWebhookBody(ACCOUNT, [{ entity: 'companies', action: 'add', data: { id: 1 } }]),
    ).toContain('contacts%5Badd%5D%5B0%5D%5Btype%5D=company');
    expectTypeOf<WebhookWireEntity>().toEqualTypeOf<
      'leads' | 'contacts' | 'customers' | 'task' | 'talk' | 'unsorted' | 'message' | 'catalogs'
    >();
  });

  it('types every event of the table, and only those plus unknown', () => {
    type FromTable = {
      [E in keyof typeof WEBHOOK_EVENTS]: `${E}.${(typeof WEBHOOK_EVENTS)[E]['actions'][number]}`;
    }[keyof typeof WEBHOOK_EVENTS];
    expectTypeOf<WebhookEventType>().toEqualTypeOf<FromTable | 'unknown'>();
  });

  it('keeps an action the table does not list as an unknown event', () => {
    const body = buildWebhookBody(ACCOUNT, [{ entity: 'tasks', action: 'note', data: { id: 1 } }]);
    expect(parseWebhook(body).events[0]).toMatchObject({
      type: 'unknown',
      entity: 'task',
      action: 'note',
    });
  });
});
