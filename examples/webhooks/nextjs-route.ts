/**
 * A Next.js App Router route handler: save as `app/api/kommo/webhook/route.ts`.
 *
 * Register this destination in Kommo (Settings → Integrations → Web hooks, or
 * `kommo.webhooks.subscribe`), with your secret in it:
 *
 *   https://your-app.example.com/api/kommo/webhook?secret=<KOMMO_WEBHOOK_SECRET>
 *
 * Kommo does not sign its webhooks; the secret in the URL is what keeps strangers out. Without
 * `KOMMO_WEBHOOK_SECRET` the handler refuses every request (500), it never runs open.
 */
import { createWebhookHandler } from 'kommo-sdk/webhooks';
import { routes } from './routes.js';

const handler = createWebhookHandler({
  verify: {
    secret: process.env['KOMMO_WEBHOOK_SECRET'] ?? '',
    // Optional: only accept deliveries for your account.
    ...(process.env['KOMMO_ACCOUNT_ID'] && {
      expectedAccount: { id: Number(process.env['KOMMO_ACCOUNT_ID']) },
    }),
  },
  on: routes,
  dedupe: true,
  onError: (error, { phase }) => {
    console.error(`kommo webhook ${phase} failed:`, error instanceof Error ? error.message : error);
  },
});

/** Next.js calls this for POST requests; Kommo always POSTs. */
export async function POST(request: Request): Promise<Response> {
  return handler(request);
}
