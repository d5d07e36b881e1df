import { afterEach, describe, expect, it } from 'vitest';
import {
  chatHistoryNotes,
  createLeadFromChat,
  createMetrics,
  NOTE_TEXT_MAX_LENGTH,
  type ChatMessage,
} from '../../src/index.js';
import {
  NOTE_TEXT_MAX_LENGTH as SANDBOX_NOTE_MAX,
  SEED_IDS,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { sandboxClient } from './support.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const messages = (count: number, size: number): ChatMessage[] =>
  Array.from({ length: count }, (_, i) => ({
    from: i % 2 ? 'Bot' : 'Ann',
    text: `${String(i).padStart(4, '0')} ${'x'.repeat(size)}`,
    at: 1_764_000_000 + i * 60,
  }));

describe('chatHistoryNotes', () => {
  it('uses the sandbox note limit as its default, one constant for both', () => {
    expect(NOTE_TEXT_MAX_LENGTH).toBe(SANDBOX_NOTE_MAX);
    const texts = chatHistoryNotes(messages(300, 150));
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(SANDBOX_NOTE_MAX);
  });

  it('keeps every message whole and in order across the notes', () => {
    const texts = chatHistoryNotes(messages(40, 80), { noteMaxLength: 500 });
    expect(texts[0]).toMatch(/^Chat history \(part 1\/\d+\)\n/);
    const lines = texts.flatMap((t) => t.split('\n').slice(1));
    expect(lines).toHaveLength(40);
    expect(lines[0]).toMatch(/^\[2025-11-24 16:00 UTC\] Ann: 0000 x+$/);
    expect(lines.map((l) => l.match(/: (\d{4}) /)?.[1])).toEqual(
      Array.from({ length: 40 }, (_, i) => String(i).padStart(4, '0')),
    );
  });

  it('cuts a single message longer than the limit without losing text', () => {
    const long = 'word '.repeat(500).trim();
    const texts = chatHistoryNotes([{ from: 'Ann', text: long }], { noteMaxLength: 300 });
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(300);
    const body = texts.map((t) => t.split('\n').slice(1).join('\n')).join(' ');
    expect(body.replace(/\s+/g, ' ')).toBe(`Ann: ${long}`);
  });

  it('gives one note without part numbers for a short chat, and none for an empty one', () => {
    expect(chatHistoryNotes([{ from: 'Ann', text: 'Hi' }])).toEqual(['Chat history\nAnn: Hi']);
    expect(chatHistoryNotes([])).toEqual([]);
  });
});

describe('createLeadFromChat', () => {
  it('creates the contact and a lead linked to it, with the history as one note', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const result = await createLeadFromChat(kommo, {
      contact: { name: 'Ann Lee', phone: '+1 555 010 4444' },
      price: 300,
      messages: [{ from: 'Ann Lee', text: 'Hello' }],
      tags: ['chat'],
    });
    expect(result.contactCreated).toBe(true);
    const lead = sandbox.state.leads.get(result.leadId)!;
    expect(lead).toMatchObject({ name: 'Chat with Ann Lee', price: 300 });
    expect(sandbox.state.linksOf('leads', result.leadId)).toContainEqual(
      expect.objectContaining({ to_entity_type: 'contacts', to_entity_id: result.contactId }),
    );
    expect(sandbox.state.tagsOf('leads', result.leadId).map((t) => t.name)).toEqual(['chat']);
    const notes = sandbox.state.notes.filter((n) => n.entity_id === result.leadId);
    expect(notes.map((n) => n.params['text'])).toEqual(['Chat history\nAnn Lee: Hello']);
  });

  it('splits a history above the limit into several notes the sandbox accepts', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const result = await createLeadFromChat(kommo, {
      contact: { name: 'Long Talker', email: 'long@example.com' },
      messages: messages(200, 150),
    });
    const notes = sandbox.state.notes.filter((n) => n.entity_id === result.leadId);
    expect(notes.length).toBeGreaterThanOrEqual(2);
    expect(notes.map((n) => n.id)).toEqual(result.noteIds);
  });

  it('honours a smaller configured limit', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const result = await createLeadFromChat(
      kommo,
      { contact: { name: 'Small', phone: '+15550109999' }, messages: messages(10, 100) },
      { noteMaxLength: 400 },
    );
    const notes = sandbox.state.notes.filter((n) => n.entity_id === result.leadId);
    expect(notes.length).toBeGreaterThanOrEqual(4);
    for (const n of notes) expect(String(n.params['text']).length).toBeLessThanOrEqual(400);
  });

  it('places the lead in a pipeline and stage given by name', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const result = await createLeadFromChat(kommo, {
      contact: { id: [...sandbox.state.contacts.values()][0]!.id },
      pipeline: 'partners',
      status: 'In talks',
    });
    expect(sandbox.state.leads.get(result.leadId)).toMatchObject({
      pipeline_id: SEED_IDS.secondPipelineId,
      status_id: 32_392_177,
    });
  });

  it('refuses an unknown stage before writing anything', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const contacts = sandbox.state.contacts.size;
    const leads = sandbox.state.leads.size;
    await expect(
      createLeadFromChat(kommo, { contact: { name: 'x', phone: '+15550100000' }, status: 'Nope' }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    expect([sandbox.state.contacts.size, sandbox.state.leads.size]).toEqual([contacts, leads]);
  });

  it('counts conversations and leads in the attached metrics', async () => {
    const metrics = createMetrics();
    let kommo;
    ({ sandbox, kommo } = await sandboxClient({}, metrics.hooks));
    metrics.attach(kommo);
    await createLeadFromChat(kommo, { contact: { name: 'A', phone: '+15550101010' } });
    await createLeadFromChat(kommo, { contact: { name: 'B', phone: '+15550102020' } });
    await expect(
      createLeadFromChat(kommo, {
        contact: { name: 'C', phone: '+15550103030' },
        pipeline: 'None',
      }),
    ).rejects.toThrow();
    expect(metrics.snapshot().chatToLead).toEqual({
      conversations: 3,
      leads: 2,
      conversionRate: 2 / 3,
    });
    expect(metrics.snapshot().leadsCreated).toBe(2);
  });
});
