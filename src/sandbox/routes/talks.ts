/**
 * Talks: list (`filter[talk_id|contact_id|entity_id|entity_type|only_in_work]`), get and close.
 * Talks open when a client writes through the sandbox's Chats API (`models/talks.ts`).
 *
 * The sandbox has no NPS bot: a close without `force_close` closes the talk as a forced one
 * would (Kommo runs the bot instead when the account has it).
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { talksOf, type SandboxTalk } from '../models/talks.js';
import { fail, type Reply } from '../problems.js';
import { intsOf, recordOf, stringOf } from '../query.js';
import { paginate, self } from '../render.js';
import { family } from '../router.js';
import { Issues, checkKeys, isObject, optBool } from '../validate.js';
import { check, idParam } from './shared.js';

const BASE = '/api/v4/talks';

const ref = (ctx: Ctx, type: string, id: number) => [
  { id, _links: self(ctx, `/api/v4/${type}/${String(id)}`) },
];

function render(ctx: Ctx, talk: SandboxTalk): Record<string, unknown> {
  const embedded: Record<string, unknown> = { contacts: ref(ctx, 'contacts', talk.contact_id) };
  if (talk.entity_id !== null && talk.entity_type !== null)
    embedded[`${talk.entity_type}s`] = ref(ctx, `${talk.entity_type}s`, talk.entity_id);
  return {
    ...talk,
    _links: self(ctx, `${BASE}/${String(talk.talk_id)}`),
    _embedded: embedded,
  };
}

function list(ctx: Ctx): Reply {
  const filter = recordOf(ctx.query['filter']);
  const tests: Array<(t: SandboxTalk) => boolean> = [];
  for (const key of ['talk_id', 'contact_id', 'entity_id'] as const) {
    if (filter[key] === undefined) continue;
    const ids = new Set(intsOf(filter[key]));
    tests.push((t) => t[key] !== null && ids.has(t[key]));
  }
  const entityType = stringOf(filter['entity_type']);
  if (entityType !== undefined) tests.push((t) => t.entity_type === entityType);
  // Kommo reads the key's presence, whatever its value.
  if (filter['only_in_work'] !== undefined) tests.push((t) => t.is_in_work);
  const talks = talksOf(ctx.store).filter((t) => tests.every((test) => test(t)));
  return paginate(ctx, 'talks', talks, (t) => render(ctx, t), true);
}

function talkOf(ctx: Ctx): SandboxTalk {
  const talk = talksOf(ctx.store).get(idParam(ctx));
  if (!talk) fail(404, 'Talk not found');
  return talk;
}

function close(ctx: Ctx): Reply {
  const talk = talkOf(ctx);
  const body = ctx.body ?? {};
  const issues = new Issues();
  if (!isObject(body)) fail(400, 'Request body must be a JSON object');
  checkKeys(body, new Set(['force_close']), '', issues);
  optBool(body, 'force_close', '', issues);
  check(issues);
  if (!talk.is_in_work) fail(422, 'Talk is already closed');
  talksOf(ctx.store).close(talk, ctx.now);
  return { status: 202 };
}

/** The talk routes. */
export const talks = family('talks', {
  [`GET ${BASE}`]: list,
  [`GET ${BASE}/:id`]: (ctx) => ({ status: 200, body: render(ctx, talkOf(ctx)) }),
  [`POST ${BASE}/:id/close`]: close,
});
