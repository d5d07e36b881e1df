/**
 * The listeners every webhook example shares: the triggers of the original integration.
 *
 * - a new lead arrives → assign a manager;
 * - a lead reaches a given stage → start an automation;
 * - a lead is won → send a thank-you; a lead is lost → ask for feedback;
 * - a contact changes → sync it.
 *
 * Webhook data is not signed by Kommo: before acting on something that matters (money, e-mails
 * to customers), re-read the entity with the API (`kommo.leads.get(id)`).
 */
import { LOST_STATUS_ID, WON_STATUS_ID, type WebhookRoutes } from 'kommo-sdk';

/** The stage that starts an automation, e.g. "Proposal sent" (set yours). */
const AUTOMATION_STATUS_ID = Number(process.env['KOMMO_AUTOMATION_STATUS_ID'] ?? 32392165);

export const routes: WebhookRoutes = {
  'leads.add': (event, { payload }) => {
    console.log(`[${payload.account.subdomain}] new lead ${event.data.id}: assign a manager`);
  },
  'leads.status': [
    {
      filter: { status_id: AUTOMATION_STATUS_ID },
      handler: (event) => {
        console.log(
          `lead ${event.data.id} reached stage ${AUTOMATION_STATUS_ID}: start the automation`,
        );
      },
    },
    {
      filter: { status_id: WON_STATUS_ID },
      handler: (event) => {
        console.log(`lead ${event.data.id} won (${event.data.price ?? 0}): send a thank-you`);
      },
    },
    {
      filter: { status_id: LOST_STATUS_ID },
      handler: (event) => {
        console.log(`lead ${event.data.id} lost: ask for feedback`);
      },
    },
  ],
  'contacts.update': (event) => {
    const phones = event.data.custom_fields
      ?.find((f) => f.code === 'PHONE')
      ?.values.map((v) => v.value);
    console.log(`contact ${event.data.id} changed; phones: ${(phones ?? []).join(', ')}`);
  },
  unknown: (event) => {
    console.log(`unhandled Kommo event ${event.entity}[${event.action}]`);
  },
};
