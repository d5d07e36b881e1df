/**
 * Scenario: webhooks drive automations. A receiver reacts when a lead reaches a given stage
 * (start an automation) and when a lead is closed (won → thank-you, lost → ask for feedback).
 * Each reaction writes a note back to the lead, so the effect is visible in the CRM.
 *
 * Run: `npx tsx examples/webhook-triggers.ts`. Against the sandbox everything happens locally.
 * Against a real account Kommo must reach the receiver: expose `KOMMO_WEBHOOK_PORT` (default
 * 3000) through a tunnel, set `KOMMO_WEBHOOK_PUBLIC_URL` to its https URL, and pass `--yes`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cacheFor,
  createWebhookHandler,
  LOST_STATUS_ID,
  moveLeadTo,
  nextStatus,
  qualifyLead,
  toNodeHandler,
  WON_STATUS_ID,
  webhookEventKey,
  type Kommo,
} from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

/** One reaction the receiver ran. */
export interface Trigger {
  action: 'automation' | 'thank-you' | 'feedback';
  leadId: number;
  /** The note the reaction added to the lead. */
  noteId: number;
}

/** What the scenario did, for the demo's checks. */
export interface WebhookTriggersResult {
  triggers: Trigger[];
  /** Webhook deliveries the receiver accepted. */
  deliveries: number;
  /** The stage that starts the automation. */
  automationStatusId: number;
  wonLeadId: number;
  lostLeadId: number;
}

/** Options of {@link webhookTriggers}. */
export interface WebhookTriggersOptions {
  /** The public https URL forwarding to the receiver (real accounts). */
  publicUrl?: string;
  /** The receiver's port. @defaultValue a free port */
  port?: number;
  /** Give up waiting for the reactions after this long. @defaultValue 15000 */
  timeoutMs?: number;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Runs the scenario; `log` prints one line of readable output. */
export async function webhookTriggers(
  kommo: Kommo,
  log: (line: string) => void,
  options: WebhookTriggersOptions = {},
): Promise<WebhookTriggersResult> {
  // The automation starts at the second open stage of the main pipeline ("Qualified" in the
  // sandbox); set yours by id in a real integration.
  const main = await cacheFor(kommo).pipeline();
  const first = (main._embedded?.statuses ?? []).find(
    (s) => s.type !== 1 && s.id !== WON_STATUS_ID,
  );
  const automationStage = first ? nextStatus(main, first.id) : undefined;
  if (!automationStage) throw new Error(`Pipeline ${main.id} needs two open stages`);

  const secret = randomBytes(24).toString('base64url');
  const triggers: Trigger[] = [];
  const pending: Array<Promise<unknown>> = [];
  let deliveries = 0;
  const react = async (action: Trigger['action'], leadId: number, text: string): Promise<void> => {
    const note = await kommo.leads.addNote(leadId, text);
    triggers.push({ action, leadId, noteId: note.id });
    log(
      `  ↳ webhook: lead ${leadId} ${action === 'automation' ? `reached "${automationStage.name ?? ''}"` : action === 'thank-you' ? 'won' : 'lost'} → ${action} (note ${note.id})`,
    );
  };
  const handler = createWebhookHandler({
    verify: { secret },
    // Answer Kommo at once (it waits 2 s at most) and run the reactions in the background.
    waitUntil: (promise) => pending.push(promise),
    // Drop Kommo's retries of one delivery, but not a second stage change within the same
    // second: webhookEventKey alone keys on updated_at, which has one-second resolution.
    dedupe: {
      key: (event, payload) => {
        const base = webhookEventKey(event, payload);
        const status = (event.data as { status_id?: number | string | null }).status_id;
        return base === undefined ? undefined : `${base}:${String(status ?? '')}`;
      },
    },
    on: {
      '*': () => {
        deliveries++;
      },
      'leads.status': [
        {
          filter: { status_id: automationStage.id },
          handler: (e) => react('automation', e.data.id, 'Automation started: send the catalogue'),
        },
        {
          filter: { status_id: WON_STATUS_ID },
          handler: (e) => react('thank-you', e.data.id, 'Thank-you message sent'),
        },
        {
          filter: { status_id: LOST_STATUS_ID },
          handler: (e) => react('feedback', e.data.id, 'Feedback survey sent'),
        },
      ],
    },
  });
  const node = toNodeHandler(handler);
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/kommo/webhook')) void node(req, res);
    else res.writeHead(404).end();
  });
  const port = await listen(server, options.port ?? 0);
  const base = options.publicUrl ?? `http://127.0.0.1:${port}`;
  const destination = `${base.replace(/\/+$/, '')}/kommo/webhook?secret=${secret}`;
  try {
    await kommo.webhooks.subscribe({ destination, settings: ['status_lead'] });
    log(`receiver on 127.0.0.1:${port}, subscribed to status_lead (secret in the URL, not shown)`);

    const [won, lost] = await kommo.leads.createMany([
      { name: 'Webhook demo: conference hall', price: 9000 },
      { name: 'Webhook demo: small meeting room', price: 700 },
    ]);
    if (!won || !lost) throw new Error('leads.createMany returned fewer refs than asked');
    await moveLeadTo(kommo, won.id, automationStage.id);
    log(`lead ${won.id} moved to "${automationStage.name ?? ''}"`);
    await qualifyLead(kommo, won.id, true);
    log(`lead ${won.id} won`);
    await qualifyLead(kommo, lost.id, false);
    log(`lead ${lost.id} lost`);

    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    while (triggers.length < 3 && Date.now() < deadline) {
      await Promise.allSettled(pending);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.allSettled(pending);
    if (triggers.length < 3) {
      throw new Error(`Only ${triggers.length} of 3 reactions ran before the timeout`);
    }
    return {
      triggers,
      deliveries,
      automationStatusId: automationStage.id,
      wonLeadId: won.id,
      lostLeadId: lost.id,
    };
  } finally {
    await kommo.webhooks.unsubscribe(destination).catch(() => undefined);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const USAGE = `Usage: npx tsx examples/webhook-triggers.ts [--yes]

Subscribes a local receiver to status_lead webhooks (a secret in its URL), moves two leads and
reacts: a stage reached starts an automation, a won lead gets a thank-you, a lost one a
feedback request; each reaction leaves a note on the lead.

Connects to the account of the KOMMO_* variables (set, or in ./.env; see .env.example),
or starts a local Kommo sandbox when none is set.
A real account must reach the receiver: expose KOMMO_WEBHOOK_PORT (default 3000) through a
tunnel and set KOMMO_WEBHOOK_PUBLIC_URL to its https URL.

Options:
  --yes       write to a real account (required there)
  -h, --help  show this help
`;

async function main(flags: { yes?: boolean | undefined }): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const conn = await connectOrSandbox();
  try {
    const publicUrl = process.env['KOMMO_WEBHOOK_PUBLIC_URL'];
    if (conn.mode === 'account' && !publicUrl) {
      throw new Error(
        'Set KOMMO_WEBHOOK_PUBLIC_URL (a tunnel to KOMMO_WEBHOOK_PORT) for a real account',
      );
    }
    if (conn.mode === 'account' && flags.yes !== true) {
      console.error(
        `✗ webhook-triggers subscribes a webhook and moves two new leads in ${conn.target}: run again with --yes to go ahead`,
      );
      process.exitCode = 1;
      return;
    }
    console.log(`webhook-triggers → ${conn.target}`);
    const result = await webhookTriggers(conn.kommo, (line) => console.log(`  ${line}`), {
      ...(publicUrl ? { publicUrl, port: Number(process.env['KOMMO_WEBHOOK_PORT'] ?? 3000) } : {}),
    });
    console.log(`  ${result.deliveries} deliveries, ${result.triggers.length} reactions`);
  } finally {
    await conn.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: { yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    // An unknown flag or a missing value: say so, show the usage, exit 2.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  main(flags).catch((error: unknown) => {
    // SDK errors never carry a token: one line is enough.
    console.error(
      `✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  });
}
