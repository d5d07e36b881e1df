import { describe, expect, it } from 'vitest';
import { embeddedIds } from '../../src/index.js';
import { Catalogs } from '../../src/resources/catalogs.js';
import { Companies } from '../../src/resources/companies.js';
import { Links } from '../../src/resources/links.js';
import { LossReasons } from '../../src/resources/loss-reasons.js';
import { Sources } from '../../src/resources/sources.js';
import { Tags } from '../../src/resources/tags.js';
import { Tasks } from '../../src/resources/tasks.js';
import { UnsortedLeads } from '../../src/resources/unsorted.js';
import { useSandbox } from '../support/sandbox.js';

// Companies, tasks, tags, links, unsorted, loss reasons, sources and catalogs over real HTTP:
// the writes Kommo answers in its own ways, read back.
const { client } = useSandbox();

describe('each family’s Kommo specifics against the sandbox', () => {
  it('companies: create, link to a lead, add a note, read back with contacts and leads', async () => {
    const kommo = client();
    const companies = new Companies(kommo);
    const lead = await kommo.leads.create({ name: 'Deal' });
    const company = await companies.create({
      name: 'Zyxwv Holdings',
      tags_to_add: [{ name: 'partner' }],
    });
    await companies.link(company.id, [{ to_entity_id: lead.id, to_entity_type: 'leads' }]);
    await kommo.notes.create('companies', company.id, {
      note_type: 'common',
      params: { text: 'Met at expo' },
    });
    const read = await companies.get(company.id, { with: ['leads'] });
    expect(embeddedIds(read._embedded?.leads)).toContain(lead.id);
    expect(read._embedded?.tags?.map((t) => (typeof t === 'number' ? t : t.name))).toEqual([
      'partner',
    ]);
    const [found] = await companies.search('Zyxwv').toArray({ max: 1 });
    expect(found?.id).toBe(company.id);
  });

  it('tasks and tags: a follow-up task is completed; tags are added without wiping others', async () => {
    const kommo = client();
    const tasks = new Tasks(kommo);
    const tags = new Tags(kommo);
    const lead = await kommo.leads.create({
      name: 'Tagged',
      _embedded: { tags: [{ name: 'keep' }] },
    });
    const types = await tasks.types();
    const task = await tasks.create({
      text: 'Call back',
      complete_till: Math.floor(Date.now() / 1000) + 3600,
      entity_type: 'leads',
      entity_id: lead.id,
      task_type_id: types[0]?.id ?? 1,
    });
    await tasks.complete(task.id, 'Reached the client');
    expect(await tasks.get(task.id)).toMatchObject({
      is_completed: true,
      result: { text: 'Reached the client' },
    });
    const open = await tasks
      .list({ filter: { entity_type: 'leads', entity_id: lead.id, is_completed: false } })
      .toArray({ max: 5 });
    expect(open).toEqual([]);
    await tags.add('leads', lead.id, ['vip']);
    await tags.remove('leads', lead.id, ['keep']);
    await tags.add('leads', lead.id, ['from-chat']);
    const read = await kommo.leads.get(lead.id);
    expect(read._embedded?.tags?.map((t) => (typeof t === 'number' ? t : t.name)).sort()).toEqual([
      'from-chat',
      'vip',
    ]);
    const [vip] = await tags.list('leads', { filter: { name: 'vip' } }).toArray({ max: 1 });
    expect(vip?.name).toBe('vip');
  });

  it('links: linkMany then list and unlinkMany', async () => {
    const kommo = client();
    const links = new Links(kommo);
    const [a, b] = await kommo.leads.createMany([{ name: 'A' }, { name: 'B' }]);
    const contact = await kommo.contacts.create({ first_name: 'Ann' });
    const items = [a!, b!].map((l) => ({
      entity_id: l.id,
      to_entity_id: contact.id,
      to_entity_type: 'contacts' as const,
    }));
    const stored = await links.linkMany('leads', items);
    expect(stored).toHaveLength(2);
    expect(
      (await links.list('leads', a!.id).toArray({ max: 5 })).map((l) => l.to_entity_id),
    ).toEqual([contact.id]);
    await links.unlinkMany('leads', items);
    expect(await links.listMany('leads', [a!.id, b!.id]).toArray({ max: 5 })).toEqual([]);
  });

  it('unsorted, loss reasons, sources and catalogs round-trip', async () => {
    const kommo = client();
    const unsorted = new UnsortedLeads(kommo);
    const ref = await unsorted.createCall({
      source_uid: 'pbx-1',
      source_name: 'PBX',
      metadata: {
        uniq: 'call-1',
        phone: '+15550100',
        called_at: 1,
        duration: 30,
        service_code: 'pbx',
      },
      _embedded: { leads: [{ name: 'Incoming call' }] },
    });
    expect((await unsorted.get(ref.uid)).category).toBe('sip');
    await unsorted.decline(ref.uid);
    expect(await unsorted.list().toArray({ max: 5 })).toEqual([]);

    const reasons = new LossReasons(kommo);
    const reason = await reasons.create({ name: 'Timing' });
    expect((await reasons.update(reason.id, { sort: 5 })).sort).toBe(5);

    const sources = new Sources(kommo);
    const source = await sources.create({ name: 'WA', external_id: 'wa-1' });
    expect(
      (await sources.list({ filter: { external_id: 'wa-1' } }).toArray({ max: 5 }))[0]?.id,
    ).toBe(source.id);
    await sources.delete(source.id);

    const catalogs = new Catalogs(kommo);
    const catalog = await catalogs.create({ name: 'Services' });
    const element = await catalogs.elements.create(catalog.id, { name: 'Setup' });
    await catalogs.elements.update(catalog.id, element.id, { name: 'Setup fee' });
    const [read] = await catalogs.elements.list(catalog.id, { query: 'fee' }).toArray({ max: 1 });
    expect(read?.name).toBe('Setup fee');
  });
});
