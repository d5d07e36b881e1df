import { describe, expect, it } from 'vitest';
import { buildWebhookBody } from '../../src/webhooks/index.js';
import { fixture, WEBHOOK_BODY_FIXTURES } from './fixtures.js';

type Tree = { [key: string]: Tree | string } | Array<Tree | string>;

/**
 * A deliberately naive bracket decoder, independent of the SDK's parser, so the encoder is not
 * only checked against its own counterpart.
 */
function naiveDecode(body: string): Record<string, Tree | string> {
  const root: Record<string, Tree | string> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  const arrays = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const isList = entries.length > 0 && entries.every(([k], i) => k === String(i));
    return isList
      ? entries.map(([, v]) => arrays(v))
      : Object.fromEntries(entries.map(([k, v]) => [k, arrays(v)]));
  };
  return arrays(root) as Record<string, Tree | string>;
}

describe('buildWebhookBody', () => {
  it('rebuilds the lead-status fixture byte for byte from the independently decoded JSON', () => {
    const decoded = JSON.parse(fixture('webhook_lead_status_won.decoded.json'));
    const body = buildWebhookBody(
      {
        id: decoded.account.id,
        subdomain: decoded.account.subdomain,
        baseUrl: decoded.account._links.self,
      },
      [{ entity: 'leads', action: 'status', data: decoded.leads.status[0] }],
    );
    expect(body).toBe(fixture('webhook_lead_status_won.txt'));
  });

  it.each(WEBHOOK_BODY_FIXTURES)('re-encodes %s to exactly the bytes Kommo sent', (name) => {
    const raw = fixture(name);
    const tree = naiveDecode(raw);
    const account = tree['account'] as Record<string, any>;
    const events = Object.entries(tree)
      .filter(([key]) => key !== 'account')
      .flatMap(([entity, actions]) =>
        Object.entries(actions as Record<string, any[]>).flatMap(([action, items]) =>
          items.map((data) => ({ entity, action, data })),
        ),
      );
    const body = buildWebhookBody(
      { id: account['id'], subdomain: account['subdomain'], baseUrl: account['_links'].self },
      events,
    );
    expect(body).toBe(raw);
  });

  it('encodes numbers as strings and matches the real lead-delete capture', () => {
    const body = buildWebhookBody(
      { id: 16700680, subdomain: 'demoshop', baseUrl: 'https://demoshop.amocrm.ru' },
      [
        {
          entity: 'leads',
          action: 'delete',
          data: { id: 30052055, status_id: 17944873, pipeline_id: 936736 },
        },
      ],
    );
    expect(body).toBe(fixture('webhook_lead_delete_real_2025.txt'));
  });

  it('sends companies under contacts with type=company, as Kommo does', () => {
    const body = buildWebhookBody(
      { id: 31204999, subdomain: 'acmesales', baseUrl: 'https://acmesales.kommo.com' },
      [
        {
          entity: 'companies',
          action: 'add',
          data: {
            id: 17612521,
            name: 'Company name',
            responsible_user_id: 11087123,
            date_create: 1726576533,
            last_modified: 1726576534,
            created_user_id: 11087123,
            modified_user_id: 11087123,
            account_id: 31204999,
            linked_leads_id: { 15319601: { ID: 15319601 } },
            created_at: 1726576533,
            updated_at: 1726576534,
          },
        },
      ],
    );
    expect(body).toBe(fixture('webhook_company_add_as_contacts.txt'));
  });

  it('wraps a bare note in the extra note level Kommo uses', () => {
    const body = buildWebhookBody({ id: 1, subdomain: 'a' }, [
      { entity: 'leads', action: 'note', data: { id: 5, note_type: 4, text: 'hi' } },
    ]);
    expect([...new URLSearchParams(body)]).toEqual([
      ['account[subdomain]', 'a'],
      ['account[id]', '1'],
      ['account[_links][self]', 'https://a.kommo.com'],
      ['leads[note][0][note][id]', '5'],
      ['leads[note][0][note][note_type]', '4'],
      ['leads[note][0][note][text]', 'hi'],
    ]);
  });

  it('batches items of one entity and action under consecutive indexes and maps tasks to task', () => {
    const body = buildWebhookBody({ id: 1, subdomain: 'a' }, [
      { entity: 'leads', action: 'add', data: { id: 1 } },
      { entity: 'tasks', action: 'add', data: { id: 7 } },
      { entity: 'leads', action: 'add', data: { id: 2 } },
    ]);
    expect([...new URLSearchParams(body)].slice(3)).toEqual([
      ['leads[add][0][id]', '1'],
      ['task[add][0][id]', '7'],
      ['leads[add][1][id]', '2'],
    ]);
  });

  it('sends booleans as 1/0, leaves out null and undefined, and percent-encodes like PHP', () => {
    const body = buildWebhookBody({ id: 1, subdomain: 'a', baseUrl: 'http://127.0.0.1:3000' }, [
      {
        entity: 'talk',
        action: 'update',
        data: { is_read: true, is_in_work: false, rate: null, x: undefined, text: 'a*b ~c' },
      },
    ]);
    expect(body).toBe(
      'account%5Bsubdomain%5D=a&account%5Bid%5D=1&account%5B_links%5D%5Bself%5D=http%3A%2F%2F127.0.0.1%3A3000' +
        '&talk%5Bupdate%5D%5B0%5D%5Bis_read%5D=1&talk%5Bupdate%5D%5B0%5D%5Bis_in_work%5D=0' +
        '&talk%5Bupdate%5D%5B0%5D%5Btext%5D=a%2Ab+%7Ec',
    );
  });
});
