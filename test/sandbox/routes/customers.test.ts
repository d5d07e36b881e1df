import { describe, expect, it } from 'vitest';
import { BatchError, RequestValidationError, embeddedIds } from '../../../src/index.js';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

describe('customers in the sandbox, through the SDK', () => {
  it('switches to periodicity mode and lists the statuses of the customers pipeline', async () => {
    const kommo = client();
    expect(await kommo.customers.setMode({ mode: 'periodicity', is_enabled: true })).toMatchObject({
      mode: 'periodicity',
      is_enabled: true,
    });
    const statuses = await kommo.customers.statuses.list().toArray({ max: 50 });
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s.is_default)).toHaveLength(1);
    const made = await kommo.customers.statuses.create({
      name: 'VIP',
      sort: 100,
      color: '#99ccff',
    });
    expect((await kommo.customers.statuses.get(made.id)).name).toBe('VIP');
    await kommo.customers.statuses.delete(made.id);
    const names = (await kommo.customers.statuses.list().toArray({ max: 50 })).map((s) => s.name);
    expect(names).not.toContain('VIP');
  });

  it('creates, updates, links, notes and reads back a customer with tags and contacts', async () => {
    const kommo = client();
    await kommo.customers.setMode({ mode: 'periodicity', is_enabled: true });
    const ref = await kommo.customers.create({
      name: 'Acme',
      next_date: 1_800_000_000,
      tags_to_add: [{ name: 'vip' }],
    });
    await kommo.customers.update(ref.id, { next_price: 500 });
    const contact = await kommo.contacts.create({ first_name: 'Ann' });
    await kommo.customers.link(ref.id, [{ to_entity_id: contact.id, to_entity_type: 'contacts' }]);
    await kommo.customers.addNote(ref.id, 'called about renewal');
    const customer = await kommo.customers.get(ref.id, { with: ['contacts'] });
    expect(customer).toMatchObject({ name: 'Acme', next_price: 500, next_date: 1_800_000_000 });
    expect(customer._embedded?.tags?.map((t) => (typeof t === 'number' ? t : t.name))).toEqual([
      'vip',
    ]);
    expect(embeddedIds(customer._embedded?.contacts)).toEqual([contact.id]);
    const [listed] = await kommo.customers.list({ filter: { id: [ref.id] } }).toArray({ max: 5 });
    expect(listed?.id).toBe(ref.id);
  });

  it('records purchases (LTV, purchases count) and earns and redeems bonus points', async () => {
    const kommo = client();
    await kommo.customers.setMode({ mode: 'periodicity', is_enabled: true });
    const { id } = await kommo.customers.create({ name: 'Buyer', next_date: 1_800_000_000 });
    const tx = await kommo.customers.transactions.create(id, { price: 1500, comment: 'Order 1' });
    await kommo.customers.transactions.create(id, { price: 500 }, { accrueBonus: false });
    expect(await kommo.customers.get(id)).toMatchObject({ ltv: 2000, purchases_count: 2 });
    const mine = await kommo.customers.transactions.listFor(id).toArray({ max: 10 });
    expect(mine.map((t) => t.price).sort()).toEqual([1500, 500]);
    await kommo.customers.transactions.delete(tx.id);
    expect((await kommo.customers.get(id)).ltv).toBe(500);

    expect(await kommo.customers.bonusPoints.earn(id, 50)).toEqual({ bonus_points: 50 });
    expect(await kommo.customers.bonusPoints.redeem(id, 20)).toEqual({ bonus_points: 30 });
    await expect(kommo.customers.bonusPoints.redeem(id, 0)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });

  it('keeps segments in segments mode and counts their customers', async () => {
    const kommo = client();
    await kommo.customers.setMode({ mode: 'segments', is_enabled: true });
    const segment = await kommo.customers.segments.create({ name: 'Wholesale', color: 'ae003f' });
    const { id } = await kommo.customers.create({ name: 'Shop' });
    await kommo.customers.update(id, { _embedded: { segments: [{ id: segment.id }] } });
    expect((await kommo.customers.segments.get(segment.id)).customers_count).toBe(1);
    await kommo.customers.segments.update(segment.id, { name: 'Retail' });
    const all = await kommo.customers.segments.list().toArray({ max: 10 });
    expect(all.map((s) => s.name)).toContain('Retail');
    await kommo.customers.segments.delete(segment.id);
  });

  it('writes in batches, unlinks, renames a status and reads purchases account-wide', async () => {
    const kommo = client();
    await kommo.customers.setMode({ mode: 'periodicity', is_enabled: true });
    const [a, b] = await kommo.customers.createMany([
      { name: 'A', next_date: 1_800_000_000 },
      { name: 'B', next_date: 1_800_000_000 },
    ]);
    await kommo.customers.updateMany([
      { id: a!.id, next_price: 10 },
      { id: b!.id, next_price: 20 },
    ]);
    const listed = await kommo.customers
      .list({ filter: { id: [a!.id, b!.id] } })
      .toArray({ max: 5 });
    expect(listed.map((c) => c.next_price).sort()).toEqual([10, 20]);

    const company = await kommo.companies.create({ name: 'Parent Co' });
    const link = [{ to_entity_id: company.id, to_entity_type: 'companies' as const }];
    await kommo.customers.link(a!.id, link);
    await kommo.customers.unlink(a!.id, link);
    expect(
      (await kommo.customers.get(a!.id, { with: ['companies'] }))._embedded?.companies ?? [],
    ).toEqual([]);

    const [status] = await kommo.customers.statuses.createMany([{ name: 'Gold', sort: 60 }]);
    await kommo.customers.statuses.update(status!.id, { name: 'Platinum' });
    expect((await kommo.customers.statuses.get(status!.id)).name).toBe('Platinum');

    const [tx] = await kommo.customers.transactions.createMany(b!.id, [{ price: 99 }]);
    expect((await kommo.customers.transactions.get(tx!.id)).price).toBe(99);
    const all = await kommo.customers.transactions.list().toArray({ max: 10 });
    expect(all.map((t) => t.id)).toContain(tx!.id);
  });

  it('refuses a customer without next_date in periodicity mode, item by item', async () => {
    const kommo = client();
    await kommo.customers.setMode({ mode: 'periodicity', is_enabled: true });
    const error = await kommo.customers.createMany([{ name: 'No date' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    expect((error as BatchError).results[0]?.status).toBe('failed');
  });

  it('gives customers field groups of their own', async () => {
    const kommo = client();
    const group = await kommo.customFields.groups.create('customers', { name: 'Loyalty' });
    const groups = await kommo.customFields.groups.list('customers').toArray({ max: 20 });
    expect(groups.map((g) => g.id)).toContain(group.id);
  });
});
