import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, RequestValidationError } from '../../../src/index.js';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

describe('chat templates in the sandbox, through the SDK', () => {
  it('creates, reads, updates, lists by external id and deletes templates', async () => {
    const kommo = client();
    const made = await kommo.chatTemplates.create({
      name: 'Greeting',
      content: 'Hello, {{contact.name}}!',
      external_id: 'greet-1',
      buttons: [
        { type: 'inline', text: 'Yes' },
        { type: 'url', text: 'Shop', url: 'https://shop.example.com' },
      ],
    });
    const got = await kommo.chatTemplates.get(made.id);
    expect(got).toMatchObject({ name: 'Greeting', type: 'amocrm', is_editable: false });
    expect(got.buttons).toHaveLength(2);

    await kommo.chatTemplates.update(made.id, { content: 'Hi, {{contact.name}}!' });
    const [second] = await kommo.chatTemplates.createMany([{ name: 'Bye', content: 'Bye!' }]);
    await kommo.chatTemplates.updateMany([{ id: second!.id, name: 'Farewell' }]);

    const byExternal = await kommo.chatTemplates
      .list({ filter: { external_id: 'greet-1' } })
      .toArray({ max: 10 });
    expect(byExternal.map((t) => t.content)).toEqual(['Hi, {{contact.name}}!']);
    expect((await kommo.chatTemplates.get(second!.id)).name).toBe('Farewell');

    await kommo.chatTemplates.deleteMany([made.id]);
    await kommo.chatTemplates.delete(second!.id);
    await expect(kommo.chatTemplates.get(made.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends a WhatsApp template to review and records the verdict', async () => {
    const kommo = client();
    const [source] = await kommo.sources.createMany([
      { name: 'WhatsApp +1 555 0100', external_id: 'wa-15550100' },
    ]);
    const waba = await kommo.chatTemplates.create({
      name: 'Order shipped',
      content: 'Your order {{lead.name}} is on its way',
      type: 'waba',
      waba_category: 'UTILITY',
      waba_language: 'en',
      waba_examples: { '{{lead.name}}': '#1042' },
    });
    const [review] = await kommo.chatTemplates.sendForReview(waba.id);
    expect(review).toMatchObject({ source_id: source!.id, status: 'review' });
    const onReview = await kommo.chatTemplates.get(waba.id, { with: ['reviews'] });
    expect(onReview).toMatchObject({ review_status: 'review', is_on_review: true });

    const verdict = await kommo.chatTemplates.setReviewStatus(waba.id, review!.id, {
      status: 'rejected',
      reject_reason: 'Marketing content in a utility template',
    });
    expect(verdict).toMatchObject({ status: 'rejected' });
    const after = await kommo.chatTemplates.get(waba.id, { with: ['reviews'] });
    expect(after.review_status).toBe('rejected');
  });

  it('refuses a plain template review, a long WhatsApp header and a bad button', async () => {
    const kommo = client();
    const plain = await kommo.chatTemplates.create({ name: 'Plain', content: 'x' });
    await expect(kommo.chatTemplates.sendForReview(plain.id)).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await expect(
      kommo.chatTemplates.create({ name: 'H', content: 'x', waba_header: 'h'.repeat(61) }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      kommo.chatTemplates.create({
        name: 'B',
        content: 'x',
        buttons: [{ type: 'url', text: 'Go', url: 'ftp://example.com' }],
      }),
    ).rejects.toBeInstanceOf(RequestValidationError);
  });
});
