/**
 * Website buttons (the CRM Plugin): create (a new source of the pipeline, answered 202 with
 * `{source_id, trusted_websites}`), list and get (`with=scripts`), add trusted domains, and
 * attach an online chat. Kommo builds a button asynchronously; the sandbox shows it as
 * `creation_pending` on the first read after the create and `created` from then on, so code
 * that polls is exercised.
 *
 * @module
 */

import { MAX_TRUSTED_WEBSITES } from '../../facts.js';
import type { Ctx } from '../context.js';
import { perStore } from '../models/per-store.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { paginate, self, withSet } from '../render.js';
import { family } from '../router.js';
import { Issues, checkKeys, isInt, isObject, optBool } from '../validate.js';
import { check, idParam, objectBody } from './shared.js';

const BASE = '/api/v4/website_buttons';
const DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

interface Button {
  source_id: number;
  button_id: number;
  account_id: number;
  name: string;
  is_duplication_control_enabled: boolean;
  creation_status: 'created' | 'creation_pending';
  pipeline_id: number;
  trusted_websites: string[];
  online_chat: boolean;
}

const buttonsOf = perStore(() => new Map<number, Button>());

function render(ctx: Ctx, b: Button, w: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...b };
  delete out['online_chat'];
  if (w.has('scripts'))
    out['script'] =
      `<script>(function(a,m,o,c,r){a[o]={id:"${String(b.button_id)}",hash:"sandbox"}})(window,document,"amo_forms_params")</script>`;
  out['_links'] = self(ctx, `${BASE}/${String(b.source_id)}`);
  // The button is built between the create and the first read (Kommo: asynchronously).
  b.creation_status = 'created';
  return out;
}

function domains(value: unknown, path: string, issues: Issues, min: number): string[] {
  if (!Array.isArray(value)) {
    issues.add(ISSUE.type(path, 'array'));
    return [];
  }
  if (value.length < min) issues.add(ISSUE.blank(path));
  if (value.length > MAX_TRUSTED_WEBSITES)
    issues.add({
      code: 'TooMany',
      path,
      detail: `At most ${String(MAX_TRUSTED_WEBSITES)} domains`,
    });
  value.forEach((d, i) => {
    if (typeof d !== 'string' || !DOMAIN.test(d))
      issues.add(ISSUE.type(`${path}.${String(i)}`, 'domain'));
  });
  return value.filter((d): d is string => typeof d === 'string');
}

function create(ctx: Ctx): Reply {
  const body = objectBody(ctx);
  const issues = new Issues();
  checkKeys(body, new Set(['pipeline_id', 'trusted_websites', 'is_used_in_app']), '', issues);
  const pipelineId = body['pipeline_id'];
  if (!isInt(pipelineId) || !ctx.store.pipelines.get(pipelineId))
    issues.add(
      pipelineId === undefined ? ISSUE.missing('pipeline_id') : ISSUE.choice('pipeline_id'),
    );
  const inApp = optBool(body, 'is_used_in_app', '', issues) === true;
  const sites =
    body['trusted_websites'] === undefined
      ? []
      : domains(body['trusted_websites'], 'trusted_websites', issues, 0);
  if (sites.length === 0 && !inApp) issues.add(ISSUE.blank('trusted_websites'));
  check(issues);
  const sourceId = ctx.store.nextId('source') + 1_000;
  const name = `Website button ${String(sourceId)}`;
  ctx.store.sources.set({
    id: sourceId,
    name,
    external_id: `website_button_${String(sourceId)}`,
    pipeline_id: pipelineId as number,
    default: false,
    origin_code: null,
    services: [],
  });
  buttonsOf(ctx.store).set(sourceId, {
    source_id: sourceId,
    button_id: ctx.store.nextId('websiteButton', 1) + 9_000,
    account_id: ctx.store.account.id,
    name,
    is_duplication_control_enabled: false,
    creation_status: 'creation_pending',
    pipeline_id: pipelineId as number,
    trusted_websites: sites,
    online_chat: false,
  });
  return { status: 202, body: { source_id: sourceId, name, trusted_websites: sites } };
}

function buttonOf(ctx: Ctx): Button {
  const b = buttonsOf(ctx.store).get(idParam(ctx));
  if (!b) fail(404, 'Source not found');
  return b;
}

function addDomains(ctx: Ctx): Reply {
  const b = buttonOf(ctx);
  const body = objectBody(ctx, { nonEmpty: true });
  const issues = new Issues();
  checkKeys(body, new Set(['trusted_websites']), '', issues);
  const change = body['trusted_websites'];
  let add: string[] = [];
  if (!isObject(change)) issues.add(ISSUE.type('trusted_websites', 'object'));
  else {
    checkKeys(change, new Set(['add']), 'trusted_websites.', issues);
    add = domains(change['add'], 'trusted_websites.add', issues, 1);
  }
  // Kommo adds domains only to a button that has some (not to an in-app one).
  if (b.trusted_websites.length === 0) fail(400, 'The button has no trusted websites to add to');
  check(issues);
  b.trusted_websites = [...new Set([...b.trusted_websites, ...add])];
  return { status: 200, body: render(ctx, b, new Set()) };
}

/** The website-button routes. */
export const websiteButtons = family('website-buttons', {
  [`GET ${BASE}`]: (ctx) => {
    const w = withSet(ctx);
    return paginate(
      ctx,
      'website_buttons',
      [...buttonsOf(ctx.store).values()],
      (b) => render(ctx, b, w),
      true,
    );
  },
  [`GET ${BASE}/:id`]: (ctx) => ({ status: 200, body: render(ctx, buttonOf(ctx), withSet(ctx)) }),
  [`POST ${BASE}`]: create,
  [`PATCH ${BASE}/:id`]: addDomains,
  [`POST ${BASE}/:id/online_chat`]: (ctx) => {
    buttonOf(ctx).online_chat = true;
    return { status: 202 };
  },
});
