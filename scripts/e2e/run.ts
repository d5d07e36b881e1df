/**
 * `npm run test:e2e`: the Next.js example app (examples/nextjs), built and clicked in a real
 * browser against a sandbox running in its own process.
 *
 * 1. builds the SDK, installs the app from its lockfile (the SDK copied in as a package, like a
 *    user's install) and runs `next build`;
 * 2. starts the sandbox bin and `next start`, each in its own process group;
 * 3. in headless Chromium (Debian's `chromium` through playwright-core): types a chat, clicks
 *    "Create lead" → checks in the sandbox that the lead exists with its contact and note;
 * 4. moves the lead in the sandbox, which sends the `status_lead` webhook to the app → waits
 *    until the page shows the new stage;
 * 5. keeps a screenshot in `artifacts/e2e/nextjs.png` (logs beside it), and stops every
 *    process it started, by pid.
 *
 * Needs `/usr/bin/chromium` (`apt-get install -y chromium`) or `CHROMIUM_PATH`. `SKIP_BUILD=1`
 * reuses `dist/`; `SKIP_APP_INSTALL=1` reuses the app's node_modules (local reruns).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { cacheFor, embeddedIds, Kommo, nextStatus } from 'kommo-sdk';

const ROOT = resolve(import.meta.dirname, '../..');
const APP = join(ROOT, 'examples/nextjs');
const ARTIFACTS = join(ROOT, 'artifacts/e2e');
const SCREENSHOT = join(ARTIFACTS, 'nextjs.png');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
// Chromium as root needs --no-sandbox; the rest keeps it off the (closed) network.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

const started = performance.now();
const seconds = (from: number): string => `${((performance.now() - from) / 1000).toFixed(1)} s`;
const log = (line: string): void => {
  process.stdout.write(`[e2e ${seconds(started)}] ${line}\n`);
};

/** Runs a command to completion; its output goes to the console; throws on a non-zero exit. */
async function run(command: string, args: string[], cwd: string, env = process.env): Promise<void> {
  const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${String(code)}`);
}

/** A process started in its own group, its output copied to a log file. */
interface Service {
  name: string;
  child: ChildProcess;
  output: () => string;
}

const services: Service[] = [];

function start(
  name: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Service {
  const file = createWriteStream(join(ARTIFACTS, `${name}.log`));
  // detached: a process group of its own, so stopping it also stops whatever it spawned.
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      file.write(chunk);
    });
  }
  child.on('exit', () => file.end());
  const service = { name, child, output: () => text };
  services.push(service);
  log(`started ${name} (pid ${String(child.pid)})`);
  return service;
}

async function stopAll(): Promise<void> {
  for (const { name, child } of services.reverse()) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
    const exited = once(child, 'exit');
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      continue; // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
    log(`stopped ${name} (pid ${String(child.pid)})`);
  }
}

async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  service?: Service,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (service && service.child.exitCode !== null)
      throw new Error(`${service.name} exited while waiting for ${what}:\n${service.output()}`);
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No browser at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  await rm(ARTIFACTS, { recursive: true, force: true });
  await mkdir(ARTIFACTS, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  let t = performance.now();
  if (process.env['SKIP_BUILD'] !== '1' || !existsSync(join(ROOT, 'dist/index.js'))) {
    await run(npm, ['run', 'build', '--silent'], ROOT);
  }
  if (process.env['SKIP_APP_INSTALL'] !== '1' || !existsSync(join(APP, 'node_modules'))) {
    // The lockfile's `file:../..` with install-links (examples/nextjs/.npmrc): the SDK is packed
    // and copied in, as from the registry.
    await run(npm, ['ci', '--no-audit', '--no-fund'], APP).catch(async (error: unknown) => {
      // The lockfile lists the SDK's own dependencies: one added since it was written fails
      // `npm ci`. Install anyway (the lock left as it is) and say how to refresh it.
      log(
        `npm ci failed (${error instanceof Error ? error.message : String(error)}): installing without the lock; run \`npm install\` in examples/nextjs and commit its package-lock.json`,
      );
      await run(npm, ['install', '--no-audit', '--no-fund', '--package-lock=false'], APP);
    });
  }
  log(`SDK built, app installed in ${seconds(t)}`);
  const appEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  t = performance.now();
  await run(process.execPath, ['node_modules/next/dist/bin/next', 'build'], APP, appEnv);
  log(`next build in ${seconds(t)}`);

  // The sandbox, out of process: the bin the app installed (what `npx kommo-sandbox` runs).
  // Its rate limit is off: the app and this script are two processes on one account, each
  // pacing itself to 7/s, so together they would draw 429s (in production a shared limiter,
  // RedisRateLimiter, is the answer; pacing has its own tests). This test is about the app.
  const sandbox = start(
    'sandbox',
    process.execPath,
    [
      join(APP, 'node_modules/kommo-sdk/dist/sandbox-cli.js'),
      '--port',
      '0',
      '--rate-limit',
      'off',
      '--quiet',
    ],
    APP,
    { PATH: process.env['PATH'] ?? '' },
  );
  const { url: sandboxUrl, token } = await waitFor(
    'the sandbox URL',
    () => {
      const url = /listening on (http:\/\/\S+)/.exec(sandbox.output())?.[1];
      const token = /Access token: (\S+)/.exec(sandbox.output())?.[1];
      return url && token ? { url, token } : undefined;
    },
    20_000,
    sandbox,
  );

  const port = await freePort();
  const appUrl = `http://127.0.0.1:${String(port)}`;
  const secret = randomBytes(24).toString('base64url');
  const app = start(
    'app',
    process.execPath,
    ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'],
    APP,
    {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      KOMMO_BASE_URL: sandboxUrl,
      KOMMO_ACCESS_TOKEN: token,
      KOMMO_WEBHOOK_SECRET: secret,
    },
  );
  await waitFor(
    'the app',
    async () => ((await fetch(appUrl).catch(() => undefined))?.ok ? true : undefined),
    60_000,
    app,
  );
  log(`app on ${appUrl}, sandbox on ${sandboxUrl}`);
  listening.push(appUrl, sandboxUrl);

  // This script is the integration's owner: it registers the app's webhook destination.
  const kommo = new Kommo({ baseUrl: sandboxUrl, accessToken: token });
  await kommo.webhooks.subscribe({
    destination: `${appUrl}/api/crm/webhook?secret=${secret}`,
    settings: ['status_lead'],
  });

  const profile = await mkdtemp(join(tmpdir(), 'kommo-e2e-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 860 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await drive(page, kommo, appUrl);
  } finally {
    await context?.close().catch(() => undefined);
    await rm(profile, { recursive: true, force: true });
  }
  const appOutput = app.output();
  if (appOutput.includes(token) || appOutput.includes(secret))
    throw new Error('The app printed the Kommo token or the webhook secret');
}

async function drive(page: Page, kommo: Kommo, appUrl: string): Promise<void> {
  const browserErrors: string[] = [];
  page.on('pageerror', (error) => browserErrors.push(error.message));
  await page.goto(appUrl);
  await page.getByText('Connected to').waitFor();

  const phone = `+1 555 01${String(Date.now()).slice(-5)}`;
  await page.getByLabel('Name').fill('Marta Silva');
  await page.getByLabel('Phone').fill(phone);
  await page.getByLabel('E-mail').fill('marta.silva@example.com');
  await page.getByLabel('Message').fill('Hi! Do you deliver 40 chairs to Lisbon on Friday?');
  await page.getByLabel('Message').press('Enter');
  await page.getByLabel('Message').fill('And two tables, please.');
  await page.getByRole('button', { name: 'Create lead' }).click();

  const created = await page.getByTestId('created').textContent({ timeout: 30_000 });
  const leadId = Number(/Lead #(\d+)/.exec(created ?? '')?.[1]);
  if (!Number.isInteger(leadId)) throw new Error(`No lead id on the page: ${String(created)}`);
  log(`the page created lead ${String(leadId)}`);

  // The sandbox has it, with its contact and the chat as a note.
  const lead = await kommo.leads.get(leadId, { with: ['contacts'] });
  const contactId = embeddedIds(lead._embedded?.contacts)[0];
  if (contactId === undefined) throw new Error(`Lead ${String(leadId)} has no contact`);
  const contact = await kommo.contacts.get(contactId);
  if (contact.name !== 'Marta Silva') throw new Error(`Contact is "${String(contact.name)}"`);
  const notes = await kommo.notes
    .list('leads', { filter: { entity_id: [leadId] } })
    .toArray({ max: 50 });
  const text = notes.map((n) => JSON.stringify(n.params)).join('\n');
  if (!text.includes('40 chairs to Lisbon') || !text.includes('two tables'))
    throw new Error(`The chat is not in the lead's notes: ${text}`);
  log(
    `lead ${String(leadId)}: contact ${String(contactId)} and ${String(notes.length)} note(s) in the sandbox`,
  );

  // The list shows it in its first stage.
  const row = page.locator(`[data-testid="lead"][data-lead-id="${String(leadId)}"]`);
  const pipeline = await cacheFor(kommo).pipeline(lead.pipeline_id ?? undefined);
  const before = pipeline._embedded?.statuses?.find((s) => s.id === lead.status_id)?.name;
  await row
    .getByTestId('stage')
    .getByText(before ?? '', { exact: true })
    .waitFor();

  // Moved in the CRM → the sandbox sends status_lead to the app → the page re-reads the leads.
  const next = nextStatus(pipeline, lead.status_id ?? 0);
  if (!next?.name) throw new Error('The pipeline has no next stage');
  const moved = performance.now();
  await kommo.leads.update(leadId, { status_id: next.id });
  await row.getByTestId('stage').getByText(next.name, { exact: true }).waitFor({ timeout: 20_000 });
  const received = Number(await page.getByTestId('webhooks-received').textContent());
  if (!(received >= 1)) throw new Error(`The status shows ${String(received)} webhooks`);
  log(
    `stage "${String(before)}" → "${next.name}" on the page ${seconds(moved)} after the move (${String(received)} webhook(s))`,
  );

  const errors = await page.getByTestId('webhook-errors').textContent();
  if (!errors?.startsWith('0')) throw new Error(`Webhook errors: ${String(errors)}`);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  log(`screenshot: ${SCREENSHOT}`);
  if (browserErrors.length > 0) throw new Error(`Errors in the page: ${browserErrors.join('; ')}`);
}

/** URLs that must stop answering once every process is stopped. */
const listening: string[] = [];

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  process.stderr.write(
    `\n✗ e2e failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.stderr.write(`  logs: ${ARTIFACTS}/app.log, ${ARTIFACTS}/sandbox.log\n`);
} finally {
  await stopAll();
}
// Nothing left running: every server we started refuses connections now.
for (const url of listening) {
  if (
    await fetch(url).then(
      () => true,
      () => false,
    )
  ) {
    failed = true;
    process.stderr.write(`✗ ${url} still answers after the stop\n`);
  }
}
log(failed ? '✗ e2e failed' : '✓ e2e passed');
process.exitCode = failed ? 1 : 0;
