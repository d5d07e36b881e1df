/**
 * Companies: the shared entity routes.
 *
 * @module
 */

import { renderCompany } from '../render.js';
import { family } from '../router.js';
import { entityRoutes } from './crud.js';

/** The company routes. */
export const companies = family(
  'companies',
  entityRoutes({
    type: 'companies',
    title: 'Company',
    render: renderCompany,
    orderBy: ['updated_at', 'id'],
    all: (ctx) => ctx.store.companies.values(),
  }),
);
