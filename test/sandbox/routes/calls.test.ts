import { describe, expect, it } from 'vitest';
import { BatchError, CALL_STATUS } from '../../../src/index.js';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

const phone = (value: string) => [
  { field_code: 'PHONE', values: [{ value, enum_code: 'WORK' as const }] },
];

describe('calls in the sandbox, through the SDK', () => {
  it('logs a call into the one open lead of the contact with that number', async () => {
    const kommo = client();
    const contact = await kommo.contacts.create({
      first_name: 'Lia',
      custom_fields_values: phone('+1 (555) 010-7788'),
    });
    const lead = await kommo.leads.create({ name: 'Lia’s order' });
    await kommo.leads.link(lead.id, [{ to_entity_id: contact.id, to_entity_type: 'contacts' }]);

    const call = await kommo.calls.create({
      direction: 'inbound',
      phone: '5550107788',
      duration: 148,
      source: 'my-pbx',
      uniq: 'pbx-8f52d38a',
      link: 'https://pbx.example.com/rec/8f52d38a.mp3',
      call_status: CALL_STATUS.SUCCESS,
    });
    expect(call).toMatchObject({ entity_id: lead.id, entity_type: 'lead' });
    const note = await kommo.notes.get('leads', call.id);
    expect(note).toMatchObject({ note_type: 'call_in', entity_id: lead.id });
    expect(note.params).toMatchObject({ uniq: 'pbx-8f52d38a', duration: 148, source: 'my-pbx' });
  });

  it('logs into the card itself when the contact has no open lead', async () => {
    const kommo = client();
    const contact = await kommo.contacts.create({
      first_name: 'Bo',
      custom_fields_values: phone('+44 20 7946 0018'),
    });
    const call = await kommo.calls.create({
      direction: 'outbound',
      phone: '02079460018',
      duration: 0,
      source: 'my-pbx',
      call_status: CALL_STATUS.NO_ANSWER,
    });
    expect(call).toMatchObject({ entity_id: contact.id, entity_type: 'contact' });
    expect((await kommo.notes.get('contacts', call.id)).note_type).toBe('call_out');
  });

  it('maps a number nobody has to a failed item while the others are logged', async () => {
    const kommo = client();
    const contact = await kommo.contacts.create({
      first_name: 'Cy',
      custom_fields_values: phone('+1 555 010 4242'),
    });
    const call = { direction: 'inbound' as const, duration: 10, source: 'pbx' };
    const error = await kommo.calls
      .createMany([
        { ...call, phone: '+1 555 010 4242' },
        { ...call, phone: '+1 555 999 0000' },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    const results = (error as BatchError).results;
    expect(results.map((r) => r.status)).toEqual(['applied', 'failed']);
    expect(results[0]?.ref).toMatchObject({ entity_id: contact.id });
    expect(results[1]?.errors?.[0]?.detail).toBe('Entity not found');
  });

  it('fails every item of a chunk Kommo answers with the 400 of unknown numbers', async () => {
    const kommo = client();
    const error = await kommo.calls
      .create({ direction: 'inbound', duration: 1, source: 'pbx', phone: '+1 555 000 0001' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    expect((error as BatchError).results.map((r) => r.status)).toEqual(['failed']);
  });
});
