import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('chatTemplates', () => {
  it('lists 50 per page with reviews, WhatsApp fields and attachments', async () => {
    nock(HOST)
      .get('/api/v4/chats/templates')
      .query({ with: 'reviews', page: '1', limit: '50' })
      .reply(200, fixture('chat_templates_list_with_reviews.json'), json);
    const [plain, waba] = await testClient()
      .chatTemplates.list({ with: ['reviews'] })
      .toArray({ max: 10 });
    expect(plain?.review_status).toBeNull();
    expect(waba).toMatchObject({
      type: 'waba',
      waba_category: 'UTILITY',
      review_status: 'rejected',
    });
    expect(waba?._embedded?.reviews?.[0]).toMatchObject({ source_id: 4321, status: 'rejected' });
  });

  it('deletes several with a DELETE body of ids and reports a review verdict', async () => {
    nock(HOST)
      .delete('/api/v4/chats/templates', [{ id: 10221 }, { id: 10223 }])
      .reply(204)
      .post('/api/v4/chats/templates/10223/review/381', { status: 'approved' })
      .reply(200, { id: 381, source_id: 4321, status: 'approved', reject_reason: null }, json);
    const kommo = testClient();
    await kommo.chatTemplates.deleteMany([10221, 10223]);
    expect(
      await kommo.chatTemplates.setReviewStatus(10223, 381, { status: 'approved' }),
    ).toMatchObject({ status: 'approved' });
  });

  it('refuses a page over 50 and a WhatsApp header over 60 characters before sending', async () => {
    const kommo = testClient();
    await expect(
      kommo.chatTemplates.list({ limit: 51 }).toArray({ max: 1 }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      kommo.chatTemplates.create({ name: 'n', content: 'c', waba_header: 'x'.repeat(61) }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
