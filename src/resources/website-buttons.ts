/**
 * `kommo.websiteButtons`: the CRM Plugin's chat buttons of sources (`/api/v4/website_buttons`).
 *
 * @see https://www.amocrm.ru/developers/content/crm_platform/sources-api
 * @module
 */

import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { parseInput } from '../core/schema.js';
import type * as s from '../schemas/website-button.js';
import { APIResource, route, sendFor } from './resource.js';

const BASE = '/api/v4/website_buttons';

const buttons = route({
  path: BASE,
  key: 'website_buttons',
  names: ['website button', 'website buttons'],
  schemas: () => import('../schemas/website-button.js').then((m) => m.websiteButtonRouteSchemas()),
});

/**
 * Website buttons (the CRM Plugin): a chat button for a web site, tied to a source of the
 * integration. Admin only. Kommo makes the source at once and the button asynchronously, so
 * `create` answers the `source_id`; poll `get(sourceId)` until `creation_status` is `created`
 * (with `with: ['scripts']` for the embed snippet). There is no delete.
 *
 * @example
 * ```ts
 * const { source_id } = await kommo.websiteButtons.create({ pipeline_id: 3177727, trusted_websites: ['shop.example.com'] });
 * const button = await kommo.websiteButtons.get(source_id, { with: ['scripts'] });
 * if (button.creation_status === 'created') console.log(button.script);
 * ```
 */
export class WebsiteButtons extends APIResource {
  readonly #api = buttons.on(this._client);

  /** Lists the buttons. */
  list(params?: s.WebsiteButtonListParams, options?: ListOptions): PagePromise<s.WebsiteButton> {
    return this.#api.list(params, options);
  }

  /**
   * Reads the button of a source.
   *
   * @throws {@link NotFoundError} for an unknown source.
   */
  get(
    sourceId: number,
    params?: s.WebsiteButtonGetParams,
    options?: RequestOptions,
  ): Promise<s.WebsiteButton> {
    return this.#api.get(sourceId, params, options);
  }

  /**
   * Starts a button: Kommo makes its source now (returned) and the button asynchronously.
   * Give the domains it may load on, or `is_used_in_app: true` for an app without domains.
   *
   * @throws {@link RequestValidationError} before sending, e.g. no domains and no `is_used_in_app`.
   */
  async create(
    params: s.WebsiteButtonCreateParams,
    options?: RequestOptions,
  ): Promise<s.WebsiteButtonCreated> {
    const schemas = await buttons.schemas();
    const body = parseInput(schemas.create, params, 'website button');
    return sendFor(
      this._client,
      { method: 'POST', path: BASE, body },
      { schema: schemas.created, what: 'website button' },
      options,
    );
  }

  /**
   * Adds trusted domains to a button (Kommo applies it asynchronously, and only to a button
   * that has domains already); returns the button.
   */
  async update(
    sourceId: number,
    params: s.WebsiteButtonUpdateParams,
    options?: RequestOptions,
  ): Promise<s.WebsiteButton> {
    const schemas = await buttons.schemas();
    const body = parseInput(schemas.update, params, 'website button update');
    return sendFor(
      this._client,
      { method: 'PATCH', path: path`/api/v4/website_buttons/${sourceId}`, body },
      { schema: schemas.item, what: 'website button' },
      options,
    );
  }

  /**
   * Attaches an online chat to the button's source (asynchronously; one per pipeline, an
   * existing one is reused).
   *
   * @throws {@link NotFoundError} for an unknown source.
   */
  async addOnlineChat(sourceId: number, options?: RequestOptions): Promise<void> {
    await this._client._send(
      { method: 'POST', path: path`/api/v4/website_buttons/${sourceId}/online_chat` },
      options,
    );
  }
}
