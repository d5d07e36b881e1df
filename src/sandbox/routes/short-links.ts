/**
 * Short links (`POST /api/v4/short_links`): at most 250 `{url, metadata: {entity_type:
 * "contacts", entity_id}}` per request. A contact that does not exist gets no link (Kommo skips
 * the entities the user has no rights to), so the answer may be shorter than the request.
 *
 * @module
 */

import { MAX_SHORT_LINKS } from '../../facts.js';
import type { Ctx } from '../context.js';
import { ISSUE, type Reply } from '../problems.js';
import { family } from '../router.js';
import { checkKeys, isInt, isObject } from '../validate.js';
import { batchBody, itemOf, listReply, runPlans, type Plan } from './shared.js';

function planLink(ctx: Ctx, raw: unknown, index: number): Plan<Record<string, unknown> | null> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  checkKeys(item, new Set(['url', 'metadata']), '', issues);
  const url = item['url'];
  if (typeof url !== 'string' || !URL.canParse(url)) issues.add(ISSUE.type('url', 'url'));
  const metadata = isObject(item['metadata']) ? item['metadata'] : undefined;
  if (!metadata) issues.add(ISSUE.missing('metadata'));
  else {
    if (metadata['entity_type'] !== 'contacts') issues.add(ISSUE.choice('metadata.entity_type'));
    if (!isInt(metadata['entity_id'])) issues.add(ISSUE.type('metadata.entity_id', 'int'));
  }
  return {
    requestId,
    issues,
    apply: () => {
      const contactId = metadata?.['entity_id'] as number;
      if (!ctx.store.contacts.has(contactId)) return null;
      const code = ctx.store.nextId('shortLink', 1).toString(36);
      return {
        url: `https://amo.sh/${code}`,
        account_id: ctx.store.account.id,
        metadata: { entity_type: 'contacts', entity_id: contactId },
      };
    },
  };
}

function create(ctx: Ctx): Reply {
  const plans = batchBody(ctx, MAX_SHORT_LINKS).map((raw, i) => planLink(ctx, raw, i));
  const links = runPlans(plans).filter((l) => l !== null);
  return listReply(ctx, 'short_links', links, { total: false });
}

/** The short-link route. */
export const shortLinks = family('short-links', { 'POST /api/v4/short_links': create });
