import { describe, expect, it } from 'vitest';
import { Events } from '../../src/resources/events.js';
import { useSandbox } from '../support/sandbox.js';

// The audit-log follower over real HTTP: what it delivers across a stored cursor.
const { client } = useSandbox();

describe('events.follow against the sandbox', () => {
  it('events: a follower resumed from its stored cursor delivers each new event once', async () => {
    const kommo = client();
    const events = new Events(kommo);
    const start = Math.floor(Date.now() / 1000) - 1;
    await kommo.leads.create({ name: 'First' });
    const opts = { now: () => Date.now() + 10_000 };
    const first = events.follow(
      { cursor: { lastTs: start, seenIds: [] }, filter: { type: ['lead_added'] }, once: true },
      opts,
    );
    const seen1: string[] = [];
    for await (const e of first) seen1.push(e.id);
    expect(seen1).toHaveLength(1);
    const saved = JSON.parse(JSON.stringify(first.cursor)) as { lastTs: number; seenIds: string[] };
    await kommo.leads.create({ name: 'Second' });
    const second = events.follow(
      { cursor: saved, filter: { type: ['lead_added'] }, once: true },
      opts,
    );
    const seen2: string[] = [];
    for await (const e of second) seen2.push(e.id);
    expect(seen2).toHaveLength(1);
    expect(seen2[0]).not.toBe(seen1[0]);
  });
});
