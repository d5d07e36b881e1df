import { afterEach, describe, expect, it } from 'vitest';
import {
  cf,
  findOrCreateContact,
  getPhones,
  normalizeEmail,
  normalizePhone,
} from '../../src/index.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { clientFor, sandboxClient } from './support.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const withPhone = (s: Sandbox, phone: string) =>
  s.state.contacts.filter((c) =>
    getPhones({ custom_fields_values: c.custom_fields_values as never }).some(
      (p) => normalizePhone(p.value) === phone,
    ),
  );

describe('normalizePhone and normalizeEmail', () => {
  it('reduces formatted numbers to + and digits', () => {
    expect(normalizePhone('+1 (555) 010-0100')).toBe('+15550100100');
    expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('555-0100')).toBe('5550100');
  });

  it('adds the configured country code and drops the trunk prefix of national numbers', () => {
    expect(normalizePhone('8 (912) 345-67-89', { defaultCountryCode: '7', trunkPrefix: '8' })).toBe(
      '+79123456789',
    );
    expect(normalizePhone('(555) 010-0100', { defaultCountryCode: '1' })).toBe('+15550100100');
    expect(normalizePhone('+7 912 345 67 89', { defaultCountryCode: '1' })).toBe('+79123456789');
  });

  it('refuses input with too few digits', () => {
    expect(normalizePhone('12-3')).toBeUndefined();
    expect(normalizePhone('call me')).toBeUndefined();
  });

  it('lower-cases e-mails and removes spaces, refusing what has no address', () => {
    expect(normalizeEmail('  Ann.Lee @Example.COM ')).toBe('ann.lee@example.com');
    expect(normalizeEmail('not-an-email')).toBeUndefined();
    expect(normalizeEmail('@example.com')).toBeUndefined();
  });
});

describe('findOrCreateContact', () => {
  it('finds a contact stored with a differently formatted phone instead of creating one', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const { id } = await kommo.contacts.create({
      name: 'Stored Elsewhere',
      custom_fields_values: [cf.phones(['+1 (555) 777-0101'])],
    });
    const before = sandbox.state.contacts.size;
    // A new client: nothing remembered in process, so the search itself must find it.
    const result = await findOrCreateContact(clientFor(sandbox), {
      name: 'Someone',
      phone: '15557770101',
    });
    expect(result).toMatchObject({ id, created: false, matchedBy: 'phone' });
    expect(sandbox.state.contacts.size).toBe(before);
  });

  it('finds a contact by e-mail whatever its case and spacing', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const { id } = await kommo.contacts.create({
      name: 'Mail Only',
      custom_fields_values: [cf.emails(['Mail.Only@Example.com'])],
    });
    const result = await findOrCreateContact(clientFor(sandbox), {
      name: 'x',
      email: ' mail.only@EXAMPLE.com',
    });
    expect(result).toMatchObject({ id, created: false, matchedBy: 'email' });
  });

  it('prefers the contact matching both phone and e-mail over one matching the phone only', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    await kommo.contacts.create({
      name: 'Phone only',
      custom_fields_values: [cf.phones(['+15558880000'])],
    });
    const both = await kommo.contacts.create({
      name: 'Both',
      custom_fields_values: [cf.phones(['+1 555 888 0000']), cf.emails(['both@example.com'])],
    });
    const result = await findOrCreateContact(clientFor(sandbox), {
      name: 'x',
      phone: '+15558880000',
      email: 'both@example.com',
    });
    expect(result).toMatchObject({ id: both.id, matchedBy: 'phone+email' });
  });

  it('creates one contact with the normalised phone and e-mail when none matches', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const result = await findOrCreateContact(kommo, {
      name: 'New Person',
      phone: '+44 20 7946 0958',
      email: 'New.Person@Example.com',
      tags: ['chat'],
    });
    expect(result.created).toBe(true);
    const stored = sandbox.state.contacts.get(result.id)!;
    expect(stored.name).toBe('New Person');
    const values = stored.custom_fields_values?.flatMap((f) => f.values.map((v) => v['value']));
    expect(values).toEqual(expect.arrayContaining(['+442079460958', 'new.person@example.com']));
    expect(sandbox.state.tagsOf('contacts', result.id).map((t) => t.name)).toEqual(['chat']);
  });

  it('creates a single contact when called twenty times in parallel with one phone', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        findOrCreateContact(kommo, {
          name: `Caller ${i}`,
          // The same number, typed in different ways.
          phone: i % 2 === 0 ? '+55 11 91234-5678' : '5511912345678'.replace(/^/, '+'),
        }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(withPhone(sandbox, '+5511912345678')).toHaveLength(1);
  });

  it('creates a single contact when parallel calls share only the e-mail', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const [a, b] = await Promise.all([
      findOrCreateContact(kommo, { name: 'A', email: 'Shared@Example.com', phone: '+15550001111' }),
      findOrCreateContact(kommo, { name: 'B', email: 'shared@example.com' }),
    ]);
    expect(a.id).toBe(b.id);
    const created = sandbox.state.contacts.filter((c) => c.name === 'A' || c.name === 'B');
    expect(created).toHaveLength(1);
  });

  it('refuses input with neither a valid phone nor a valid e-mail, sending nothing', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    await expect(
      findOrCreateContact(kommo, { name: 'x', phone: '12', email: 'nope' }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(sandbox.stats.requests).toBe(0);
  });
});
