/**
 * The webhook route of the Next.js app (`app/api/kommo/webhook/route.ts`): Kommo's events
 * verified by the secret in the destination URL, then the triggers. The handler answers at
 * once and runs the reactions afterwards (`waitUntil`, or Next's `after()`), since Kommo waits
 * 2 seconds at most.
 */
import { createWebhookHandler, qualifyLead, WON_STATUS_ID } from '../../src/index.js';
import { getKommo } from './kommo.js';

const pending = new Set<Promise<unknown>>();

const handler = createWebhookHandler({
  verify: { secret: process.env['KOMMO_WEBHOOK_SECRET'] ?? '' },
  dedupe: true,
  waitUntil: (promise) => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  },
  on: {
    'leads.status': {
      filter: { status_id: WON_STATUS_ID },
      handler: async (event) => {
        await getKommo().leads.addNote(event.data.id, 'Thank-you message sent');
      },
    },
    'leads.add': async (event) => {
      // A lead created in the "contract signed" form closes at once (an example rule).
      if (event.data.name?.startsWith('[signed]'))
        await qualifyLead(getKommo(), event.data.id, true);
    },
  },
});

/** Kommo always POSTs. */
export async function POST(request: Request): Promise<Response> {
  return handler(request);
}
