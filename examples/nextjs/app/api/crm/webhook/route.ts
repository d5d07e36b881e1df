/**
 * `POST /api/crm/webhook?secret=…`: Kommo's webhooks. Register this destination in Kommo
 * (Settings → Integrations → Web hooks, or `kommo.webhooks.subscribe`) with your secret in it:
 *
 *   https://your-app.example.com/api/crm/webhook?secret=<KOMMO_WEBHOOK_SECRET>
 *
 * Kommo does not sign its webhooks; the secret in the URL keeps strangers out. Without
 * `KOMMO_WEBHOOK_SECRET` the handler refuses every request (500): it never runs open. It answers
 * at once and counts the events afterwards (`after`): Kommo waits 2 seconds at most.
 */
import { after } from 'next/server';
import { createWebhookHandler } from 'kommo-sdk';
import { recordError, recordWebhook } from '../../../../lib/sync';

export const dynamic = 'force-dynamic';

let handler: ((request: Request) => Promise<Response>) | undefined;

export async function POST(request: Request): Promise<Response> {
  // Built on the first delivery, so the secret is read at run time, not at build time.
  handler ??= createWebhookHandler({
    verify: { secret: process.env['KOMMO_WEBHOOK_SECRET'] ?? '' },
    dedupe: true,
    waitUntil: (promise) => after(promise),
    on: {
      // Every event counts for the status; the page re-reads the leads when the count moves.
      '*': (event) => recordWebhook(event),
    },
    onError: (error, { phase }) => recordError(phase, error),
  });
  return handler(request);
}
