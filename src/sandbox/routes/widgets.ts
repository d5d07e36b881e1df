/**
 * Widgets: the list and one widget by code, install (`POST /api/v4/widgets/{code}` with the
 * settings keyed by its `settings_template`) and uninstall (`DELETE`). The sandbox's catalogue
 * is two public widgets; installed settings are shown to every caller (Kommo shows them only to
 * the widget's own integration).
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { perStore } from '../models/per-store.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { paginate, self } from '../render.js';
import { family } from '../router.js';
import { Issues, isObject } from '../validate.js';
import { check, objectBody } from './shared.js';

interface SettingTemplate {
  key: string;
  name: string;
  type: 'text' | 'pass' | 'custom' | 'users' | 'users_lp';
  is_required: boolean;
}

interface SandboxWidget {
  id: number;
  code: string;
  version: string;
  rating: string;
  settings_template: SettingTemplate[];
  is_lead_source: boolean;
  is_work_with_dp: boolean;
  is_crm_template: boolean;
  client_uuid: string | null;
  is_active_in_account: boolean;
  pipeline_id: number | null;
  settings?: Record<string, unknown>;
}

const setting = (
  key: string,
  type: SettingTemplate['type'],
  is_required: boolean,
): SettingTemplate => ({ key, name: key.replace('_', ' '), type, is_required });

/** The catalogue, fresh per store. */
const widgetsOf = perStore(
  (): Map<string, SandboxWidget> =>
    new Map(
      [
        {
          id: 24_601,
          code: 'amo_asterisk',
          version: '1.4.2',
          rating: '4,3',
          settings_template: [
            setting('login', 'text', true),
            setting('password', 'pass', true),
            setting('phones', 'users', false),
            setting('script_path', 'text', false),
          ],
          is_lead_source: false,
          is_work_with_dp: false,
          is_crm_template: false,
          client_uuid: null,
          is_active_in_account: false,
          pipeline_id: null,
        },
        {
          id: 24_602,
          code: 'sandbox_forms',
          version: '0.9.0',
          rating: '3,8',
          settings_template: [
            setting('api_key', 'pass', true),
            setting('agents', 'users_lp', false),
          ],
          is_lead_source: true,
          is_work_with_dp: true,
          is_crm_template: false,
          client_uuid: '0f1e3c9a-9a4b-4b8e-a8b4-2a6f1d2c7e51',
          is_active_in_account: false,
          pipeline_id: null,
        },
      ].map((w) => [w.code, w as SandboxWidget]),
    ),
);

function render(ctx: Ctx, w: SandboxWidget): Record<string, unknown> {
  return { ...w, _links: self(ctx, `/api/v4/widgets/${w.code}`) };
}

function widgetOf(ctx: Ctx): SandboxWidget {
  const w = widgetsOf(ctx.store).get(ctx.params['code'] ?? '');
  if (!w) fail(404, 'Widget not found');
  return w;
}

/** Whether a value fits a setting's type (`custom` is undocumented: anything goes). */
function fits(type: SettingTemplate['type'], value: unknown): boolean {
  if (type === 'text' || type === 'pass') return typeof value === 'string';
  if (type === 'users')
    return isObject(value) && Object.values(value).every((v) => typeof v === 'string');
  if (type === 'users_lp')
    return (
      isObject(value) &&
      Object.values(value).every(
        (v) => isObject(v) && typeof v['login'] === 'string' && typeof v['password'] === 'string',
      )
    );
  return true;
}

function install(ctx: Ctx): Reply {
  const w = widgetOf(ctx);
  const body = objectBody(ctx);
  const issues = new Issues();
  const templates = new Map(w.settings_template.map((t) => [t.key, t]));
  for (const [key, value] of Object.entries(body)) {
    const template = templates.get(key);
    if (!template) issues.add(ISSUE.unexpected(key));
    else if (!fits(template.type, value)) issues.add(ISSUE.type(key, template.type));
  }
  for (const t of w.settings_template)
    if (t.is_required && body[t.key] === undefined) issues.add(ISSUE.missing(t.key));
  check(issues);
  w.settings = { ...body };
  w.is_active_in_account = true;
  return { status: 200, body: render(ctx, w) };
}

function uninstall(ctx: Ctx): Reply {
  const w = widgetOf(ctx);
  if (!w.is_active_in_account) fail(404, 'Widget is not installed');
  w.is_active_in_account = false;
  delete w.settings;
  return { status: 204 };
}

/** The widget routes. */
export const widgets = family('widgets', {
  'GET /api/v4/widgets': (ctx) =>
    paginate(ctx, 'widgets', [...widgetsOf(ctx.store).values()], (w) => render(ctx, w), true),
  'GET /api/v4/widgets/*code': (ctx) => ({ status: 200, body: render(ctx, widgetOf(ctx)) }),
  'POST /api/v4/widgets/*code': install,
  'DELETE /api/v4/widgets/*code': uninstall,
});
