import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAssigner, FileAssignerStore, MemoryAssignerStore } from '../../src/index.js';
import { SEED_IDS, type Sandbox } from '../../src/sandbox/index.js';
import { clientFor, sandboxClient } from './support.js';

let sandbox: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const ACTIVE = [SEED_IDS.adminUserId, ...SEED_IDS.managerUserIds];

describe('createAssigner round-robin', () => {
  it('rotates over active users only, by id, and assigns the lead', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const assigner = createAssigner(kommo, { strategy: 'round-robin' });
    const picks = [];
    for (let i = 0; i < 6; i++) picks.push(await assigner.next());
    expect(picks).toEqual([...ACTIVE, ...ACTIVE.slice(0, 2)]);
    expect(picks).not.toContain(SEED_IDS.inactiveUserId);
    const { id } = await kommo.leads.create({ name: 'Assign me' });
    const userId = await assigner.assign(id);
    expect(sandbox.state.leads.get(id)?.responsible_user_id).toBe(userId);
  });

  it('gives parallel callers different users', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const assigner = createAssigner(kommo, { strategy: 'round-robin' });
    const picks = await Promise.all(ACTIVE.map(() => assigner.next()));
    expect(new Set(picks).size).toBe(ACTIVE.length);
  });

  it('continues the rotation after a restart through a file store', async () => {
    ({ sandbox } = await sandboxClient());
    dir = await mkdtemp(join(tmpdir(), 'assigner-test-'));
    const file = join(dir, 'state.json');
    const before = createAssigner(clientFor(sandbox), {
      strategy: 'round-robin',
      store: new FileAssignerStore(file),
    });
    expect([await before.next(), await before.next()]).toEqual(ACTIVE.slice(0, 2));
    // A new process: a new client, a new store object, only the file is shared.
    const after = createAssigner(clientFor(sandbox), {
      strategy: 'round-robin',
      store: new FileAssignerStore(file),
    });
    expect([await after.next(), await after.next(), await after.next()]).toEqual([
      ACTIVE[2],
      ACTIVE[3],
      ACTIVE[0],
    ]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      [`assigner:${clientFor(sandbox).domain}:round-robin`]: { lastUserId: ACTIVE[0] },
    });
  });

  it('starts over without a store, and keeps separate rotations per key', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const store = new MemoryAssignerStore();
    const a = createAssigner(kommo, { strategy: 'round-robin', store, key: 'team-a' });
    const b = createAssigner(kommo, { strategy: 'round-robin', store, key: 'team-b' });
    expect([await a.next(), await a.next(), await b.next()]).toEqual([
      ACTIVE[0],
      ACTIVE[1],
      ACTIVE[0],
    ]);
  });

  it('limits the rotation to the given users and still skips inactive ones', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const users = [SEED_IDS.managerUserIds[2], SEED_IDS.inactiveUserId, SEED_IDS.managerUserIds[0]];
    const assigner = createAssigner(kommo, { strategy: 'round-robin', users });
    expect([await assigner.next(), await assigner.next(), await assigner.next()]).toEqual([
      SEED_IDS.managerUserIds[0],
      SEED_IDS.managerUserIds[2],
      SEED_IDS.managerUserIds[0],
    ]);
  });

  it('refuses to pick when no listed user is active', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const assigner = createAssigner(kommo, {
      strategy: 'round-robin',
      users: [SEED_IDS.inactiveUserId],
    });
    await expect(assigner.next()).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('createAssigner least-loaded', () => {
  it('picks the active user with the fewest open leads, ignoring won and lost ones', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient({ seed: false }));
    const [ana, bruno, carla] = SEED_IDS.managerUserIds;
    await kommo.leads.createMany([
      { name: 'a1', responsible_user_id: ana },
      { name: 'a2', responsible_user_id: ana },
      { name: 'b1', responsible_user_id: bruno },
      { name: 'c1', responsible_user_id: carla },
      { name: 'c2 won', responsible_user_id: carla, status_id: 142 },
      { name: 'c3 lost', responsible_user_id: carla, status_id: 143 },
    ]);
    const assigner = createAssigner(kommo, {
      strategy: 'least-loaded',
      users: SEED_IDS.managerUserIds,
    });
    expect(Object.fromEntries(await assigner.loads())).toEqual({
      [ana]: 2,
      [bruno]: 1,
      [carla]: 1,
    });
    // bruno and carla tie at 1: the rotation order (by id) breaks the tie.
    expect(await assigner.next()).toBe(bruno);
    expect(await assigner.next()).toBe(carla);
    // Now everyone has 2; the rotation continues after carla.
    expect(await assigner.next()).toBe(ana);
  });

  it('counts what the account holds: a user with no open lead wins', async () => {
    let kommo;
    ({ sandbox, kommo } = await sandboxClient());
    const open = (id: number) =>
      sandbox!.state.leads.filter(
        (l) => l.responsible_user_id === id && l.status_id !== 142 && l.status_id !== 143,
      ).length;
    const assigner = createAssigner(kommo, { strategy: 'least-loaded' });
    const loads = await assigner.loads();
    for (const id of ACTIVE) expect(loads.get(id)).toBe(open(id));
    const min = Math.min(...ACTIVE.map(open));
    const picked = await assigner.next();
    expect(open(picked)).toBe(min);
  });
});
