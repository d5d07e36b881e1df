import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { BatchError, RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };
const call = { direction: 'inbound' as const, duration: 60, source: 'pbx' };

describe('calls', () => {
  it('sends the calls with request ids and maps an unkeyed refusal in a 200 to the missing item', async () => {
    let sent: unknown;
    nock(HOST)
      .post('/api/v4/calls', (body: unknown) => ((sent = body), true))
      .reply(200, fixture('calls_created_response.json'), json);
    const error = await testClient()
      .calls.createMany([
        { ...call, phone: '+1 555 0100' },
        { ...call, phone: '+1 555 0199' },
        { ...call, phone: '+1 555 0142', link: 'https://pbx.example.com/r/1.mp3' },
      ])
      .catch((e: unknown) => e);
    expect(sent).toEqual([
      { ...call, phone: '+1 555 0100', request_id: '0' },
      { ...call, phone: '+1 555 0199', request_id: '1' },
      { ...call, phone: '+1 555 0142', link: 'https://pbx.example.com/r/1.mp3', request_id: '2' },
    ]);
    expect(error).toBeInstanceOf(BatchError);
    const results = (error as BatchError).results;
    expect(results.map((r) => r.status)).toEqual(['applied', 'failed', 'applied']);
    expect(results[0]?.ref).toMatchObject({ entity_type: 'contact', entity_id: 26050071 });
    expect(results[1]?.errors?.[0]?.detail).toBe('Entity not found');
  });

  it('fails every item on the 400 with _total_items and errors[]', async () => {
    nock(HOST)
      .post('/api/v4/calls')
      .reply(400, fixture('calls_error_400_entity_not_found.json'), json);
    const error = await testClient()
      .calls.create({ ...call, phone: '+1 555 0000' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    expect((error as BatchError).results.map((r) => r.status)).toEqual(['failed']);
  });

  it('refuses a call without a phone or with a non-http recording before sending', async () => {
    const kommo = testClient();
    await expect(kommo.calls.create({ ...call } as never)).rejects.toBeInstanceOf(
      RequestValidationError,
    );
    await expect(
      kommo.calls.create({ ...call, phone: '1', link: 'file:///etc/passwd' }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(kommo.calls.create({ ...call, phone: '1', call_status: 42 })).rejects.toThrow(
      /CALL_STATUS/,
    );
  });
});
