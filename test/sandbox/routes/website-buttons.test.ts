import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, RequestValidationError } from '../../../src/index.js';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

describe('website buttons in the sandbox, through the SDK', () => {
  it('creates a button (a new source), polls it to created, adds a domain and a chat', async () => {
    const kommo = client();
    const [pipeline] = await kommo.pipelines.list().toArray({ max: 1 });
    const created = await kommo.websiteButtons.create({
      pipeline_id: pipeline!.id,
      trusted_websites: ['shop.example.com'],
    });
    expect(created.trusted_websites).toEqual(['shop.example.com']);
    const sources = await kommo.sources.list().toArray({ max: 50 });
    expect(sources.map((s) => s.id)).toContain(created.source_id);

    const first = await kommo.websiteButtons.get(created.source_id, { with: ['scripts'] });
    expect(first.creation_status).toBe('creation_pending');
    expect(first.script).toContain('<script>');
    const again = await kommo.websiteButtons.get(created.source_id);
    expect(again.creation_status).toBe('created');

    const updated = await kommo.websiteButtons.update(created.source_id, {
      trusted_websites: { add: ['blog.example.com'] },
    });
    expect(updated.trusted_websites).toEqual(['shop.example.com', 'blog.example.com']);
    await kommo.websiteButtons.addOnlineChat(created.source_id);
    const listed = await kommo.websiteButtons.list().toArray({ max: 10 });
    expect(listed.map((b) => b.source_id)).toEqual([created.source_id]);
  });

  it('refuses a button without domains or in-app use, an unknown pipeline and source', async () => {
    const kommo = client();
    await expect(kommo.websiteButtons.create({ pipeline_id: 1 })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(
      kommo.websiteButtons.create({ pipeline_id: 999_999_999, is_used_in_app: true }),
    ).rejects.toBeInstanceOf(BadRequestError);
    await expect(kommo.websiteButtons.addOnlineChat(999_999_999)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
