import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPhones, normalizePhone } from '../../src/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

// Every example runs as its own process against one sandbox of this test, so the test sees
// what they did in the sandbox's state. The sandbox's limit is off: each process paces itself.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
});
afterAll(async () => {
  await sandbox.close();
});

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

function run(
  script: string,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, script, ...args], {
      env: {
        PATH: process.env['PATH'] ?? '',
        KOMMO_BASE_URL: sandbox.url,
        KOMMO_ACCESS_TOKEN: sandbox.accessToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const leadsNamed = (prefix: string) => sandbox.state.leads.filter((l) => l.name.startsWith(prefix));

describe('examples against the sandbox', () => {
  it('chat-to-lead creates linked leads with notes and one contact per phone', async () => {
    const { code, output } = await run('examples/chat-to-lead.ts');
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
    const { code, output } = await run('examples/qualify-lead.ts');
    expect(code, output).toBe(0);
    expect(
      leadsNamed('Qualify me')
        .map((l) => l.status_id)
        .sort(),
    ).toEqual([142, 143]);
  });

  it('webhook-triggers receives the deliveries and leaves a note per reaction', async () => {
    const { code, output } = await run('examples/webhook-triggers.ts');
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
    const { code, output } = await run('examples/auto-assign.ts');
    expect(code, output).toBe(0);
    const leads = leadsNamed('Auto-assign demo lead');
    expect(leads).toHaveLength(7);
    for (const lead of leads) {
      expect(sandbox.state.users.get(lead.responsible_user_id)?.rights.is_active).toBe(true);
    }
    expect(new Set(leads.slice(0, 4).map((l) => l.responsible_user_id)).size).toBe(4);
  });

  it('custom-fields writes values that the sandbox stores', async () => {
    const { code, output } = await run('examples/custom-fields.ts');
    expect(code, output).toBe(0);
    const [lead] = leadsNamed('Custom fields demo');
    expect(lead?.custom_fields_values?.length).toBeGreaterThanOrEqual(5);
  });

  it('bulk-import --count 300 creates 300 leads and reports them', async () => {
    const { code, output } = await run('examples/bulk-import.ts', [
      '--count',
      '300',
      '--chunk-size',
      '50',
    ]);
    expect(code, output).toBe(0);
    expect(leadsNamed('Imported lead #')).toHaveLength(300);
    expect(output).toContain('created 300, failed 0, unknown 0 of 300');
    // Not a terminal here: plain lines, no carriage returns.
    expect(output).not.toContain('\r');
  });

  it('oauth-flow exchanges a code and refreshes on its own sandbox', async () => {
    // Its own sandbox: it needs a redirect URI of its own and expires every token.
    const { code, output } = await run('examples/oauth-flow.ts');
    expect(code, output).toBe(0);
    expect(output).toContain('new refresh token saved: yes');
  });
});
