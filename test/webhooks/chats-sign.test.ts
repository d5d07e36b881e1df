import { describe, expect, it } from 'vitest';
import { signChatsApiRequest } from '../../src/index.js';
import { fixture } from './fixtures.js';

const vectors = JSON.parse(fixture('signature_vectors.json'));

describe('signChatsApiRequest', () => {
  it('reproduces the Chats API request signature vector', async () => {
    const v = vectors.chats_outgoing_request;
    await expect(
      signChatsApiRequest({
        secret: v.channel_secret,
        method: 'post',
        path: v.path,
        body: v.body,
        date: v.date,
      }),
    ).resolves.toEqual({
      date: v.date,
      'content-type': 'application/json',
      'content-md5': v.content_md5,
      'x-signature': v.expected_x_signature,
    });
  });
});
