/**
 * `npm run demo`: the integration's scenarios, end to end, against a local Kommo sandbox — then
 * a check of the sandbox's own state and counters against what the scenarios claimed. Exits
 * non-zero on any mismatch, so CI can run it.
 *
 * The sandbox keeps Kommo's rate limit (7 requests per second) and the client paces itself to
 * it: the run takes a few seconds because of that, honestly.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  combineHooks,
  createMetrics,
  getPhones,
  Kommo,
  LOST_STATUS_ID,
  normalizePhone,
  NOTE_TEXT_MAX_LENGTH,
  WON_STATUS_ID,
} from 'kommo-sdk';
import { startSandbox } from 'kommo-sdk/sandbox';
import { autoAssign } from './auto-assign.js';
import { bulkImport, printReport, progressPrinter } from './bulk-import.js';
import { chatChannel } from './chat-channel.js';
import { chatToLead } from './chat-to-lead.js';
import { customFields } from './custom-fields.js';
import { freePort, oauthFlow, simulatedBrowser } from './oauth-flow.js';
import { qualifyLeads, SANDBOX_LOSS_REASON_ID } from './qualify-lead.js';
import { webhookTriggers } from './webhook-triggers.js';

const USAGE = `Usage: npm run demo   (or: npx tsx examples/demo.ts)

Runs every scenario of examples/ against a local Kommo sandbox started for the run (never a
real account, whatever KOMMO_* says), then checks the sandbox's own state against what the
scenarios claimed. Exits non-zero on any mismatch.

The same sandbox from the shell: the kommo command (npx kommo-cli whoami --sandbox; see
docs/cli.md): login, codegen of typed custom fields, export and import with resume.

Options:
  -h, --help  show this help
`;

try {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}

/** Leads the bulk-import step creates: enough to show batching, small enough for CI. */
const BULK_COUNT = 1000;

const started = performance.now();
const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const step = (title: string): void => {
  out();
  out(`── ${title}`);
};
const line = (text: string): void => out(`   ${text}`);

const checks: Array<{ ok: boolean; what: string; detail?: string }> = [];
function check(ok: boolean, what: string, detail?: string): void {
  checks.push({ ok, what, ...(detail !== undefined ? { detail } : {}) });
}

const port = await freePort();
const sandbox = await startSandbox({
  oauth: { redirectUri: `http://127.0.0.1:${port}/oauth/callback` },
});
let exitCode = 0;
try {
  out(`kommo-sdk demo → local Kommo sandbox at ${sandbox.url} (rate limit 7 req/s)`);
  const metrics = createMetrics();
  const retried: string[] = [];
  const kommo = metrics.attach(
    new Kommo({
      baseUrl: sandbox.url,
      accessToken: sandbox.accessToken,
      hooks: combineHooks(metrics.hooks, {
        onRetry: (e) => retried.push(`${e.method} ${e.path} (${e.status ?? 'network'})`),
      }),
    }),
  );
  const leadsAtStart = sandbox.state.leads.size;

  step('1. A chat arrives → contact found or created, lead linked, history as notes');
  const chat = await chatToLead(kommo, line);

  step('2. Leads move through the stages and are qualified (won 142) or not (lost 143)');
  const qualified = await qualifyLeads(kommo, line, { lossReasonId: SANDBOX_LOSS_REASON_ID });

  step('3. Webhooks trigger automations: a stage reached, a lead won, a lead lost');
  const hooks = await webhookTriggers(kommo, line);
  await sandbox.flushWebhooks();

  step('4. New leads get a responsible manager (round robin across a restart, then least loaded)');
  const assigned = await autoAssign(kommo, line);

  step('5. Custom fields: find the ids, write every common type, read them back');
  const fields = await customFields(kommo, line);

  step(`6. Bulk import of ${BULK_COUNT.toLocaleString('en-US')} leads`);
  const progress = progressPrinter();
  const bulk = await bulkImport(kommo, {
    count: BULK_COUNT,
    chunkSize: 50,
    onProgress: progress.update,
  });
  progress.finish();
  metrics.recordLeadsCreated(bulk.created);
  printReport(bulk, line);

  // Every request so far came from `kommo`: its hooks and the sandbox must agree.
  const beforeOAuth = metrics.snapshot();
  const sandboxBeforeOAuth = sandbox.stats;

  step("7. A custom chat channel (Chats API): signed messages in, a manager's replies back");
  const leadsBeforeChannel = sandbox.state.leads.size;
  const channelLines = ['Hi! Is the 14" model in stock?', 'And the price with delivery?'];
  const channel = await chatChannel(channelLines, line, { sandbox: { sandbox, kommo } });
  const channelLeads = sandbox.state.leads.size - leadsBeforeChannel;

  step('8. OAuth: consent → redirect → code exchange → tokens in a file → unattended refresh');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'kommo-demo-'));
  const oauth = await oauthFlow(
    {
      credentials: sandbox.oauth,
      baseUrl: sandbox.url,
      tokenFile: join(dir, 'tokens.json'),
      authorize: simulatedBrowser,
      // Expires every token issued so far, the demo client's too: this step runs last.
      expireAccessToken: () => sandbox.expireAccessTokens(),
    },
    line,
  ).finally(() => rm(dir, { recursive: true, force: true }));

  step('Metrics (from the client hooks and the helpers)');
  const m = beforeOAuth;
  line(
    `requests ${m.requests} by status ${JSON.stringify(m.requestsByStatus)}, retries ${m.retries}, sync errors ${m.syncErrors}`,
  );
  line(
    `request time p50 ${m.requestTimeMs.p50} ms, p95 ${m.requestTimeMs.p95} ms, max ${m.requestTimeMs.max} ms`,
  );
  line(
    `leads created ${m.leadsCreated}; chat-to-lead ${m.chatToLead.leads}/${m.chatToLead.conversations} (${Math.round(m.chatToLead.conversionRate * 100)}%)`,
  );
  if (retried.length > 0) line(`retried: ${retried.join(', ')}`);

  // ── The checks: the sandbox's own state, never the scenarios' word for it.
  const state = sandbox.state;
  const notesOf = (leadId: number) =>
    state.notes.filter((n) => n.entity_id === leadId && n.entity_type === 'leads');
  const linkedContacts = (leadId: number) =>
    state
      .linksOf('leads', leadId)
      .filter((l) => l.to_entity_type === 'contacts')
      .map((l) => l.to_entity_id);

  const chatLeads = [chat.first, chat.returning, ...chat.parallel];
  for (const r of chatLeads) {
    check(state.leads.get(r.leadId) !== undefined, `chat lead ${r.leadId} exists`);
    check(
      linkedContacts(r.leadId).includes(r.contactId),
      `chat lead ${r.leadId} is linked to contact ${r.contactId}`,
    );
    const notes = notesOf(r.leadId);
    check(
      notes.length === r.noteIds.length &&
        r.noteIds.every((id) => state.notes.get(id)?.entity_id === r.leadId),
      `chat lead ${r.leadId} has its ${r.noteIds.length} history note(s)`,
      `found ${notes.length}`,
    );
  }
  const firstNotes = notesOf(chat.first.leadId);
  check(
    firstNotes.length >= 2,
    'the long chat history was split into several notes',
    `${firstNotes.length} notes`,
  );
  check(
    firstNotes.every(
      (n) =>
        (typeof n.params['text'] === 'string' ? n.params['text'].length : Infinity) <=
        NOTE_TEXT_MAX_LENGTH,
    ),
    `every history note fits NOTE_TEXT_MAX_LENGTH (${NOTE_TEXT_MAX_LENGTH})`,
  );
  check(
    chat.returning.contactId === chat.first.contactId && !chat.returning.contactCreated,
    'the returning customer was found, not duplicated',
  );
  const brunos = state.contacts.filter((c) =>
    getPhones({ custom_fields_values: c.custom_fields_values as never }).some(
      (p) => normalizePhone(p.value) === '+5511987654321',
    ),
  );
  check(
    brunos.length === 1,
    'two parallel chats from one phone made exactly one contact',
    `${brunos.length} contacts`,
  );

  const won = state.leads.get(qualified.wonLeadId);
  const lost = state.leads.get(qualified.lostLeadId);
  check(
    won?.status_id === WON_STATUS_ID,
    `lead ${qualified.wonLeadId} sits in won (142)`,
    `status ${won?.status_id}`,
  );
  check(
    lost?.status_id === LOST_STATUS_ID && lost.loss_reason_id === SANDBOX_LOSS_REASON_ID,
    `lead ${qualified.lostLeadId} sits in lost (143) with its loss reason`,
    `status ${lost?.status_id}, reason ${lost?.loss_reason_id}`,
  );

  const delivered = sandbox.webhooks.filter(
    (d) => d.status === 'delivered' && d.settings.includes('status_lead'),
  );
  check(
    delivered.length >= 3,
    'the sandbox delivered the status webhooks',
    `${delivered.length} delivered`,
  );
  check(
    sandbox.webhooks.every((d) => d.status === 'delivered'),
    'no webhook delivery failed',
  );
  for (const t of hooks.triggers) {
    check(
      state.notes.get(t.noteId)?.entity_id === t.leadId,
      `the ${t.action} trigger left its note on lead ${t.leadId}`,
    );
  }
  check(
    new Set(hooks.triggers.map((t) => t.action)).size === 3,
    'all three triggers ran (stage reached, won, lost)',
  );
  check(state.webhooks.size === 0, 'the webhook subscription was removed afterwards');

  for (const a of assigned.assignments) {
    const lead = state.leads.get(a.leadId);
    const user = lead ? state.users.get(lead.responsible_user_id) : undefined;
    check(
      lead?.responsible_user_id === a.userId && user?.rights.is_active === true,
      `lead ${a.leadId} is assigned to active user ${a.userId} (${a.strategy})`,
      `responsible ${lead?.responsible_user_id}`,
    );
  }
  const rr = assigned.assignments.filter((a) => a.strategy === 'round-robin').map((a) => a.userId);
  check(
    rr.every((id, i) => id === assigned.candidates[i % assigned.candidates.length]),
    'round robin followed the rotation across the restart',
    rr.join(','),
  );
  const firstLeast = assigned.assignments.find((a) => a.strategy === 'least-loaded');
  const minLoad = Math.min(...Object.values(assigned.loadsBefore));
  check(
    firstLeast !== undefined && assigned.loadsBefore[firstLeast.userId] === minLoad,
    'least loaded picked a user with the fewest open leads',
  );

  const fieldLead = state.leads.get(fields.leadId);
  for (const w of fields.written) {
    const stored = fieldLead?.custom_fields_values?.find((f) => f.field_id === w.fieldId);
    check(
      stored !== undefined && w.value !== undefined,
      `custom field ${w.name} [${w.type}] is stored and read back`,
    );
  }

  check(
    bulk.created === BULK_COUNT && bulk.createdIds.every((id) => state.leads.get(id) !== undefined),
    `all ${BULK_COUNT} imported leads exist`,
    `created ${bulk.created}`,
  );
  check(
    channel.replies.length === channelLines.length,
    `the chat channel got a signed reply to each of its ${channelLines.length} messages`,
    `${channel.replies.length} replies`,
  );
  check(
    channelLeads === 1,
    "the chat channel's conversation made one incoming lead",
    `${channelLeads}`,
  );
  const expectedLeads =
    chatLeads.length + 2 + 2 + assigned.assignments.length + 1 + bulk.created + channelLeads;
  check(
    state.leads.size - leadsAtStart === expectedLeads,
    `the sandbox holds exactly the ${expectedLeads} leads the scenarios created`,
    `${state.leads.size - leadsAtStart} new`,
  );

  check(
    beforeOAuth.requests === sandboxBeforeOAuth.requests &&
      JSON.stringify(Object.entries(beforeOAuth.requestsByStatus).sort()) ===
        JSON.stringify(Object.entries(sandboxBeforeOAuth.byStatus).sort()),
    'the metrics count the same requests and statuses as the sandbox',
    `metrics ${beforeOAuth.requests}, sandbox ${sandboxBeforeOAuth.requests}`,
  );
  check(
    beforeOAuth.chatToLead.conversations === 4 && beforeOAuth.chatToLead.leads === 4,
    'chat-to-lead conversion counted 4/4',
  );
  check(beforeOAuth.syncErrors === 0, 'no sync errors');
  const final = sandbox.stats;
  check(
    final.tokenExchanges === 1 && oauth.domain === state.account.domain,
    'the OAuth code was exchanged once',
  );
  check(
    final.refreshes >= 1 && oauth.refreshed && oauth.refreshTokenRotated,
    'the expired token was refreshed and the rotated refresh token saved',
  );

  step('Checks against the sandbox state');
  const failed = checks.filter((c) => !c.ok);
  for (const c of failed) line(`✗ ${c.what}${c.detail ? ` — ${c.detail}` : ''}`);
  line(`${checks.length - failed.length}/${checks.length} checks passed`);
  exitCode = failed.length === 0 ? 0 : 1;
} catch (error) {
  out();
  out(`✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  exitCode = 1;
} finally {
  await sandbox.close();
}
out();
out(
  `${exitCode === 0 ? '✓ demo passed' : '✗ demo failed'} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
if (exitCode === 0) {
  // The same account from the shell: the kommo command (packages/cli, npm package kommo-cli).
  out('  next: npx kommo-cli whoami --sandbox · kommo codegen · kommo export leads · kommo import');
}
process.exitCode = exitCode;
