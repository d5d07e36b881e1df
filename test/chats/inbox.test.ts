import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MemoryChatInbox,
  createChatsHandler,
  type ChatInboxEntry,
  type ChatsEvent,
} from '../../src/chats/index.js';
import { FileChatInbox } from '../../src/chats/file-inbox.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { fixture } from '../webhooks/fixtures.js';
import { hookSignature } from './helpers.js';

const SECRET = 'TEST_CHANNEL_SECRET_not_real_fedcba9876543210';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kommo-chats-inbox-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function entry(key: string, receivedAt = 1): ChatInboxEntry {
  return { key, body: '{}', receivedAt, attempts: 0 };
}

/** A signed hook request for a message with `id` (and `group`, a media_group_id). */
function hook(
  id: string,
  options: { group?: string; text?: string; secret?: string } = {},
): Request {
  const body = JSON.parse(fixture('chats_webhook_v2.json'));
  body.message.message.id = id;
  body.message.message.text = options.text ?? `text of ${id}`;
  if (options.group) body.message.message.media_group_id = options.group;
  const raw = JSON.stringify(body);
  return new Request('https://channel.test/hooks', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': hookSignature(options.secret ?? SECRET, raw),
    },
    body: raw,
  });
}

describe('MemoryChatInbox', () => {
  it('refuses a key it holds or completed within the retention, and forgets it after', async () => {
    let now = 1000;
    const inbox = new MemoryChatInbox({ retentionMs: 100, now: () => now });
    expect(await inbox.add(entry('a', 2))).toBe(true);
    expect(await inbox.add(entry('b', 1))).toBe(true);
    expect(await inbox.add(entry('a'))).toBe(false);
    expect((await inbox.pending()).map((e) => e.key)).toEqual(['b', 'a']);
    await inbox.complete('a');
    expect(await inbox.add(entry('a'))).toBe(false);
    now += 101;
    expect(await inbox.add(entry('a'))).toBe(true);
  });
});

describe('FileChatInbox', () => {
  it('keeps pending entries, attempts and dedupe across instances, and ignores a torn last line', async () => {
    const path = join(dir, 'inbox.jsonl');
    const first = new FileChatInbox(path);
    await first.add(entry('a', 1));
    await first.add(entry('b', 2));
    await first.update({ ...entry('b', 2), attempts: 2, lastError: 'boom' });
    await first.complete('a', 'done');
    await first.close();
    appendFileSync(path, '{"op":"add","entry":{"key":"torn"');

    const second = new FileChatInbox(path);
    expect(await second.pending()).toEqual([{ ...entry('b', 2), attempts: 2, lastError: 'boom' }]);
    expect(await second.add(entry('a'))).toBe(false);
    expect(await second.add(entry('b'))).toBe(false);
    await second.complete('b', 'failed');
    expect((await second.failed()).map((e) => e.key)).toEqual(['b']);
    await second.close();
  });

  it('compacts the file to what is still needed', async () => {
    const path = join(dir, 'inbox.jsonl');
    const inbox = new FileChatInbox(path, { compactAfter: 5 });
    for (const key of ['a', 'b', 'c']) await inbox.add(entry(key));
    await inbox.complete('a', 'done');
    await inbox.complete('b', 'done'); // the fifth record: compaction
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    await inbox.close();
    const reopened = new FileChatInbox(path);
    expect((await reopened.pending()).map((e) => e.key)).toEqual(['c']);
    expect(await reopened.add(entry('a'))).toBe(false);
    await reopened.close();
  });
});

describe('createChatsHandler with a durable inbox', () => {
  it('acknowledges once stored, retries a throwing listener and completes the entry', async () => {
    const inbox = new FileChatInbox(join(dir, 'inbox.jsonl'));
    const attempts: number[] = [];
    const errors: Array<{ phase: string; willRetry?: boolean }> = [];
    const handler = createChatsHandler({
      secret: SECRET,
      inbox,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      on: {
        message: (_event, { attempt }) => {
          attempts.push(attempt);
          if (attempt < 3) throw new Error(`attempt ${attempt} failed`);
        },
      },
      onError: (_e, c) =>
        void errors.push({
          phase: c.phase,
          ...(c.willRetry !== undefined && { willRetry: c.willRetry }),
        }),
    });
    const response = await handler(hook('m-1'));
    expect(response.status).toBe(200);
    await handler.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(errors).toEqual([
      { phase: 'handler', willRetry: true },
      { phase: 'handler', willRetry: true },
    ]);
    expect(await inbox.pending()).toEqual([]);
    // Delivered again (a proxy retry): acknowledged, not processed again.
    expect((await handler(hook('m-1'))).status).toBe(200);
    await handler.drain();
    expect(attempts).toEqual([1, 2, 3]);
    await handler.close();
    await inbox.close();
  });

  it('gives a listener up after maxAttempts and keeps the hook as failed', async () => {
    const inbox = new FileChatInbox(join(dir, 'inbox.jsonl'));
    const errors: Array<boolean | undefined> = [];
    const handler = createChatsHandler({
      secret: SECRET,
      inbox,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      on: {
        message: () => {
          throw new Error('down');
        },
      },
      onError: (_e, c) => void errors.push(c.willRetry),
    });
    await handler(hook('m-2'));
    await handler.drain();
    expect(errors).toEqual([true, false]);
    expect((await inbox.failed()).map((e) => e.key)).toEqual([expect.stringContaining('m-2')]);
    await handler.close();
    await inbox.close();
  });

  it('does not rerun a hook it completed when a recovery snapshot taken before lists it', async () => {
    let stale: ChatInboxEntry[] = [];
    class SnapshotInbox extends MemoryChatInbox {
      override async pending(): Promise<ChatInboxEntry[]> {
        return stale.length > 0 ? stale : super.pending();
      }
      override async add(e: ChatInboxEntry): Promise<boolean> {
        stale = [e]; // what a concurrent pending() read returned before processing finished
        return super.add(e);
      }
    }
    const runs: string[] = [];
    const handler = createChatsHandler({
      secret: SECRET,
      inbox: new SnapshotInbox(),
      on: { message: (e) => void runs.push(e.message.message.id) },
    });
    await handler(hook('m-5'));
    await handler.drain();
    await handler.recover();
    await handler.drain();
    expect(runs).toEqual(['m-5']);
  });

  it('refuses a bad signature, a non-JSON body and other methods without storing anything', async () => {
    const inbox = new MemoryChatInbox();
    const seen: ChatsEvent[] = [];
    const handler = createChatsHandler({
      secret: SECRET,
      inbox,
      on: { '*': (e) => void seen.push(e) },
    });
    expect((await handler(hook('m-3', { secret: 'wrong' }))).status).toBe(401);
    const notJson = 'not json';
    const bad = new Request('https://c.test/h', {
      method: 'POST',
      headers: { 'x-signature': hookSignature(SECRET, notJson) },
      body: notJson,
    });
    expect((await handler(bad)).status).toBe(400);
    expect((await handler(new Request('https://c.test/h'))).status).toBe(405);
    const huge = 'x'.repeat(2_000_000);
    expect(
      (
        await handler(
          new Request('https://c.test/h', {
            method: 'POST',
            headers: { 'x-signature': hookSignature(SECRET, huge) },
            body: huge,
          }),
        )
      ).status,
    ).toBe(413);
    await handler.drain();
    expect(seen).toEqual([]);
    expect(await inbox.pending()).toEqual([]);
  });

  it('answers 500 when the inbox cannot store the hook', async () => {
    const failing = new MemoryChatInbox();
    failing.add = () => Promise.reject(new Error('disk full'));
    const phases: string[] = [];
    const handler = createChatsHandler({
      secret: SECRET,
      inbox: failing,
      onError: (_e, c) => void phases.push(c.phase),
    });
    expect((await handler(hook('m-4'))).status).toBe(500);
    expect(phases).toEqual(['persist']);
  });

  it('types typing and reaction hooks, reading the user from either place the docs give', async () => {
    const seen: ChatsEvent[] = [];
    const handler = createChatsHandler({ secret: SECRET, on: { '*': (e) => void seen.push(e) } });
    const post = (body: unknown) => {
      const raw = JSON.stringify(body);
      return handler(
        new Request('https://c.test/h', {
          method: 'POST',
          headers: { 'x-signature': hookSignature(SECRET, raw) },
          body: raw,
        }),
      );
    };
    await post({
      account_id: 'acc',
      time: 1,
      action: { typing: { conversation: { id: 'chat' }, expired_at: 6 }, user: { id: 'manager' } },
    });
    await post({
      account_id: 'acc',
      time: 2,
      action: {
        reaction: {
          msgid: 'm',
          user: { id: 'manager' },
          conversation: { id: 'chat' },
          type: 'react',
          emoji: '👍',
        },
      },
    });
    await post({ account_id: 'acc', time: 3, action: { poll: { id: 'p' } } });
    await handler.drain();
    expect(seen.map((e) => e.type)).toEqual(['typing', 'reaction', 'unknown']);
    expect(seen[0]).toMatchObject({ typing: { user: { id: 'manager' } } });
    expect(seen[2]).toMatchObject({ action: 'poll' });
  });

  it('groups a media group into one event, in send order, even out of arrival order', async () => {
    const seen: ChatsEvent[] = [];
    const handler = createChatsHandler({
      secret: SECRET,
      // Long enough that both hooks arrive within it on a loaded machine.
      mediaGroupWaitMs: 1000,
      on: { message: (e) => void seen.push(e) },
    });
    const second = JSON.parse(fixture('chats_webhook_v2.json'));
    second.message.message = {
      ...second.message.message,
      id: 'g-2',
      media_group_id: 'grp',
      file_name: '2.jpg',
    };
    second.message.msec_timestamp = Number(second.message.msec_timestamp) + 5;
    const first = JSON.parse(fixture('chats_webhook_v2.json'));
    first.message.message = {
      ...first.message.message,
      id: 'g-1',
      media_group_id: 'grp',
      file_name: '1.jpg',
    };
    for (const body of [second, first]) {
      const raw = JSON.stringify(body);
      await handler(
        new Request('https://c.test/h', {
          method: 'POST',
          headers: { 'x-signature': hookSignature(SECRET, raw) },
          body: raw,
        }),
      );
    }
    await handler(hook('solo'));
    await handler.drain();
    expect(
      seen.map((e) => (e.type === 'message' ? e.messages.map((m) => m.message.id) : [])),
    ).toEqual([['solo'], ['g-1', 'g-2']]);
  });
});

describe('a receiver killed after acknowledging', () => {
  let sandbox: Sandbox;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    children.length = 0;
    await sandbox?.close();
  });

  function startReceiver(inbox: string, out: string, mode: 'hang' | 'work') {
    const script = new URL('./fixtures-scripts/receiver.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', script, inbox, out, mode, SECRET], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const lines: string[] = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    return { child, lines };
  }

  it('reprocesses every acknowledged hook from the file inbox on restart, each exactly once', async () => {
    sandbox = await startSandbox({ seed: false });
    const inbox = join(dir, 'inbox.jsonl');
    const out = join(dir, 'processed.txt');
    writeFileSync(out, '');
    const first = startReceiver(inbox, out, 'hang');
    await vi.waitFor(() => expect(first.lines.some((l) => l.startsWith('listening'))).toBe(true), {
      timeout: 15_000,
    });
    const url = first.lines.find((l) => l.startsWith('listening'))!.split(' ')[1]!;
    sandbox.chats.registerChannel({
      channelId: 'crash-channel',
      secret: SECRET,
      webhookUrl: `${url}/:scope_id`,
    });

    const { KommoChats, chatMessage } = await import('../../src/chats/index.js');
    const chats = new KommoChats({
      channelId: 'crash-channel',
      channelSecret: SECRET,
      baseUrl: sandbox.url,
    });
    const scopeId = await chats.connect(sandbox.state.account.amojo_id);
    await chats.sendMessage(scopeId, {
      conversationId: 'c-1',
      sender: { id: 'u-1', name: 'Ann' },
      message: chatMessage.text('hi'),
    });
    const replies = [];
    for (const text of ['one', 'two', 'three'])
      replies.push(...(await sandbox.chats.reply({ conversationId: 'c-1', text })));
    expect(replies.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    const ids = replies.map((d) => JSON.parse(d.body).message.message.id as string);

    // Acknowledged, processing started (and blocked): kill -9.
    await vi.waitFor(() => expect(first.lines).toContain(`processing ${ids[0]}`), {
      timeout: 15_000,
    });
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(readFileSync(out, 'utf8')).toBe('');

    const second = startReceiver(inbox, out, 'work');
    await vi.waitFor(
      () => expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(3),
      { timeout: 15_000 },
    );
    // A new hook after the restart, and a repeat of an old one.
    const restartedUrl = second.lines.find((l) => l.startsWith('listening'))!.split(' ')[1]!;
    sandbox.chats.registerChannel({
      channelId: 'crash-channel',
      secret: SECRET,
      webhookUrl: `${restartedUrl}/:scope_id`,
    });
    const [fourth] = await sandbox.chats.reply({ conversationId: 'c-1', text: 'four' });
    const repeat = replies[0]!;
    expect(
      (
        await fetch(`${restartedUrl}/x`, {
          method: 'POST',
          headers: repeat.headers,
          body: repeat.body,
        })
      ).status,
    ).toBe(200);
    const expected = [...ids, JSON.parse(fourth!.body).message.message.id as string];
    await vi.waitFor(
      () =>
        expect(readFileSync(out, 'utf8').split('\n').filter(Boolean).sort()).toEqual(
          [...expected].sort(),
        ),
      { timeout: 15_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean).sort()).toEqual(
      [...expected].sort(),
    );
  });
});
