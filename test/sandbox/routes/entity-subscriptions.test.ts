import { describe, expect, it } from 'vitest';
import { NotFoundError, RequestValidationError } from '../../../src/index.js';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

describe('entity subscriptions (followers) in the sandbox, through the SDK', () => {
  it('lists the followers of a lead and of a customer', async () => {
    const kommo = client();
    const me = await kommo.account.get();
    const lead = await kommo.leads.create({ name: 'Followed' });
    const followers = await kommo.entitySubscriptions.list('leads', lead.id).toArray({ max: 10 });
    expect(followers).toEqual([{ subscriber_id: me.current_user_id, type: 'user' }]);

    await kommo.customers.setMode({ mode: 'segments', is_enabled: true });
    const customer = await kommo.customers.create({ name: 'Followed too' });
    const ofCustomer = await kommo.entitySubscriptions
      .list('customers', customer.id)
      .toArray({ max: 10 });
    expect(ofCustomer.map((f) => f.type)).toEqual(['user']);
  });

  it('answers 404 for an unknown lead and refuses other entity types before sending', async () => {
    const kommo = client();
    await expect(
      kommo.entitySubscriptions.list('leads', 987_654_321).toArray({ max: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      kommo.entitySubscriptions.list('contacts' as 'leads', 1).toArray({ max: 1 }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
