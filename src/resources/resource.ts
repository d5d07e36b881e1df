/**
 * The base of every resource module.
 *
 * @module
 */

import { MAX_LINKS } from '../facts.js';
import { z } from 'zod';
import type { Kommo } from '../client.js';
import { sendWriteOne } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { assertId } from '../core/path.js';
import { EntityLinkInputSchema, parseInput, type EntityLinkInput } from '../schemas/common.js';
import { NoteRefSchema, type NoteRef } from '../schemas/note.js';

/** Base class of resource modules (`kommo.leads`, …): stateless, holds the client. */
export abstract class APIResource {
  /** @internal */
  protected readonly _client: Kommo;

  constructor(client: Kommo) {
    this._client = client;
  }
}

/** Entities with `/{id}/link`, `/{id}/unlink` and `/{id}/notes` routes shared by several resources. */
type NotableEntity = 'leads' | 'contacts' | 'companies';

/**
 * `POST /api/v4/{entity}/{id}/link|unlink`: the one implementation behind `leads.link`,
 * `contacts.unlink`, `companies.link`… Validates the links before sending.
 *
 * @internal
 */
export async function sendEntityLinks(
  client: Kommo,
  entity: NotableEntity,
  id: number,
  action: 'link' | 'unlink',
  links: readonly EntityLinkInput[],
  options?: RequestOptions,
): Promise<void> {
  const body = parseInput(z.array(EntityLinkInputSchema).min(1).max(MAX_LINKS), links, 'links');
  await client._send(
    { method: 'POST', path: `/api/v4/${entity}/${assertId(id)}/${action}`, body },
    options,
  );
}

/**
 * `POST /api/v4/{entity}/{id}/notes` with one common (text) note: the one implementation behind
 * `leads.addNote`, `contacts.addNote` and `companies.addNote`.
 *
 * @internal
 */
export function addTextNote(
  client: Kommo,
  entity: NotableEntity,
  id: number,
  text: string,
  options?: RequestOptions,
): Promise<NoteRef> {
  const params = parseInput(z.strictObject({ text: z.string().min(1) }), { text }, 'note');
  return sendWriteOne(
    client,
    {
      method: 'POST',
      path: `/api/v4/${entity}/${assertId(id)}/notes`,
      body: [{ note_type: 'common', params }],
    },
    'notes',
    NoteRefSchema,
    'note',
    options,
  );
}
