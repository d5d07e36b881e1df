import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError } from '../../../src/index.js';
import { talksOf } from '../../../src/sandbox/models/talks.js';
import { Store } from '../../../src/sandbox/state.js';
import { useSandbox } from '../../support/sandbox.js';

const { sandbox, client } = useSandbox();

/** A talk as the sandbox's Chats API opens one when a client writes. */
function openTalk(contactId: number, leadId: number | null, chatId: string) {
  const store = sandbox().state;
  if (!(store instanceof Store)) throw new Error('the sandbox state is its Store');
  return talksOf(store).open({
    contact_id: contactId,
    chat_id: chatId,
    entity_id: leadId,
    entity_type: leadId === null ? null : 'lead',
    origin: 'telegram',
    now: 1_790_000_000,
  });
}

describe('talks in the sandbox, through the SDK', () => {
  it('reads a talk with its contact and lead, lists open ones, and closes it', async () => {
    const kommo = client();
    const contact = await kommo.contacts.create({ first_name: 'Mia' });
    const lead = await kommo.leads.create({ name: 'Chat lead' });
    const open = openTalk(contact.id, lead.id, 'a1b2c3d4-0000-4000-8000-000000000001');
    openTalk(contact.id, null, 'a1b2c3d4-0000-4000-8000-000000000002');

    const talk = await kommo.talks.get(open.talk_id);
    expect(talk).toMatchObject({ talk_id: open.talk_id, is_in_work: true, entity_type: 'lead' });
    expect(talk._embedded?.leads?.map((l) => (typeof l === 'number' ? l : l.id))).toEqual([
      lead.id,
    ]);

    const mine = await kommo.talks
      .list({ filter: { entity_id: [lead.id], entity_type: 'lead', only_in_work: true } })
      .toArray({ max: 10 });
    expect(mine.map((t) => t.talk_id)).toEqual([open.talk_id]);

    await kommo.talks.close(open.talk_id, { force_close: true });
    expect((await kommo.talks.get(open.talk_id)).is_in_work).toBe(false);
    const stillOpen = await kommo.talks
      .list({ filter: { contact_id: [contact.id], only_in_work: true } })
      .toArray({ max: 10 });
    expect(stillOpen).toHaveLength(1);
  });

  it('answers 422 to closing a closed talk and 404 to an unknown one', async () => {
    const kommo = client();
    const contact = await kommo.contacts.create({ first_name: 'Noa' });
    const { talk_id } = openTalk(contact.id, null, 'a1b2c3d4-0000-4000-8000-000000000003');
    await kommo.talks.close(talk_id);
    await expect(kommo.talks.close(talk_id)).rejects.toBeInstanceOf(BadRequestError);
    await expect(kommo.talks.get(987_654)).rejects.toBeInstanceOf(NotFoundError);
  });
});
