import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FileTokenStore,
  MemoryTokenStore,
  TokenStoreError,
  type TokenSet,
} from '../../src/index.js';

const pair = (name: string): TokenSet => ({
  access_token: `access-${name}`,
  refresh_token: `refresh-${name}`,
  token_type: 'Bearer',
  expires_at: 1_900_000_000,
  extra_field: { kept: true },
});
const tempDir = () => mkdtempSync(join(tmpdir(), 'kommo-store-'));

describe('MemoryTokenStore', () => {
  it('stores copies per key, so callers cannot mutate what is stored', async () => {
    const store = new MemoryTokenStore();
    const tokens = pair('A');
    await store.set('acme.kommo.com', tokens);
    tokens.access_token = 'mutated';
    expect((await store.get('acme.kommo.com'))?.access_token).toBe('access-A');
    expect(await store.get('other.kommo.com')).toBeNull();
    await store.delete('acme.kommo.com');
    expect(await store.get('acme.kommo.com')).toBeNull();
  });
});

describe('FileTokenStore', () => {
  it('round-trips pairs by account, keeping extra fields, with file mode 0600', async () => {
    const file = join(tempDir(), 'tokens.json');
    const store = new FileTokenStore(file);
    expect(await store.get('acme.kommo.com')).toBeNull();
    await store.set('acme.kommo.com', pair('A'));
    await store.set('beta.amocrm.ru', pair('B'));
    expect(await new FileTokenStore(file).get('acme.kommo.com')).toEqual(pair('A'));
    expect(await store.get('beta.amocrm.ru')).toEqual(pair('B'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.delete('acme.kommo.com');
    expect(await store.get('acme.kommo.com')).toBeNull();
    expect(await store.get('beta.amocrm.ru')).toEqual(pair('B'));
  });

  it('does not lose writes made concurrently in one process', async () => {
    const file = join(tempDir(), 'tokens.json');
    const store = new FileTokenStore(file);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.set(`a${i}.kommo.com`, pair(String(i)))),
    );
    const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, TokenSet>;
    expect(Object.keys(all)).toHaveLength(20);
  });

  it('throws TokenStoreError for a corrupt file instead of treating it as empty', async () => {
    const file = join(tempDir(), 'tokens.json');
    writeFileSync(file, '{"acme.kommo.com": {"access_');
    await expect(new FileTokenStore(file).get('acme.kommo.com')).rejects.toBeInstanceOf(
      TokenStoreError,
    );
  });

  it('ignores inherited keys such as __proto__', async () => {
    const file = join(tempDir(), 'tokens.json');
    writeFileSync(file, '{}');
    expect(await new FileTokenStore(file).get('__proto__')).toBeNull();
    expect(await new FileTokenStore(file).get('toString')).toBeNull();
  });

  it('withLock runs one holder at a time', async () => {
    const file = join(tempDir(), 'tokens.json');
    const a = new FileTokenStore(file);
    const b = new FileTokenStore(file);
    const events: string[] = [];
    const hold = (name: string, store: FileTokenStore) =>
      store.withLock('acme.kommo.com', async () => {
        events.push(`${name}:in`);
        await new Promise((r) => setTimeout(r, 30));
        events.push(`${name}:out`);
      });
    await Promise.all([hold('a', a), hold('b', b)]);
    expect(
      [events.slice(0, 2), events.slice(2)].every(
        ([i, o]) => i!.split(':')[0] === o!.split(':')[0],
      ),
    ).toBe(true);
  });

  it.each(['before-rename', 'mid-write'] as const)(
    'a process killed %s leaves the old pair intact, never a corrupt file',
    async (stage) => {
      const dir = tempDir();
      const file = join(dir, 'tokens.json');
      await new FileTokenStore(file).set('acme.kommo.com', pair('OLD'));
      const script = fileURLToPath(
        new URL('./fixtures-scripts/file-store-writer.ts', import.meta.url),
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script, file, stage], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('paused')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`child exited early with ${String(code)}`)));
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const text = readFileSync(file, 'utf8');
      const parsed = JSON.parse(text) as Record<string, TokenSet>;
      expect(parsed['acme.kommo.com']?.refresh_token).toBe('refresh-OLD');
      expect(await new FileTokenStore(file).get('acme.kommo.com')).toMatchObject({
        refresh_token: 'refresh-OLD',
      });
      // A leftover temp file never shadows the real one.
      expect(readdirSync(dir).filter((f) => !f.endsWith('.tmp'))).toEqual(['tokens.json']);
    },
  );
});
