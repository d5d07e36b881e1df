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

  it('lets one process at a time claim an entry', async () => {
    const keyPrefix = prefix();
    const a = new RedisChatInbox(connect(), { keyPrefix });
    const b = new RedisChatInbox(connect(), { keyPrefix });
    expect(await a.claim('k', 10_000)).toBe(true);
    expect(await a.claim('k', 10_000)).toBe(true);
    expect(await b.claim('k', 10_000)).toBe(false);
    await a.complete('k', 'done');
    expect(await b.claim('k', 10_000)).toBe(true);
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
    const answers = await Promise.all([one(hook('m-1')), two(hook('m-1')), two(hook('m-2'))]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await Promise.all([one.drain(), two.drain()]);
    // A sweep of pending entries finds nothing left to do.
    await Promise.all([one.recover(), two.recover()]);
    await Promise.all([one.drain(), two.drain()]);
    expect(processed.sort()).toEqual(['m-1', 'm-2']);
    await Promise.all([one.close(), two.close()]);
  });
});
