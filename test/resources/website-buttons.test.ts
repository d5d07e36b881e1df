import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('websiteButtons', () => {
  it('lists buttons with their scripts, a pending one without a pipeline', async () => {
    nock(HOST)
      .get('/api/v4/website_buttons')
      .query({ with: 'scripts', page: '1', limit: '250' })
      .reply(200, fixture('website_buttons_list.json'), json);
    const buttons = await testClient()
      .websiteButtons.list({ with: ['scripts'] })
      .toArray({ max: 10 });
    expect(buttons.map((b) => b.creation_status)).toEqual(['created', 'creation_pending']);
    expect(buttons[0]?.script).toContain('amo_forms_params');
    expect(buttons[1]?.pipeline_id).toBeNull();
  });

  it('creates a button answered 202 with its source and adds domains', async () => {
    nock(HOST)
      .post('/api/v4/website_buttons', {
        pipeline_id: 3770542,
        trusted_websites: ['shop.example.com'],
      })
      .reply(202, { source_id: 9321, trusted_websites: ['shop.example.com'] }, json)
      .patch('/api/v4/website_buttons/9321', { trusted_websites: { add: ['blog.example.com'] } })
      .reply(
        200,
        { source_id: 9321, trusted_websites: ['shop.example.com', 'blog.example.com'] },
        json,
      );
    const kommo = testClient();
    const created = await kommo.websiteButtons.create({
      pipeline_id: 3770542,
      trusted_websites: ['shop.example.com'],
    });
    expect(created.source_id).toBe(9321);
    const updated = await kommo.websiteButtons.update(9321, {
      trusted_websites: { add: ['blog.example.com'] },
    });
    expect(updated.trusted_websites).toHaveLength(2);
  });

  it('refuses more than 10 domains and a URL where a domain belongs', async () => {
    const kommo = testClient();
    const many = Array.from({ length: 11 }, (_, i) => `s${String(i)}.example.com`);
    await expect(
      kommo.websiteButtons.create({ pipeline_id: 1, trusted_websites: many }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      kommo.websiteButtons.create({ pipeline_id: 1, trusted_websites: ['https://x.com/'] }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
