import { describe, expectTypeOf, it } from 'vitest';
import type {
  WebhookEventOf,
  WebhookEventType,
  WebhookLead,
  WebhookNote,
  WebhookRoutes,
  WebhookVerificationFor,
  createWebhookHandler,
  verifyWebhook,
} from '../../src/webhooks/index.js';

describe('webhook types', () => {
  it('gives each event type its own data shape', () => {
    expectTypeOf<WebhookEventOf<'leads.status'>['data']>().toEqualTypeOf<WebhookLead>();
    expectTypeOf<WebhookEventOf<'leads.note'>['data']>().toEqualTypeOf<WebhookNote>();
    expectTypeOf<WebhookEventOf<'companies.note'>['data']>().toEqualTypeOf<WebhookNote>();
    expectTypeOf<WebhookEventOf<'messages.add'>['id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<WebhookEventOf<'tasks.update'>['data']['date_create']>().toEqualTypeOf<
      string | undefined
    >();
    expectTypeOf<
      'leads.status' | 'companies.add' | 'tasks.add' | 'unknown'
    >().toExtend<WebhookEventType>();
    expectTypeOf<'task.add'>().not.toExtend<WebhookEventType>();
  });

  it('types listeners by the key they are registered under', () => {
    const routes: WebhookRoutes = {
      'leads.status': (event) => {
        expectTypeOf(event.data.old_status_id).toEqualTypeOf<number | undefined>();
      },
      'contacts.update': {
        filter: { responsible_user_id: 5 },
        handler: (event) => expectTypeOf(event.type).toEqualTypeOf<'contacts.update'>(),
      },
      '*': (event) => expectTypeOf(event.type).toEqualTypeOf<WebhookEventType>(),
    };
    expectTypeOf(routes).toExtend<WebhookRoutes>();
    expectTypeOf<typeof createWebhookHandler>().returns.toEqualTypeOf<
      (request: Request) => Promise<Response>
    >();
  });

  it('narrows the verification result by scheme', () => {
    expectTypeOf<
      WebhookVerificationFor<{ scheme: 'disconnect'; secret: string; clientUuid: string }>
    >().toEqualTypeOf<{
      scheme: 'disconnect';
      claims: { client_uuid: string; account_id: number };
    }>();
    expectTypeOf<WebhookVerificationFor<{ secret: string }>>().toEqualTypeOf<{
      scheme: 'url-secret';
    }>();
    expectTypeOf<
      ReturnType<typeof verifyWebhook<{ scheme: 'chats'; secret: string }>>
    >().toEqualTypeOf<Promise<{ scheme: 'chats' }>>();
  });
});
