/**
 * `kommo.companies`: list, search, read, create, update, link and note companies.
 *
 * @see https://developers.kommo.com/reference/companies-list
 * @module
 */

import type { CompanyResourceTypes } from '../schemas/company.js';
import { SearchableEntityResource } from './bases.js';
import { route } from './resource.js';

const companies = route({
  path: '/api/v4/companies',
  key: 'companies',
  names: ['company', 'companies'],
  nonEmptyUpdate: true,
  schemas: () => import('../schemas/company.js').then((m) => m.companyRouteSchemas()),
});

/**
 * Companies (organisations): the {@link SearchableEntityResource} verbs. Phones and e-mails
 * are `multitext` custom fields (`PHONE`, `EMAIL`), the site is `WEB` and the address
 * `ADDRESS`. A lead or a contact has at most one company: linking another one replaces it.
 * Notes of companies live in `kommo.notes.list('companies', …)`; their tags in `kommo.tags`
 * (type `companies`).
 *
 * @example
 * ```ts
 * const [existing] = await kommo.companies.search('Acme LLC').toArray({ max: 1 });
 * const company = existing ?? (await kommo.companies.create({
 *   name: 'Acme LLC',
 *   custom_fields_values: [cf.phones(['+1 555 0100'], 'WORK')],
 *   tags_to_add: [{ name: 'partner' }],
 * }));
 * await kommo.companies.link(company.id, [{ to_entity_id: leadId, to_entity_type: 'leads' }]);
 * ```
 * @see https://developers.kommo.com/reference/companies-list
 */
export class Companies extends SearchableEntityResource<CompanyResourceTypes> {
  /** @internal */
  protected readonly _verbs = companies.on(this._client);
}
