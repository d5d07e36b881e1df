import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatsHandler, type ChatInboxEntry } from '../../src/chats/index.js';
import { RedisChatInbox } from '../../src/redis/index.js';
import { closeAll, connect, prefix } from './support/redis.js';

afterEach(closeAll);

const SECRET = 'redis-inbox-secret';

function entry(key: string, receivedAt: number): ChatInboxEntry {
  return { key, body: '{}', receivedAt, attempts: 0 };
}

function hook(id: string): Request {
  const body = JSON.stringify({
    account_id: 'acc',
    time: 1,
    message: {
      receiver: { id: 'r' },
      sender: { id: 's' },
      conversation: { id: 'chat-1', client_id: 'conv-1' },
      message: { id, type: 'text', text: id },
    },
  });
  return new Request('https://c.test/h', {
    method: 'POST',
    headers: { 'x-signature': createHmac('sha1', SECRET).update(body).digest('hex') },
    body,
  });
}

describe('RedisChatInbox', () => {
  it('stores a key once across connections, lists pending oldest first and remembers completed keys', async () => {
    const keyPrefix = prefix();
    const a = new RedisChatInbox(connect(), { keyPrefix });
    const b = new RedisChatInbox(connect(), { keyPrefix });
    const results = await Promise.all([a.add(entry('k1', 2)), b.add(entry('k1', 2))]);
    expect(results.sort()).toEqual([false, true]);
    expect(await b.add(entry('k0', 1))).toBe(true);
    expect((await a.pending()).map((e) => e.key)).toEqual(['k0', 'k1']);
    await a.update({ ...entry('k1', 2), attempts: 3 });
    expect((await b.pending())[1]).toMatchObject({ key: 'k1', attempts: 3 });
    await b.complete('k1', 'done');
    expect(await a.add(entry('k1', 3))).toBe(false);
    expect((await a.pending()).map((e) => e.key)).toEqual(['k0']);
  });

  it('lets one process at a time claim a pending entry, and nobody a completed one', async () => {
    const keyPrefix = prefix();
    const a = new RedisChatInbox(connect(), { keyPrefix });
    const b = new RedisChatInbox(connect(), { keyPrefix });
    expect(await a.claim('k', 10_000)).toBe(false); // not in the inbox
    await a.add(entry('k', 1));
    expect(await a.claim('k', 10_000)).toBe(true);
    expect(await a.claim('k', 10_000)).toBe(true); // its holder renews it
    expect(await b.claim('k', 10_000)).toBe(false);
    await a.complete('k', 'done');
    expect(await b.claim('k', 10_000)).toBe(false);
  });

  it('has two receivers process a hook delivered to both exactly once', async () => {
    const keyPrefix = prefix();
    const processed: string[] = [];
    const make = () =>
      createChatsHandler({
        secret: SECRET,
        inbox: new RedisChatInbox(connect(), { keyPrefix }),
        on: { message: (e) => void processed.push(e.message.message.id) },
      });
    const [one, two] = [make(), make()];
    const ids = Array.from({ length: 10 }, (_, i) => `m-${String(i)}`);
    // Every hook reaches both receivers while both sweep the inbox for pending entries.
    const answers = await Promise.all(
      ids.flatMap((id) => [one(hook(id)), two(hook(id)), one.recover(), two.recover()]),
    );
    expect(answers.filter((a) => a instanceof Response).map((r) => r.status)).toEqual(
      ids.flatMap(() => [200, 200]),
    );
    await Promise.all([one.drain(), two.drain()]);
    await Promise.all([one.recover(), two.recover()]);
    await Promise.all([one.drain(), two.drain()]);
    expect(processed.sort()).toEqual([...ids].sort());
    await Promise.all([one.close(), two.close()]);
  });
});
