import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Kommo,
  MemoryTokenStore,
  NotFoundError,
  WON_STATUS_ID,
  cf,
  createWebhookHandler,
  getFieldValue,
  toNodeHandler,
  type WebhookEvent,
  embeddedIds,
} from '../../src/index.js';
import { SEED_IDS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';

// The SDK's resources against the sandbox over real HTTP, end to end.
let sandbox: Sandbox;
let receiver: Server;
let receiverUrl: string;
const received: WebhookEvent[] = [];
const SECRET = 'hook-secret-0123456789';

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false, webhooks: { retryDelaysMs: [10, 10] } });
  const handler = createWebhookHandler({
    verify: { secret: SECRET },
    on: { '*': (event) => void received.push(event) },
  });
  const node = toNodeHandler(handler);
  receiver = createServer((req, res) => void node(req, res));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kommo/webhook?secret=${SECRET}`;
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});

function client(extra: Partial<ConstructorParameters<typeof Kommo>[0]> = {}): Kommo {
  return new Kommo({
    baseUrl: sandbox.url,
    accessToken: sandbox.accessToken,
    rateLimit: false,
    retry: { sleep: async () => {} },
    ...extra,
  });
}

describe('the SDK against the sandbox', () => {
  it('creates, lists, updates, moves, notes and reads custom fields, and the webhooks arrive', async () => {
    const kommo = client();
    await kommo.webhooks.subscribe({
      destination: receiverUrl,
      settings: ['add_lead', 'update_lead', 'status_lead', 'note_lead'],
    });

    const contact = await kommo.contacts.create({
      name: 'Maria Silva',
      custom_fields_values: [cf.phones(['+55 11 98888-7777']), cf.emails(['maria@example.com'])],
    });
    const lead = await kommo.leads.create({
      name: 'Website chat',
      price: 1200,
      pipeline_id: SEED_IDS.mainPipelineId,
      status_id: SEED_IDS.firstStatusId,
    });
    await kommo.leads.link(lead.id, [{ to_entity_id: contact.id, to_entity_type: 'contacts' }]);

    const found = await kommo.contacts.search('98888-7777').toArray({ max: 10 });
    expect(found.map((c) => c.id)).toContain(contact.id);

    await kommo.leads.update(lead.id, { price: 1500 });
    await kommo.leads.moveToStatus(lead.id, { status_id: WON_STATUS_ID });
    await kommo.leads.addNote(lead.id, 'Customer: hi\nAgent: hello');

    const read = await kommo.leads.get(lead.id, { with: ['contacts'] });
    expect(read).toMatchObject({
      id: lead.id,
      name: 'Website chat',
      price: 1500,
      status_id: WON_STATUS_ID,
    });
    expect(embeddedIds(read._embedded?.contacts)).toContain(contact.id);

    const notes = await kommo.notes.listFor('leads', lead.id).toArray({ max: 10 });
    expect(
      notes.some(
        (n) =>
          n.note_type === 'common' &&
          (n.params as Record<string, unknown> | undefined)?.['text'] ===
            'Customer: hi\nAgent: hello',
      ),
    ).toBe(true);

    const readContact = await kommo.contacts.get(contact.id);
    expect(getFieldValue(readContact, 'EMAIL')).toBe('maria@example.com');

    const listed: number[] = [];
    for await (const l of kommo.leads.list({ filter: { id: [lead.id] } })) listed.push(l.id);
    expect(listed).toEqual([lead.id]);

    await sandbox.flushWebhooks();
    const types = received.map((e) => e.type);
    expect(types).toContain('leads.add');
    expect(types).toContain('leads.status');
    const status = received.find((e) => e.type === 'leads.status');
    expect(status?.id).toBe(lead.id);
  });

  it('answers NotFoundError for an unknown lead and an empty list for a filter matching nothing', async () => {
    const kommo = client();
    await expect(kommo.leads.get(999_999_999)).rejects.toBeInstanceOf(NotFoundError);
    expect(await kommo.leads.list({ filter: { id: [999_999_999] } }).toArray({ max: 5 })).toEqual(
      [],
    );
  });

  it('walks every page of a large list in order', async () => {
    const kommo = client();
    const refs = await kommo.leads.createMany(
      Array.from({ length: 600 }, (_, i) => ({ name: `Bulk ${i}` })),
      { chunkSize: 250 },
    );
    expect(refs).toHaveLength(600);
    const ids = new Set(refs.map((r) => r.id));
    let seen = 0;
    for await (const l of kommo.leads.list({ limit: 250 })) if (ids.has(l.id)) seen++;
    expect(seen).toBe(600);
  });

  it('survives an access-token expiry in the middle of a run by refreshing once', async () => {
    const tokens = sandbox.issueTokens();
    const store = new MemoryTokenStore();
    const kommo = client({
      accessToken: undefined,
      oauth: sandbox.oauth,
      tokenStore: store,
      tokens,
    } as never);
    await kommo.account.get();
    const before = sandbox.stats.refreshes;
    sandbox.expireAccessTokens();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => kommo.leads.list({ limit: 1 }).then((p) => p.items.length)),
    );
    expect(results.every((n) => n === 1)).toBe(true);
    expect(sandbox.stats.refreshes - before).toBe(1);
    expect((await store.get(new URL(sandbox.url).host))?.refresh_token).not.toBe(
      tokens.refresh_token,
    );
  });
});
