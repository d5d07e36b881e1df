/**
 * Scenario: a chat message arrives → find or create the contact (by phone/e-mail), create a lead
 * linked to it, attach the chat history as notes.
 *
 * Run: `npx tsx examples/chat-to-lead.ts` (sandbox), or with `KOMMO_*` set and `--yes` (a real
 * account). `--help` lists the options.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  FOLLOW_UP_TASK_TYPE_ID,
  createLeadFromChat,
  createMetrics,
  type ChatMessage,
  type CreateLeadFromChatResult,
  type Kommo,
} from 'kommo-sdk';
import { connectOrSandbox } from 'kommo-sdk/sandbox';

/** What the scenario created, for the demo's checks. */
export interface ChatToLeadResult {
  /** Ann's first chat: a new contact, a long history split into several notes. */
  first: CreateLeadFromChatResult;
  /** Ann writes again from another channel: her contact is found, not duplicated. */
  returning: CreateLeadFromChatResult;
  /** Two messages from Bruno arrive at the same moment: one contact, two leads. */
  parallel: CreateLeadFromChatResult[];
  /** Ann's company, linked to her lead and contact. */
  companyId: number;
  /** A follow-up task on Ann's lead, due in two hours. */
  followUpTaskId: number;
}

/** A long support conversation (about 24 000 characters), as a chat widget would hand it over. */
function longConversation(customer: string): ChatMessage[] {
  const start = Date.UTC(2026, 10, 25, 9, 0) / 1000;
  return Array.from({ length: 160 }, (_, i) => ({
    from: i % 2 === 0 ? customer : 'Bot',
    text:
      i % 2 === 0
        ? `Message ${i + 1}: we are planning an event for 120 guests and need chairs, tables and delivery to the venue on Friday morning.`
        : `Reply ${i + 1}: noted. Our manager will prepare a quote with delivery and set-up included; anything else?`,
    at: start + i * 30,
  }));
}

/** Runs the scenario; `log` prints one line of readable output. */
export async function chatToLead(
  kommo: Kommo,
  log: (line: string) => void,
): Promise<ChatToLeadResult> {
  const first = await createLeadFromChat(kommo, {
    contact: { name: 'Ann Lee', phone: '+1 (555) 201-0001', email: 'Ann.Lee@Example.com' },
    name: 'Chairs for a 120-guest event',
    price: 4800,
    messages: longConversation('Ann Lee'),
    tags: ['chat', 'whatsapp'],
  });
  log(
    `lead ${first.leadId} created for ${first.contactCreated ? 'new' : 'existing'} contact ${first.contactId}; chat history in ${first.noteIds.length} notes`,
  );

  // She books for her company: attach it to the lead and the contact, and plan the follow-up.
  const company = await kommo.companies.create({
    name: 'Lee Events LLC',
    tags_to_add: [{ name: 'chat' }],
  });
  await kommo.companies.link(company.id, [
    { to_entity_id: first.leadId, to_entity_type: 'leads' },
    { to_entity_id: first.contactId, to_entity_type: 'contacts' },
  ]);
  const followUp = await kommo.tasks.create({
    text: 'Send Ann the quote for chairs, tables and delivery',
    complete_till: Math.floor(Date.now() / 1000) + 2 * 3600,
    entity_type: 'leads',
    entity_id: first.leadId,
    task_type_id: FOLLOW_UP_TASK_TYPE_ID,
  });
  log(
    `company ${company.id} attached to lead ${first.leadId}; follow-up task ${followUp.id} due in 2 h`,
  );

  const returning = await createLeadFromChat(kommo, {
    // The same person, typed differently: the phone and e-mail normalise to the same values.
    contact: { name: 'Ann', phone: '15552010001', email: ' ann.lee@example.com' },
    name: 'Ann: extra tables',
    messages: [{ from: 'Ann', text: 'Can you add 10 more tables to the order?' }],
    tags: ['chat', 'instagram'],
  });
  log(
    `lead ${returning.leadId} created; contact ${returning.contactId} was ${returning.contactCreated ? 'created (unexpected!)' : 'found by phone/e-mail'}`,
  );

  const parallel = await Promise.all(
    ['Do you rent projectors?', 'And a screen, 3 m wide?'].map((text) =>
      createLeadFromChat(kommo, {
        contact: { name: 'Bruno Costa', phone: '+55 11 98765-4321' },
        messages: [{ from: 'Bruno Costa', text }],
        tags: ['chat'],
      }),
    ),
  );
  const brunoIds = new Set(parallel.map((r) => r.contactId));
  log(
    `2 parallel chats from Bruno → leads ${parallel.map((r) => r.leadId).join(', ')}, ${brunoIds.size} contact (${[...brunoIds].join(', ')})`,
  );
  return { first, returning, parallel, companyId: company.id, followUpTaskId: followUp.id };
}

const USAGE = `Usage: npx tsx examples/chat-to-lead.ts [--yes]

A chat becomes a lead: the contact is found by phone or e-mail (or created), the lead is
linked to it, the conversation is attached as notes; a company and a follow-up task follow.

Connects to the account of the KOMMO_* variables (set, or in ./.env; see .env.example),
or starts a local Kommo sandbox when none is set.

Options:
  --yes       write to a real account (required there)
  -h, --help  show this help
`;

async function main(flags: { yes?: boolean | undefined }): Promise<void> {
  // ./.env when there is one (Node ≥ 20.12); variables already set win over it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const metrics = createMetrics();
  const conn = await connectOrSandbox({ overrides: { hooks: metrics.hooks } });
  if (conn.mode === 'account' && flags.yes !== true) {
    console.error(
      `✗ chat-to-lead creates leads, contacts, a company and a task in ${conn.target}: run again with --yes to go ahead`,
    );
    process.exitCode = 1;
    return;
  }
  metrics.attach(conn.kommo);
  console.log(`chat-to-lead → ${conn.target}`);
  try {
    await chatToLead(conn.kommo, (line) => console.log(`  ${line}`));
    const { chatToLead: conversion } = metrics.snapshot();
    console.log(
      `  conversion: ${conversion.leads}/${conversion.conversations} conversations became leads`,
    );
  } finally {
    await conn.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let flags;
  try {
    ({ values: flags } = parseArgs({
      options: { yes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    // An unknown flag or a missing value: say so, show the usage, exit 2.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  main(flags).catch((error: unknown) => {
    // SDK errors never carry a token: one line is enough.
    console.error(
      `✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  });
}
