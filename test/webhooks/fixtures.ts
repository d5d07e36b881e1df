import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reads a file from `test/fixtures` as text, exactly as stored. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');
}

/** Reads a file from `test/fixtures` as raw bytes. */
export function fixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(
    readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))),
  );
}

/** Every form-encoded webhook body among the fixtures. */
export const WEBHOOK_BODY_FIXTURES = [
  'webhook_company_add_as_contacts.txt',
  'webhook_contact_update_real_2025.txt',
  'webhook_lead_add_real_2025.txt',
  'webhook_lead_delete_real_2025.txt',
  'webhook_lead_note_common.txt',
  'webhook_lead_status_won.txt',
  'webhook_message_add_incoming.txt',
  'webhook_talk_add.txt',
  'webhook_task_add.txt',
  'webhook_unsorted_add_form.txt',
] as const;
