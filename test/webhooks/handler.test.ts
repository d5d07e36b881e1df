import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { buildWebhookBody, WebhookParseError, WebhookVerificationError } from '../../src/index.js';
import { expectNoFailure, handlerWith, post, SECRET, URL_OK } from '../support/webhooks.js';
import { fixture } from './fixtures.js';
import { checkHandler, handlerBody } from './fuzz-inputs.js';

const WON = fixture('webhook_lead_status_won.txt');
const ACCOUNT = { id: 31204999, subdomain: 'acmesales' };

describe('createWebhookHandler with a Web Request', () => {
  it('verifies, parses and runs the typed listener, then the catch-all, and answers 200', async () => {
    const calls: string[] = [];
    const { handler, errors } = handlerWith({
      on: {
        'leads.status': (event, context) => {
          calls.push(`status ${event.data.status_id} ${context.payload.account.subdomain}`);
          expect(context.verification).toEqual({ scheme: 'url-secret' });
        },
        'leads.add': () => {
          calls.push('add');
        },
        '*': (event) => {
          calls.push(`* ${event.type}`);
        },
      },
    });
    const response = await handler(post(WON));
    expect(response.status).toBe(200);
    expect(calls).toEqual(['status 142 acmesales', '* leads.status']);
    expect(errors).toEqual([]);
  });

  it('runs filtered routes only for matching data (value, list or predicate)', async () => {
    const seen: string[] = [];
    const { handler } = handlerWith({
      on: {
        'leads.status': [
          { filter: { status_id: 142 }, handler: () => void seen.push('won') },
          { filter: { status_id: 143 }, handler: () => void seen.push('lost') },
          {
            filter: { status_id: [142, 143], pipeline_id: 3177727 },
            handler: () => void seen.push('closed'),
          },
          { filter: (e) => (e.data.price ?? 0) > 10_000, handler: () => void seen.push('big') },
        ],
      },
    });
    expect((await handler(post(WON))).status).toBe(200);
    expect(seen).toEqual(['won', 'closed', 'big']);
  });

  it('answers 401 to a wrong or missing secret and runs no listener', async () => {
    const listener = vi.fn();
    const { handler, errors } = handlerWith({ on: { '*': listener } });
    expect((await handler(post(WON, 'https://example.com/api/kommo?secret=nope'))).status).toBe(
      401,
    );
    expect((await handler(post(WON, 'https://example.com/api/kommo'))).status).toBe(401);
    expect(listener).not.toHaveBeenCalled();
    expect(errors.map(([e, phase]) => [phase, (e as WebhookVerificationError).reason])).toEqual([
      ['verify', 'bad_signature'],
      ['verify', 'missing_signature'],
    ]);
  });

  it('answers 401 when the body is from another account', async () => {
    const listener = vi.fn();
    const { handler } = handlerWith({
      verify: { secret: SECRET, expectedAccount: { id: 1 } },
      on: { '*': listener },
    });
    expect((await handler(post(WON))).status).toBe(401);
    expect(listener).not.toHaveBeenCalled();
  });

  it('with expectedAccount, parses the body the account check decoded, under the handler limits', async () => {
    const listener = vi.fn();
    const pinned = { secret: SECRET, expectedAccount: { id: ACCOUNT.id } };
    const { handler } = handlerWith({ verify: pinned, on: { 'leads.status': listener } });
    expect((await handler(post(WON))).status).toBe(200);
    expect(listener).toHaveBeenCalledTimes(1);
    // One decode, with the handler's maxFields: the account check already refuses the body.
    const tight = handlerWith({ verify: pinned, maxFields: 3, on: { '*': listener } });
    expect((await tight.handler(post(WON))).status).toBe(401);
    const [error, phase] = tight.errors[0] ?? [];
    expect(phase).toBe('verify');
    expect(error).toMatchObject({ reason: 'malformed', cause: { reason: 'too_many_fields' } });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('answers 400 to a malformed body and 413 to an oversized one, and runs no listener', async () => {
    const listener = vi.fn();
    const { handler, errors } = handlerWith({ on: { '*': listener }, maxBytes: 4096 });
    expect((await handler(post('{"leads":1}'))).status).toBe(400);
    expect((await handler(post('leads[add][0][id]=1'))).status).toBe(400);
    expect((await handler(post(`account[id]=1&x=${'a'.repeat(5000)}`))).status).toBe(413);
    expect(listener).not.toHaveBeenCalled();
    expect(errors.map(([e, phase]) => [phase, (e as WebhookParseError).reason])).toEqual([
      ['parse', 'not_form_encoded'],
      ['parse', 'missing_account'],
      ['parse', 'too_large'],
    ]);
  });

  it('delivers keys named like built-ins as unknown events, with nothing for onError', async () => {
    const seen: string[] = [];
    const { handler, errors } = handlerWith({ on: { '*': (e) => void seen.push(e.entity) } });
    const body = 'account[id]=1&toString[x]=1&valueOf[x]=1&hasOwnProperty[add][0][id]=2';
    expect((await handler(post(body))).status).toBe(200);
    expect(seen).toEqual(['toString', 'valueOf', 'hasOwnProperty']);
    expect(errors).toEqual([]);
  });

  it('answers 405 to other methods than POST', async () => {
    const { handler } = handlerWith({});
    const response = await handler(new Request(URL_OK));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 500 when a listener throws, still runs the others, and reports the event', async () => {
    const after = vi.fn();
    const { handler, errors } = handlerWith({
      on: {
        'leads.status': () => {
          throw new Error('CRM sync failed');
        },
        '*': after,
      },
    });
    expect((await handler(post(WON))).status).toBe(500);
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toBe('handler');
    expect((errors[0]?.[0] as Error).message).toBe('CRM sync failed');
  });

  it('answers 500 for an unusable configuration rather than accepting requests', async () => {
    const { handler, errors } = handlerWith({ verify: { secret: '' } });
    expect((await handler(post(WON))).status).toBe(500);
    expect(errors[0]?.[1]).toBe('config');
  });

  it('accepts a custom verifier and verify: false', async () => {
    const listener = vi.fn();
    const refuse = handlerWith({
      verify: (request) => {
        if (request.headers.get('x-relay') !== 'yes') throw new Error('no relay header');
      },
      on: { '*': listener },
    });
    expect((await refuse.handler(post(WON))).status).toBe(401);
    const open = handlerWith({ verify: false, on: { '*': listener } });
    expect((await open.handler(post(WON, 'https://example.com/x'))).status).toBe(200);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('answers 200 before deferred listeners finish when waitUntil is given', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finished = vi.fn();
    const pending: Array<Promise<unknown>> = [];
    const { handler } = handlerWith({
      waitUntil: (promise) => pending.push(promise),
      on: {
        'leads.status': async () => {
          await gate;
          finished();
        },
      },
    });
    const response = await handler(post(WON));
    expect(response.status).toBe(200);
    expect(finished).not.toHaveBeenCalled();
    expect(pending).toHaveLength(1);
    release();
    await pending[0];
    expect(finished).toHaveBeenCalledTimes(1);
  });

  it('dispatches every item of a batched delivery in order', async () => {
    const ids: number[] = [];
    const { handler } = handlerWith({ on: { 'leads.add': (e) => void ids.push(e.data.id) } });
    const body = buildWebhookBody(
      ACCOUNT,
      [1, 2, 3].map((id) => ({ entity: 'leads', action: 'add', data: { id } })),
    );
    expect((await handler(post(body))).status).toBe(200);
    expect(ids).toEqual([1, 2, 3]);
  });
});

// The generators of `npm run fuzz` (100,000 runs, fixed seed), a few hundred runs here.
describe('createWebhookHandler on hostile input', () => {
  it('the handler answers 200/400/413 and hands onError typed errors only', async () => {
    await fc.assert(
      fc.asyncProperty(handlerBody, async (body) => {
        expectNoFailure(await checkHandler(body));
      }),
      { numRuns: 500 },
    );
  });
});
