import { describe, expect, it } from 'vitest';
import { BatchError, RequestValidationError } from '../../../src/index.js';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

describe('short links in the sandbox, through the SDK', () => {
  it('makes one amo.sh link per contact, in input order', async () => {
    const kommo = client();
    const a = await kommo.contacts.create({ first_name: 'Ann' });
    const b = await kommo.contacts.create({ first_name: 'Ben' });
    const url = 'https://shop.example.com/sale?utm_source=kommo';
    const links = await kommo.shortLinks.createMany([
      { url, metadata: { entity_type: 'contacts', entity_id: b.id } },
      { url, metadata: { entity_type: 'contacts', entity_id: a.id } },
    ]);
    expect(links.map((l) => l.metadata?.entity_id)).toEqual([b.id, a.id]);
    for (const link of links) expect(link.url).toMatch(/^https:\/\/amo\.sh\/\w+$/);
    expect(new Set(links.map((l) => l.url)).size).toBe(2);
  });

  it('fails only the items of contacts Kommo made no link for', async () => {
    const kommo = client();
    const a = await kommo.contacts.create({ first_name: 'Ann' });
    const url = 'https://shop.example.com/';
    const error = await kommo.shortLinks
      .createMany([
        { url, metadata: { entity_type: 'contacts', entity_id: 999_999_001 } },
        { url, metadata: { entity_type: 'contacts', entity_id: a.id } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    expect((error as BatchError).results.map((r) => r.status)).toEqual(['failed', 'applied']);
  });

  it('refuses a non-http URL before sending', async () => {
    const kommo = client();
    await expect(
      kommo.shortLinks.create({
        url: 'javascript:alert(1)',
        metadata: { entity_type: 'contacts', entity_id: 1 },
      }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
