import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPhones, normalizePhone } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

// Every example runs as its own process against one sandbox of this test, so the test sees
// what they did in the sandbox's state. The sandbox's limit is off: each process paces itself.
// Each run gets a fresh working directory, as a user's project would be: `.env` and the state
// folder `.kommo/` are looked up there, and nothing lands in the repository.
let sandbox: Sandbox;
const dirs: string[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
});
afterAll(async () => {
  await sandbox.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const ROOT = resolve(import.meta.dirname, '../..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

/** The examples a user runs (routes.ts and nextjs-route.ts are modules the others import). */
const RUNNABLE = [
  'auto-assign.ts',
  'bulk-import.ts',
  'chat-channel.ts',
  'chat-to-lead.ts',
  'custom-fields.ts',
  'demo.ts',
  'events-sync.ts',
  'oauth-flow.ts',
  'qualify-lead.ts',
  'salesbot-agent.ts',
  'webhook-triggers.ts',
  'webhooks/express.ts',
  'webhooks/hono.ts',
  'webhooks/node-http.ts',
  'webhooks/send-test-webhook.ts',
];

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kommo-example-'));
  dirs.push(dir);
  return dir;
}

function run(
  script: string,
  args: string[] = [],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; output: string; stdout: string; cwd: string }> {
  return new Promise((resolvePromise, reject) => {
    void (async () => {
      const cwd = options.cwd ?? (await freshDir());
      // tsconfig `paths` map `kommo-sdk` to the source, so no build is needed.
      const child = spawn(
        process.execPath,
        [tsx, '--tsconfig', join(ROOT, 'tsconfig.json'), join(ROOT, 'examples', script), ...args],
        {
          cwd,
          env: options.env ?? {
            PATH: process.env['PATH'] ?? '',
            KOMMO_BASE_URL: sandbox.url,
            KOMMO_ACCESS_TOKEN: sandbox.accessToken,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, output, stdout, cwd }));
    })().catch(reject);
  });
}

// Two child processes per example, several examples at once: they make no request and write
// no file, so they cannot disturb each other (checked below).
describe.concurrent('every example on the command line', () => {
  it.each(RUNNABLE)(
    '%s prints its usage for --help (exit 0) and refuses an unknown flag (exit 2), touching nothing',
    async (script) => {
      const before = sandbox.stats.requests;
      const [help, unknown] = await Promise.all([
        run(script, ['--help']),
        run(script, ['--no-such-flag']),
      ]);
      expect(help.code, help.output).toBe(0);
      expect(help.stdout).toMatch(/^Usage: /);
      expect(help.stdout).toContain('--help');
      expect(unknown.code, unknown.output).toBe(2);
      expect(unknown.output).toContain("Unknown option '--no-such-flag'");
      expect(unknown.output).toContain('Usage: ');
      expect(sandbox.stats.requests).toBe(before);
      expect(await readdir(help.cwd)).toEqual([]);
      expect(await readdir(unknown.cwd)).toEqual([]);
    },
    // Starting tsx costs about a second of CPU per process; a busy machine stretches that.
    120_000,
  );
});

describe('the environment and real accounts', { timeout: 60_000 }, () => {
  it('bulk-import against a real account does nothing without --yes', async () => {
    const { code, output } = await run('bulk-import.ts', ['--count', '5'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        KOMMO_DOMAIN: 'acme.kommo.com',
        KOMMO_ACCESS_TOKEN: 'a-real-looking-token',
      },
    });
    expect(code, output).toBe(1);
    expect(output).toContain('bulk-import creates 5 leads in https://acme.kommo.com');
    expect(output).toContain('--yes');
    expect(output).not.toContain('a-real-looking-token');
  });

  it('reads KOMMO_* from .env in the working directory, the environment winning', async () => {
    const cwd = await freshDir();
    await writeFile(
      join(cwd, '.env'),
      `KOMMO_BASE_URL=${sandbox.url}\nKOMMO_ACCESS_TOKEN=${sandbox.accessToken}\n`,
    );
    const { code, output } = await run('custom-fields.ts', [], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expect(code, output).toBe(0);
    expect(output).toContain(`custom-fields → ${sandbox.url}`);
  });

  it('refuses a half-configured environment instead of silently using a sandbox', async () => {
    const { code, output } = await run('chat-to-lead.ts', [], {
      env: { PATH: process.env['PATH'] ?? '', KOMMO_DOMAIN: 'acme.kommo.com' },
    });
    expect(code, output).toBe(1);
    expect(output).toContain('ConfigurationError');
    expect(output).toContain('KOMMO_ACCESS_TOKEN');
  });
});

const leadsNamed = (prefix: string) => sandbox.state.leads.filter((l) => l.name.startsWith(prefix));

describe('examples against the sandbox', { timeout: 60_000 }, () => {
  it('chat-to-lead creates linked leads with notes and one contact per phone', async () => {
    const { code, output } = await run('chat-to-lead.ts');
    expect(code, output).toBe(0);
    const [lead] = leadsNamed('Chairs for a 120-guest event');
    expect(lead).toBeDefined();
    expect(
      sandbox.state.linksOf('leads', lead!.id).some((l) => l.to_entity_type === 'contacts'),
    ).toBe(true);
    expect(
      sandbox.state.notes.filter((n) => n.entity_id === lead!.id).length,
    ).toBeGreaterThanOrEqual(2);
    expect(
      sandbox.state.linksOf('leads', lead!.id).some((l) => l.to_entity_type === 'companies'),
    ).toBe(true);
    expect(sandbox.state.tasks.filter((t) => t.entity_id === lead!.id)).not.toHaveLength(0);
    const brunos = sandbox.state.contacts.filter((c) =>
      getPhones({ custom_fields_values: c.custom_fields_values as never }).some(
        (p) => normalizePhone(p.value) === '+5511987654321',
      ),
    );
    expect(brunos).toHaveLength(1);
    expect(output).not.toContain(sandbox.accessToken);
  });

  it('qualify-lead leaves one lead won and one lost', async () => {
    const { code, output } = await run('qualify-lead.ts');
    expect(code, output).toBe(0);
    expect(
      leadsNamed('Qualify me')
        .map((l) => l.status_id)
        .sort(),
    ).toEqual([142, 143]);
  });

  it('webhook-triggers receives the deliveries and leaves a note per reaction', async () => {
    const { code, output } = await run('webhook-triggers.ts');
    expect(code, output).toBe(0);
    await sandbox.flushWebhooks();
    const leads = leadsNamed('Webhook demo');
    expect(leads.map((l) => l.status_id).sort()).toEqual([142, 143]);
    const notes = leads.flatMap((l) =>
      sandbox.state.notes.filter((n) => n.entity_id === l.id && n.note_type === 'common'),
    );
    expect(notes).toHaveLength(3);
    expect(sandbox.webhooks.filter((d) => d.status === 'delivered').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(sandbox.state.webhooks.size).toBe(0);
  });

  it('auto-assign gives every new lead an active responsible user', async () => {
    const { code, output, cwd } = await run('auto-assign.ts');
    expect(code, output).toBe(0);
    expect(existsSync(join(cwd, '.kommo/assigner.json'))).toBe(true);
    const leads = leadsNamed('Auto-assign demo lead');
    expect(leads).toHaveLength(7);
    for (const lead of leads) {
      expect(sandbox.state.users.get(lead.responsible_user_id)?.rights.is_active).toBe(true);
    }
    expect(new Set(leads.slice(0, 4).map((l) => l.responsible_user_id)).size).toBe(4);
  });

  it('custom-fields writes values that the sandbox stores', async () => {
    const { code, output } = await run('custom-fields.ts');
    expect(code, output).toBe(0);
    const [lead] = leadsNamed('Custom fields demo');
    expect(lead?.custom_fields_values?.length).toBeGreaterThanOrEqual(5);
  });

  it('bulk-import --count 300 creates 300 leads and reports them', async () => {
    const { code, output } = await run('bulk-import.ts', ['--count', '300', '--chunk-size', '50']);
    expect(code, output).toBe(0);
    expect(leadsNamed('Imported lead #')).toHaveLength(300);
    expect(output).toContain('created 300, failed 0, unknown 0 of 300');
    // Not a terminal here: plain lines, no carriage returns.
    expect(output).not.toContain('\r');
  });

  it('events-sync keeps its cursor in .kommo/ and resumes from it', async () => {
    const first = await run('events-sync.ts');
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/handled [1-9]\d* event/);
    expect(existsSync(join(first.cwd, '.kommo/events-cursor.json'))).toBe(true);
    const again = await run('events-sync.ts', [], { cwd: first.cwd });
    expect(again.code, again.output).toBe(0);
    // The second pass sees only the lead it created itself (2 events), not the first pass's.
    expect(again.output).toMatch(/handled [12] event/);
  });

  it('oauth-flow exchanges a code and refreshes on its own sandbox', async () => {
    // Its own sandbox: it needs a redirect URI of its own and expires every token.
    const { code, output } = await run('oauth-flow.ts');
    expect(code, output).toBe(0);
    expect(output).toContain('new refresh token saved: yes');
  });
});
