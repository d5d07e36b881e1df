/**
 * The account: `GET /api/v4/account` with `with=amojo_id,uuid,version,task_types,users_groups,
 * datetime_settings,…`.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import type { Reply } from '../problems.js';
import { self, withSet } from '../render.js';
import { family } from '../router.js';
import { driveBase } from './drive.js';

function accountInfo(ctx: Ctx): Reply {
  const a = ctx.store.account;
  const w = withSet(ctx);
  const body: Record<string, unknown> = {
    id: a.id,
    name: a.name,
    subdomain: a.subdomain,
    created_at: a.created_at,
    created_by: a.created_by,
    updated_at: a.updated_at,
    updated_by: a.updated_by,
    current_user_id: ctx.userId,
    country: a.country,
    currency: a.currency,
    currency_symbol: a.currency_symbol,
    customers_mode: a.customers_mode,
    is_unsorted_on: a.is_unsorted_on,
    is_loss_reason_enabled: a.is_loss_reason_enabled,
    is_helpbot_enabled: a.is_helpbot_enabled,
    is_technical_account: a.is_technical_account,
    contact_name_display_order: a.contact_name_display_order,
    mobile_feature_version: 0,
  };
  if (w.has('amojo_id')) body['amojo_id'] = a.amojo_id;
  if (w.has('uuid')) body['uuid'] = a.uuid;
  if (w.has('version')) body['version'] = a.version;
  // Drive runs on this server, under /drive: the origin the SDK already sends its token to.
  if (w.has('drive_url')) body['drive_url'] = driveBase(ctx);
  if (w.has('is_api_filter_enabled')) body['is_api_filter_enabled'] = true;
  if (w.has('invoices_settings'))
    body['invoices_settings'] = { lang: 'en', invoices_catalog_id: null };
  if (w.has('entity_names')) {
    body['entity_names'] = {
      leads: {
        en: { singular_form: { default: 'lead' }, plural_form: { default: 'leads' }, gender: 'f' },
      },
    };
  }
  body['_links'] = self(ctx, '/api/v4/account');
  const embedded: Record<string, unknown> = {};
  if (w.has('amojo_rights'))
    embedded['amojo_rights'] = { can_direct: true, can_create_groups: true };
  if (w.has('users_groups'))
    embedded['users_groups'] = ctx.store.usersGroups.map((g) => ({ ...g }));
  if (w.has('task_types')) embedded['task_types'] = a.task_types.map((t) => ({ ...t }));
  if (w.has('datetime_settings')) {
    embedded['datetime_settings'] = {
      date_pattern: 'm/d/Y H:i',
      short_date_pattern: 'm/d/Y',
      short_time_pattern: 'H:i',
      date_format: 'm/d/Y',
      time_format: 'H:i:s',
      timezone: a.timezone,
      timezone_offset: '-05:00',
    };
  }
  if (Object.keys(embedded).length > 0) body['_embedded'] = embedded;
  return { status: 200, body };
}

/** The account route. */
export const account = family('account', { 'GET /api/v4/account': accountInfo });
