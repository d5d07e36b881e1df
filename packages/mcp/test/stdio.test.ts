/**
 * kommo-mcp as an MCP host runs it: the built bin over stdio, driven by the official MCP
 * client, against a sandbox whose state and request log the tests read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTokenStore, Kommo, toTokenSet } from 'kommo-sdk';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { VERSION } from '../src/version.js';
import {
  cleanEnv,
  connectStdio,
  ok,
  sandboxProcess,
  tempDir,
  tokenFile,
  toolError,
  writeLog,
  type Session,
} from './support/mcp.js';

const READ_TOOLS = [
  'search_leads',
  'get_lead',
  'search_contacts',
  'get_contact',
  'list_pipelines',
  'list_users',
  'list_custom_fields',
  'list_tasks',
  'get_events',
];
const WRITE_TOOLS = [
  'create_lead',
  'update_lead',
  'move_lead',
  'add_note',
  'create_task',
  'complete_task',
  'link_entities',
  'assign_responsible',
];
const BULK_TOOLS = ['update_leads', 'move_leads'];

let sandbox: Sandbox;
let token: string;
const sessions: Session[] = [];

async function connect(extra: readonly string[] = []): Promise<Session> {
  const s = await connectStdio(['--base-url', sandbox.url, '--token-file', token, ...extra]);
  sessions.push(s);
  return s;
}

/** A client of the test's own, for setting up data (the sandbox has a limit: it paces too). */
function direct(): Kommo {
  return new Kommo({ baseUrl: sandbox.url, accessToken: sandbox.accessToken });
}

/** Methods of the requests the sandbox received since `clearRequests()`. */
function writesSeen(): string[] {
  return sandbox.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
}

beforeAll(async () => {
  // Kommo's own limit (7 requests per sliding second, 429 beyond): the server must stay under it.
  sandbox = await startSandbox({ rateLimit: 7 });
  token = tokenFile(sandbox.accessToken);
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await sandbox.close();
});

describe('tools/list', () => {
  it('lists the 19 pinned tools, each with a JSON Schema and the MCP annotations', async () => {
    const s = await connect();
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...READ_TOOLS, ...WRITE_TOOLS, ...BULK_TOOLS]);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.inputSchema['additionalProperties']).toBe(false);
      const a = tool.annotations ?? {};
      expect(typeof a.readOnlyHint).toBe('boolean');
      expect(typeof a.destructiveHint).toBe('boolean');
      expect(typeof a.idempotentHint).toBe('boolean');
      const read = READ_TOOLS.includes(tool.name);
      expect(a.readOnlyHint).toBe(read);
      // Every write tool previews; only bulk tools take a confirmation token.
      expect(Object.keys(tool.inputSchema.properties ?? {}).includes('dry_run')).toBe(!read);
      expect(Object.keys(tool.inputSchema.properties ?? {}).includes('confirmation_token')).toBe(
        BULK_TOOLS.includes(tool.name),
      );
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    expect(byName['create_lead']).toMatchObject({ destructiveHint: false, idempotentHint: false });
    expect(byName['move_lead']).toMatchObject({ destructiveHint: true, idempotentHint: true });
    expect(byName['update_leads']).toMatchObject({ destructiveHint: true, idempotentHint: true });
    expect(byName['add_note']).toMatchObject({ destructiveHint: false, idempotentHint: false });
    expect(s.client.getServerVersion()).toMatchObject({ name: 'kommo-mcp', version: VERSION });
  });

  it('lists no write tool in read-only mode, and refuses to call one', async () => {
    const s = await connect(['--read-only']);
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(READ_TOOLS);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    sandbox.clearRequests();
    await expect(s.call('create_lead', { name: 'Nope' })).rejects.toThrow(
      /Unknown tool.*read-only/,
    );
    expect(writesSeen()).toEqual([]);
  });

  it('serves the pipelines and custom fields as resources, and the prompts', async () => {
    const s = await connect(['--read-only']);
    const { resources } = await s.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      'kommo://pipelines',
      'kommo://custom-fields/leads',
      'kommo://custom-fields/contacts',
      'kommo://custom-fields/companies',
    ]);
    const pipelines = await s.client.readResource({ uri: 'kommo://pipelines' });
    const first = pipelines.contents[0] as { text: string; mimeType: string };
    expect(first.mimeType).toBe('application/json');
    const parsed = JSON.parse(first.text) as Array<{
      name: string;
      stages: Array<{ name: string }>;
    }>;
    expect(parsed[0]?.stages.map((st) => st.name)).toContain('Qualified');
    // Read twice, fetched once: the SDK's cache serves the second read.
    sandbox.clearRequests();
    await s.client.readResource({ uri: 'kommo://pipelines' });
    expect(sandbox.requests).toEqual([]);
    const { prompts } = await s.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['qualify_leads', 'follow_up_stale_leads']);
    const prompt = await s.client.getPrompt({
      name: 'qualify_leads',
      arguments: { stage: 'Qualified' },
    });
    const message = prompt.messages[0]?.content as { text: string };
    expect(message.text).toContain('search_leads with stage "Qualified"');
  });
});

describe('a conversation', () => {
  it('finds or creates the contact, creates the lead, moves it, notes it and plans a task: exactly that state', async () => {
    const s = await connect();
    const leadsBefore = sandbox.state.leads.size;
    const contactsBefore = sandbox.state.contacts.size;
    const notesBefore = sandbox.state.notes.size;
    const tasksBefore = sandbox.state.tasks.size;

    // The agent looks for the caller first: nobody has this number.
    const search = ok<{ items: unknown[] }>(
      await s.call('search_contacts', { query: '5550142277' }),
    );
    expect(search.items).toEqual([]);
    const created = ok<{ lead_id: number; contact: { id: number; created: boolean } }>(
      await s.call('create_lead', {
        name: 'Website order #4410',
        price: 1200,
        contact: {
          name: 'Maria Ortiz',
          phone: '+1 (555) 014-2277',
          email: 'Maria.Ortiz@example.com',
        },
      }),
    );
    expect(created.contact.created).toBe(true);
    const moved = ok<{ stage: { name: string } }>(
      await s.call('move_lead', { lead_id: created.lead_id, stage: 'qualified' }),
    );
    expect(moved.stage.name).toBe('Qualified');
    const note = ok<{ note_id: number }>(
      await s.call('add_note', {
        entity_type: 'leads',
        entity_id: created.lead_id,
        text: 'Budget confirmed, decision by Friday',
      }),
    );
    const task = ok<{ task_id: number }>(
      await s.call('create_task', {
        text: 'Send the proposal',
        due: '2031-05-02T10:00:00Z',
        entity_type: 'leads',
        entity_id: created.lead_id,
        type: 'follow_up',
      }),
    );
    // The same caller again: found, not created twice.
    const again = ok<{
      lead_id: number;
      contact: { id: number; created: boolean; matched_by: string };
    }>(await s.call('create_lead', { name: 'Second order', contact: { phone: '15550142277' } }));
    expect(again.contact).toMatchObject({ id: created.contact.id, created: false });

    expect(sandbox.state.leads.size).toBe(leadsBefore + 2);
    expect(sandbox.state.contacts.size).toBe(contactsBefore + 1);
    expect(sandbox.state.notes.size).toBe(notesBefore + 1);
    expect(sandbox.state.tasks.size).toBe(tasksBefore + 1);
    const lead = sandbox.state.leads.get(created.lead_id);
    const pipeline = sandbox.state.pipelines.get(lead?.pipeline_id ?? 0);
    expect(lead).toMatchObject({ name: 'Website order #4410', price: 1200 });
    expect(pipeline?.statuses.find((st) => st.id === lead?.status_id)?.name).toBe('Qualified');
    const contact = sandbox.state.contacts.get(created.contact.id);
    expect(contact?.name).toBe('Maria Ortiz');
    expect(JSON.stringify(contact?.custom_fields_values)).toContain('+15550142277');
    expect(JSON.stringify(contact?.custom_fields_values)).toContain('maria.ortiz@example.com');
    expect(sandbox.state.linksOf('leads', created.lead_id)).toEqual([
      expect.objectContaining({ to_entity_type: 'contacts', to_entity_id: created.contact.id }),
    ]);
    expect(sandbox.state.notes.get(note.note_id)).toMatchObject({
      entity_type: 'leads',
      entity_id: created.lead_id,
      note_type: 'common',
      params: { text: 'Budget confirmed, decision by Friday' },
    });
    expect(sandbox.state.tasks.get(task.task_id)).toMatchObject({
      text: 'Send the proposal',
      entity_type: 'leads',
      entity_id: created.lead_id,
      task_type_id: 1,
      complete_till: Date.parse('2031-05-02T10:00:00Z') / 1000,
      is_completed: false,
    });

    // Read back as an agent does: names, not ids.
    const read = ok<{ lead: Record<string, unknown> }>(
      await s.call('get_lead', { lead_id: created.lead_id }),
    );
    expect(read.lead).toMatchObject({
      name: 'Website order #4410',
      stage: { name: 'Qualified' },
      contacts: [{ id: created.contact.id, is_main: true }],
    });
    expect(read.lead).not.toHaveProperty('_links');

    // Every write is logged with Kommo's request ids, never a token.
    const log = writeLog(s.stderr());
    expect(log.map((l) => l['tool'])).toEqual([
      'create_lead',
      'move_lead',
      'add_note',
      'create_task',
      'create_lead',
    ]);
    const first = log[0] as {
      requests: Array<{ method: string; kommo_request_id?: string }>;
      mcp_request_id: unknown;
    };
    expect(first.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(first.requests.every((r) => /^[0-9a-f]{32}$/.test(r.kommo_request_id ?? ''))).toBe(true);
    expect(typeof first.mcp_request_id).toBe('number');
    expect(s.stderr()).not.toContain(sandbox.accessToken);
  });
});

describe('argument names', () => {
  it("accept Kommo's wire names (and id) beside the listed ones, and refuse both at once", async () => {
    const s = await connect();
    const { lead_id: leadId } = ok<{ lead_id: number }>(
      await s.call('create_lead', {
        name: 'Wire names',
        pipeline_id: 3177727,
        status_id: 32392159,
      }),
    );
    expect(sandbox.state.leads.get(leadId)).toMatchObject({
      pipeline_id: 3177727,
      status_id: 32392159,
    });
    ok(await s.call('move_lead', { id: leadId, status_id: 32392165 }));
    expect(sandbox.state.leads.get(leadId)?.status_id).toBe(32392165);
    const note = ok<{ note_id: number }>(
      await s.call('add_note', { lead_id: leadId, text: 'by lead_id' }),
    );
    expect(sandbox.state.notes.get(note.note_id)).toMatchObject({
      entity_type: 'leads',
      entity_id: leadId,
    });
    const task = ok<{ task_id: number }>(
      await s.call('create_task', {
        text: 'wire task',
        complete_till: 1_900_000_000,
        lead_id: leadId,
      }),
    );
    expect(sandbox.state.tasks.get(task.task_id)).toMatchObject({
      entity_type: 'leads',
      entity_id: leadId,
      complete_till: 1_900_000_000,
    });
    ok(
      await s.call('assign_responsible', {
        entity_type: 'leads',
        entity_id: leadId,
        responsible_user_id: 8375360,
      }),
    );
    expect(sandbox.state.leads.get(leadId)?.responsible_user_id).toBe(8375360);

    const withPhone = ok<{ contact: { id: number; created: boolean } }>(
      await s.call('create_lead', {
        name: 'Phone lead',
        phone: '+1 555 019 7788',
        contact_name: 'Wire Person',
      }),
    );
    expect(sandbox.state.contacts.get(withPhone.contact.id)?.name).toBe('Wire Person');
    const found = ok<{ items: Array<{ id: number }> }>(
      await s.call('search_contacts', { phone: '15550197788' }),
    );
    expect(found.items.map((c) => c.id)).toEqual([withPhone.contact.id]);

    const both = toolError(
      await s.call('move_lead', { lead_id: leadId, stage: 'Qualified', status_id: 1 }),
    );
    expect(both.issues).toEqual([
      { field: 'status_id', message: 'Same as stage: give one of them' },
    ]);
    const clash = toolError(
      await s.call('add_note', { lead_id: leadId, entity_type: 'contacts', text: 'which one?' }),
    );
    expect(clash.issues?.[0]?.field).toBe('lead_id');
  });
});

describe('dry runs', () => {
  it('change nothing, and return the exact requests and the diff against the current entity', async () => {
    const s = await connect();
    const kommo = direct();
    const { id: leadId } = await kommo.leads.create({ name: 'Dry lead', price: 10 });
    const { id: taskId } = await kommo.tasks.create({
      text: 'Dry task',
      complete_till: 2_000_000_000,
      entity_type: 'leads',
      entity_id: leadId,
    });
    const state = (): string =>
      JSON.stringify([
        sandbox.state.leads.size,
        sandbox.state.contacts.size,
        sandbox.state.notes.size,
        sandbox.state.tasks.size,
        sandbox.state.leads.get(leadId),
        sandbox.state.tasks.get(taskId),
        sandbox.state.linksOf('leads', leadId),
      ]);
    const before = state();
    sandbox.clearRequests();

    const update = ok<{
      dry_run: boolean;
      requests: Array<{ method: string; path: string; body: unknown }>;
      diff: Array<{
        action: string;
        id: number;
        changes: Record<string, { from: unknown; to: unknown }>;
      }>;
    }>(
      await s.call('update_lead', { lead_id: leadId, price: 25, add_tags: ['vip'], dry_run: true }),
    );
    expect(update.dry_run).toBe(true);
    expect(update.requests).toEqual([
      {
        method: 'PATCH',
        path: `/api/v4/leads/${leadId}`,
        body: { price: 25, tags_to_add: [{ name: 'vip' }] },
      },
    ]);
    expect(update.diff).toEqual([
      {
        action: 'update',
        entity: 'leads',
        id: leadId,
        changes: { price: { from: 10, to: 25 }, tags: { from: [], to: ['vip'] } },
      },
    ]);

    const move = ok<{
      requests: Array<{ body: unknown }>;
      diff: Array<{ changes: Record<string, unknown> }>;
    }>(await s.call('move_lead', { lead_id: leadId, stage: 'lost', dry_run: true }));
    expect(move.requests[0]?.body).toEqual({ status_id: 143 });
    expect(move.diff[0]?.changes['status_id']).toMatchObject({ to: 143 });

    const create = ok<{
      requests: Array<{ method: string; path: string; body: unknown }>;
      result: Record<string, unknown>;
    }>(
      await s.call('create_lead', {
        name: 'Would be new',
        contact: { name: 'Nobody Yet', email: 'nobody.yet@example.com' },
        dry_run: true,
      }),
    );
    expect(create.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v4/contacts',
      'POST /api/v4/leads',
    ]);
    // The new contact's id is Kommo's to give: named, not invented.
    expect(create.requests[1]?.body).toEqual([
      {
        name: 'Would be new',
        _embedded: {
          contacts: [{ id: '<id Kommo gives the contact created by request 1>', is_main: true }],
        },
      },
    ]);

    for (const [tool, args] of [
      ['add_note', { entity_type: 'leads', entity_id: leadId, text: 'x' }],
      ['create_task', { text: 'x', due: 2_000_000_000 }],
      ['complete_task', { task_id: taskId, result: 'done' }],
      [
        'link_entities',
        {
          entity_type: 'leads',
          entity_id: leadId,
          to: [{ entity_type: 'contacts', entity_id: 30000001 }],
        },
      ],
      ['assign_responsible', { entity_type: 'leads', entity_id: leadId, user: 'Ana Souza' }],
      ['update_leads', { ids: [leadId], set: { price: 1 } }],
      ['move_leads', { ids: [leadId], stage: 'Negotiation' }],
    ] as const) {
      const r = ok<{ dry_run: boolean; requests: unknown[] }>(
        await s.call(tool, { ...args, dry_run: true }),
      );
      expect(r.dry_run, tool).toBe(true);
      expect(r.requests.length, tool).toBeGreaterThan(0);
    }

    // Only reads reached the account; nothing changed.
    expect(writesSeen()).toEqual([]);
    expect(state()).toBe(before);

    // The real call sends what the dry run showed.
    ok(await s.call('update_lead', { lead_id: leadId, price: 25, add_tags: ['vip'] }));
    expect(writesSeen()).toEqual([`PATCH /api/v4/leads/${leadId}`]);
    expect(sandbox.state.leads.get(leadId)?.price).toBe(25);
  });
});

describe('bulk writes', () => {
  it('are refused above the threshold without the confirmation token of their own dry run', async () => {
    const s = await connect();
    const kommo = direct();
    const refs = await kommo.leads.createMany(
      Array.from({ length: 25 }, (_, i) => ({ name: `Bulk ${i}`, price: 100 })),
    );
    const ids = refs.map((r) => r.id);
    sandbox.clearRequests();

    const refused = toolError(await s.call('update_leads', { ids, set: { price: 200 } }));
    expect(refused.code).toBe('confirmation_required');
    expect(refused.issues?.[0]?.field).toBe('confirmation_token');
    expect(refused['entities']).toBe(25);
    expect(writesSeen()).toEqual([]);

    const dry = ok<{ confirmation_token: string; diff: unknown[]; requests: unknown[] }>(
      await s.call('update_leads', { ids, set: { price: 200 }, dry_run: true }),
    );
    expect(dry.diff).toHaveLength(25);
    expect(dry.requests).toHaveLength(1); // 25 leads: one PATCH of the batch
    // The token is bound to the arguments: other changes are refused with it.
    const other = toolError(
      await s.call('update_leads', {
        ids,
        set: { price: 999 },
        confirmation_token: dry.confirmation_token,
      }),
    );
    expect(other.code).toBe('confirmation_required');
    const forged = toolError(
      await s.call('update_leads', {
        ids,
        set: { price: 200 },
        confirmation_token: `${dry.confirmation_token}x`,
      }),
    );
    expect(forged.code).toBe('confirmation_required');
    expect(writesSeen()).toEqual([]);

    const done = ok<{ matched: number; updated: number[] }>(
      await s.call('update_leads', {
        ids,
        set: { price: 200 },
        confirmation_token: dry.confirmation_token,
      }),
    );
    expect(done.matched).toBe(25);
    expect(ids.every((id) => sandbox.state.leads.get(id)?.price === 200)).toBe(true);
    expect(writesSeen()).toEqual(['PATCH /api/v4/leads']);

    // A search filter is resolved to its leads the same way, before the token is checked.
    const filter = { ids, pipeline: 'Sales' };
    const moveRefused = toolError(await s.call('move_leads', { filter, stage: 'Qualified' }));
    expect(moveRefused.code).toBe('confirmation_required');
    const moveDry = ok<{ confirmation_token: string }>(
      await s.call('move_leads', { filter, stage: 'Qualified', dry_run: true }),
    );
    ok(
      await s.call('move_leads', {
        filter,
        stage: 'Qualified',
        confirmation_token: moveDry.confirmation_token,
      }),
    );
    const qualified = ids.map((id) => sandbox.state.leads.get(id)?.status_id);
    expect(new Set(qualified)).toEqual(new Set([32392162]));

    // At or under the threshold, no token is needed.
    const few = ok<{ matched: number }>(
      await s.call('move_leads', { ids: ids.slice(0, 20), stage: 'won' }),
    );
    expect(few.matched).toBe(20);
  });
});

describe('pacing', () => {
  it('answers 100 rapid tool calls without one 429 from the account', async () => {
    // The account in its own process: it stamps each arrival when it comes, not when this busy
    // test process gets round to it, and counts them per sliding second as Kommo does.
    const account = await sandboxProcess({ rateLimit: 7 });
    onTestFinished(() => account.close());
    const s = await connectStdio([
      '--base-url',
      account.url,
      '--token-file',
      tokenFile(account.accessToken),
    ]);
    sessions.push(s);
    const leads = Array.from({ length: 10 }, (_, i) => 20000001 + 2 * i);
    await account.command('clear');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 4 === 3
          ? s.call('search_leads', { limit: 5 })
          : s.call('get_lead', { lead_id: leads[i % leads.length] }),
      ),
    );
    expect(results.filter((r) => r.isError)).toEqual([]);
    const { stats, rejected } = (await account.command('stats')) as {
      stats: { requests: number; status429: number };
      rejected: unknown[];
    };
    expect(rejected).toEqual([]);
    expect(stats.requests).toBeGreaterThanOrEqual(100);
    expect(stats.status429).toBe(0);
  });
});

describe('auth', () => {
  it('refreshes an expired token once, mid-sequence, and saves the rotated pair to the store', async () => {
    // Its own account: expiring tokens expires the long-lived one of the other tests too.
    const sandbox = await startSandbox({ rateLimit: 7 });
    onTestFinished(() => sandbox.close());
    const dir = tempDir();
    const store = join(dir, 'tokens.json');
    const key = new URL(sandbox.url).host;
    await new FileTokenStore(store).set(key, toTokenSet(sandbox.issueTokens()));
    const secretFile = join(dir, 'secret.txt');
    writeFileSync(secretFile, sandbox.oauth.clientSecret, { mode: 0o600 });
    const s = await connectStdio(
      [
        '--base-url',
        sandbox.url,
        '--store',
        store,
        '--client-id',
        sandbox.oauth.clientId,
        '--client-secret-file',
        secretFile,
        '--redirect-uri',
        sandbox.oauth.redirectUri,
      ],
      cleanEnv(),
    );
    sessions.push(s);
    const leadId = [...sandbox.state.leads.values()][0]?.id as number;
    ok(await s.call('get_lead', { lead_id: leadId }));
    const storedBefore = readFileSync(store, 'utf8');
    sandbox.clearRequests();
    sandbox.expireAccessTokens();

    // Several calls at once meet the expired token: one refresh serves them all.
    const results = await Promise.all([
      s.call('get_lead', { lead_id: leadId }),
      s.call('search_leads', { limit: 3 }),
      s.call('list_tasks', { limit: 3 }),
      s.call('add_note', { entity_type: 'leads', entity_id: leadId, text: 'after refresh' }),
    ]);
    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(sandbox.stats.refreshes).toBe(1);
    expect(readFileSync(store, 'utf8')).not.toBe(storedBefore);
    ok(await s.call('get_lead', { lead_id: leadId }));
    expect(sandbox.stats.refreshes).toBe(1);
    expect(s.stderr()).not.toContain(sandbox.oauth.clientSecret);
  });
});

describe('errors', () => {
  it('name the argument at fault, and carry the SDK code and Kommo details', async () => {
    const s = await connect();
    const wrongType = toolError(await s.call('get_lead', { lead_id: 'twelve' }));
    expect(wrongType.code).toBe('invalid_arguments');
    expect(wrongType.issues?.map((i) => i.field)).toEqual(['lead_id']);
    expect(wrongType.message).toContain('lead_id');

    const unknownKey = toolError(await s.call('create_task', { text: 'x', due: 1, stauts: 1 }));
    expect(unknownKey.issues).toEqual([{ field: 'stauts', message: 'Unknown argument "stauts"' }]);

    const nested = toolError(await s.call('create_lead', { contact: { name: 'No way to reach' } }));
    expect(nested.issues?.[0]?.field).toBe('contact.phone');

    const badDate = toolError(await s.call('create_task', { text: 'x', due: 'next tuesday-ish' }));
    expect(badDate.issues?.[0]?.field).toBe('due');

    const stage = toolError(await s.call('search_leads', { stage: 'No such stage' }));
    expect(stage.code).toBe('not_found');
    expect(stage.issues?.[0]).toMatchObject({ field: 'stage' });
    expect(stage.issues?.[0]?.message).toContain('Qualified');

    const missing = toolError(await s.call('get_lead', { lead_id: 999_999_999 }));
    expect(missing.code).toBe('not_found');

    // Kommo's own refusal comes back with its validation details.
    const refused = toolError(
      await s.call('add_note', { entity_type: 'leads', entity_id: 999_999_999, text: 'lost note' }),
    );
    expect(['bad_request', 'not_found']).toContain(refused.code);
    expect(refused['status']).toBeGreaterThanOrEqual(400);
  });
});
