import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { Sources } from '../../src/resources/sources.js';
import { HOST, testClient } from '../support/client.js';

describe('sources', () => {
  it('deletes several sources with an id body and refuses a long external_id', async () => {
    nock(HOST)
      .delete('/api/v4/sources', [{ id: 1 }, { id: 2 }])
      .reply(204);
    const sources = new Sources(testClient());
    await sources.deleteMany([1, 2]);
    await expect(sources.create({ name: 'x', external_id: 'x'.repeat(37) })).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});
