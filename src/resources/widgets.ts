/**
 * `kommo.widgets`: widgets by code, and their install and uninstall (`/api/v4/widgets`).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/widgets-api
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { parseInput } from '../core/schema.js';
import type * as s from '../schemas/widget.js';
import { APIResource, route, sendFor } from './resource.js';

const widgets = route({
  path: '/api/v4/widgets',
  key: 'widgets',
  names: ['widget', 'widgets'],
  schemas: () => import('../schemas/widget.js').then((m) => m.widgetRouteSchemas()),
});

/** `/api/v4/widgets/{code}`, the code checked (it becomes part of the route). */
async function widgetPath(code: string): Promise<string> {
  const { id } = await widgets.schemas();
  return `/api/v4/widgets/${parseInput(id, code, 'widget code')}`;
}

/**
 * Widgets: the public ones, the ones installed in the account and the ones the user uploaded.
 * Installing and uninstalling need admin rights. A widget's `settings` are visible only to the
 * widget's own integration.
 *
 * @example
 * ```ts
 * const widget = await kommo.widgets.get('amo_asterisk');
 * await kommo.widgets.install('amo_asterisk', {
 *   login: 'example',
 *   password: process.env.PBX_PASSWORD!,
 *   phones: { '504141': '1039' }, // a `users` setting: user id → extension
 *   script_path: 'https://pbx.example.com/',
 * });
 * ```
 * @see https://www.amocrm.ru/developers/content/crm_platform/widgets-api
 */
export class Widgets extends APIResource {
  readonly #api = widgets.on(this._client);

  /** Lists widgets. */
  list(params?: s.WidgetListParams, options?: ListOptions): PagePromise<s.Widget> {
    return this.#api.list(params, options);
  }

  /**
   * Reads one widget by code.
   *
   * @throws {@link NotFoundError} for an unknown or unavailable widget (404).
   */
  get(code: string, options?: RequestOptions): Promise<s.Widget> {
    return this.#api.get(code, undefined, options);
  }

  /**
   * Installs a widget with its settings, keyed by its `settings_template[].key`, and returns
   * the installed widget with its settings. Passwords you pass are sent to Kommo only.
   *
   * @throws {@link NotFoundError} for an unknown widget.
   * @throws {@link BadRequestError} when a required setting is missing or malformed.
   */
  async install(
    code: string,
    settings: s.WidgetInstallParams,
    options?: RequestOptions,
  ): Promise<s.Widget> {
    const schemas = await widgets.schemas();
    const body = parseInput(schemas.install, settings, 'widget settings');
    return sendFor(
      this._client,
      { method: 'POST', path: await widgetPath(code), body },
      { schema: schemas.item, what: 'widget' },
      options,
    );
  }

  /**
   * Uninstalls a widget. For an OAuth integration's widget, Kommo also disconnects the
   * integration (its disconnect hook fires).
   *
   * @throws {@link NotFoundError} for an unknown widget.
   */
  async uninstall(code: string, options?: RequestOptions): Promise<void> {
    await this._client._send({ method: 'DELETE', path: await widgetPath(code) }, options);
  }
}
