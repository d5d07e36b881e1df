/**
 * The route families of Kommo's API v4, one per SDK resource (`src/resources/<name>.ts`). A new
 * family is a route file exporting a {@link RouteFamily} and one line here.
 *
 * @module
 */

import type { RouteFamily } from '../router.js';
import { account } from './account.js';
import { catalogs } from './catalogs.js';
import { companies } from './companies.js';
import { contacts } from './contacts.js';
import { customFields } from './custom-fields.js';
import { customers } from './customers.js';
import { events } from './events.js';
import { files } from './files.js';
import { leads } from './leads.js';
import { links } from './links.js';
import { lossReasons } from './loss-reasons.js';
import { notes } from './notes.js';
import { pipelines } from './pipelines.js';
import { sources } from './sources.js';
import { tags } from './tags.js';
import { tasks } from './tasks.js';
import { unsorted } from './unsorted.js';
import { users } from './users.js';
import { webhooks } from './webhooks.js';
import { calls } from './calls.js';
import { chatTemplates } from './chat-templates.js';
import { currencies } from './currencies.js';
import { entitySubscriptions } from './entity-subscriptions.js';
import { shortLinks } from './short-links.js';
import { talks } from './talks.js';
import { websiteButtons } from './website-buttons.js';
import { widgets } from './widgets.js';

/** Every family `/api/v4` serves. */
export const API_V4_FAMILIES: readonly RouteFamily[] = [
  account,
  catalogs,
  companies,
  contacts,
  customFields,
  customers,
  events,
  files,
  leads,
  links,
  lossReasons,
  notes,
  pipelines,
  sources,
  tags,
  tasks,
  unsorted,
  users,
  webhooks,
  calls,
  chatTemplates,
  currencies,
  entitySubscriptions,
  shortLinks,
  talks,
  websiteButtons,
  widgets,
];
