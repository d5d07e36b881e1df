import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Kommo, NotFoundError, RequestValidationError } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

// Every verb of the part-8 resources, mounted on the client, against the sandbox.
let sandbox: Sandbox;
let kommo: Kommo;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
  kommo = new Kommo({
    baseUrl: sandbox.url,
    accessToken: sandbox.accessToken,
    rateLimit: false,
    retry: { sleep: async () => {} },
  });
});
beforeEach(() => sandbox.reset());
afterAll(() => sandbox.close());

describe('CRUD through kommo.* against the sandbox', () => {
  it('companies: createMany, update, updateMany, list, addNote, unlink', async () => {
    const [a, b] = await kommo.companies.createMany([{ name: 'Alpha Co' }, { name: 'Beta Co' }]);
    await kommo.companies.update(a!.id, { name: 'Alpha Corp' });
    await kommo.companies.updateMany([{ id: b!.id, name: 'Beta Corp' }]);
    expect((await kommo.companies.get(a!.id)).name).toBe('Alpha Corp');
    expect((await kommo.companies.get(b!.id)).name).toBe('Beta Corp');
    const listed = await kommo.companies
      .list({ filter: { id: [a!.id, b!.id] } })
      .toArray({ max: 10 });
    expect(listed.map((c) => c.name).sort()).toEqual(['Alpha Corp', 'Beta Corp']);
    await kommo.companies.addNote(a!.id, 'Called the office');
    expect(sandbox.state.notes.filter((n) => n.entity_id === a!.id)).toHaveLength(1);
    const lead = await kommo.leads.create({ name: 'Deal' });
    await kommo.companies.link(a!.id, [{ to_entity_id: lead.id, to_entity_type: 'leads' }]);
    await kommo.companies.unlink(a!.id, [{ to_entity_id: lead.id, to_entity_type: 'leads' }]);
    expect(
      sandbox.state.linksOf('companies', a!.id).filter((l) => l.to_entity_type === 'leads'),
    ).toEqual([]);
  });

  it('tasks: create, get, update, complete, completeMany, list by state', async () => {
    const lead = await kommo.leads.create({ name: 'Follow me' });
    const due = Math.floor(Date.now() / 1000) + 3600;
    const [t1, t2] = await kommo.tasks.createMany([
      { text: 'Call back', complete_till: due, entity_type: 'leads', entity_id: lead.id },
      { text: 'Send quote', complete_till: due, entity_type: 'leads', entity_id: lead.id },
    ]);
    await kommo.tasks.update(t1!.id, { text: 'Call back today' });
    expect((await kommo.tasks.get(t1!.id)).text).toBe('Call back today');
    await kommo.tasks.complete(t1!.id, 'Reached the client');
    await kommo.tasks.completeMany([{ id: t2!.id, result: 'Sent' }]);
    const done = await kommo.tasks
      .list({ filter: { is_completed: true, entity_id: [lead.id], entity_type: 'leads' } })
      .toArray({ max: 10 });
    expect(done.map((t) => t.id).sort()).toEqual([t1!.id, t2!.id].sort());
    expect((await kommo.tasks.get(t1!.id)).result).toMatchObject({ text: 'Reached the client' });
  });

  it('sources: create, get, update, list, delete', async () => {
    const source = await kommo.sources.create({ name: 'Website form', external_id: 'site-form-1' });
    expect((await kommo.sources.get(source.id)).name).toBe('Website form');
    await kommo.sources.update(source.id, { name: 'Site form' });
    const listed = await kommo.sources
      .list({ filter: { external_id: 'site-form-1' } })
      .toArray({ max: 5 });
    expect(listed.map((s) => s.name)).toEqual(['Site form']);
    await kommo.sources.delete(source.id);
    await expect(kommo.sources.get(source.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('loss reasons: create, get, update, list, delete', async () => {
    const reason = await kommo.lossReasons.create({ name: 'Too expensive' });
    expect((await kommo.lossReasons.get(reason.id)).name).toBe('Too expensive');
    await kommo.lossReasons.update(reason.id, { name: 'Price' });
    const names = (await kommo.lossReasons.list().toArray({ max: 50 })).map((r) => r.name);
    expect(names).toContain('Price');
    await kommo.lossReasons.delete(reason.id);
    expect((await kommo.lossReasons.list().toArray({ max: 50 })).map((r) => r.id)).not.toContain(
      reason.id,
    );
  });

  it('catalogs and elements: create, update, list, link an element to a lead', async () => {
    const catalog = await kommo.catalogs.create({ name: 'Rentals' });
    await kommo.catalogs.update(catalog.id, { name: 'Rental items' });
    expect((await kommo.catalogs.get(catalog.id)).name).toBe('Rental items');
    const [chair] = await kommo.catalogs.elements.createMany(catalog.id, [
      { name: 'Chair' },
      { name: 'Table' },
    ]);
    await kommo.catalogs.elements.update(catalog.id, chair!.id, { name: 'Folding chair' });
    const elements = await kommo.catalogs.elements.list(catalog.id).toArray({ max: 10 });
    expect(elements.map((e) => e.name).sort()).toEqual(['Folding chair', 'Table']);
    const lead = await kommo.leads.create({ name: 'Event' });
    await kommo.catalogs.elements.link(catalog.id, chair!.id, [
      { to_entity_id: lead.id, to_entity_type: 'leads', metadata: { quantity: 120 } },
    ]);
    expect(sandbox.state.linksOf('leads', lead.id).some((l) => l.to_entity_id === chair!.id)).toBe(
      true,
    );
  });

  it('refuses bad input before sending anything', async () => {
    const before = sandbox.stats.requests;
    await expect(kommo.tasks.create({ text: 'x' } as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(kommo.sources.create({ name: '', external_id: 'x' })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(kommo.catalogs.update(1, { nmae: 'typo' } as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    expect(sandbox.stats.requests).toBe(before);
  });
});
