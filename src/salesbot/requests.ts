/**
 * What `kommo.salesbot` sends, loaded on its first call with `import()` (the main entry carries
 * only the thin `Salesbot` class of `resources/salesbot.ts`): the tasks of a run and the continue
 * of a waiting bot, checked against Kommo's limits before anything is sent.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import type { RequestOptions } from '../core/options.js';
import { parseInput } from '../core/schema.js';
import {
  SalesbotContinueParamsSchema,
  SalesbotContinueTargetSchema,
  SalesbotRunTasksSchema,
} from '../schemas/salesbot.js';

/** `POST /api/v2/salesbot/run` with the tasks in Kommo's wire form. */
export async function run(client: Kommo, tasks: unknown, options?: RequestOptions): Promise<void> {
  const body = parseInput(SalesbotRunTasksSchema, tasks, 'salesbot tasks');
  await client._send({ method: 'POST', path: '/api/v2/salesbot/run', body }, options);
}

/** `POST /api/v4/{salesbot|marketingbot}/{bot_id}/continue/{continue_id}`, from the ids. */
export async function resume(
  client: Kommo,
  target: unknown,
  params: unknown,
  options?: RequestOptions,
): Promise<void> {
  const t = parseInput(SalesbotContinueTargetSchema, target, 'salesbot continue target');
  const body = parseInput(SalesbotContinueParamsSchema, params, 'salesbot continue');
  const path = `/api/v4/${t.bot_type ?? 'salesbot'}/${String(t.bot_id)}/continue/${String(t.continue_id)}`;
  await client._send({ method: 'POST', path, body }, options);
}
