/**
 * The read tools: they send GET requests only and change nothing.
 *
 * @module
 */

import type { EventListParams, LeadListParams, Page, TaskListParams } from 'kommo-sdk';
import { z } from 'zod';
import { id, pageArgs, PipelineRefArg, StageRefArg, TimeArg, UserRefArg } from '../args.js';
import {
  compactContact,
  compactCustomField,
  compactEvent,
  compactLead,
  compactPipeline,
  compactTask,
  compactUser,
  type Names,
} from '../compact.js';
import { nextCursor, pageOf, pageRequest, type PageRequest, type PageResult } from '../paging.js';
import { resolvePipeline, resolveUser, stagePairs, toUnix } from '../resolve.js';
import { defineTool, type ToolContext } from './tool.js';

/** An entity (or a page) as it loads, compacted with the names it needs, both loaded at once. */
async function withNames<T, C>(
  ctx: ToolContext,
  loading: PromiseLike<T>,
  compact: (item: T, names: Names) => C,
): Promise<C> {
  const [item, names] = await Promise.all([loading, ctx.names()]);
  return compact(item, names);
}

/**
 * The page of a list the cursor names: `load` gets the page number, the size and the call's
 * signal; the items come back compacted, with the cursor of the next page.
 */
function compactPage<T, C>(
  ctx: ToolContext,
  request: PageRequest,
  load: (
    paging: { page: number; limit: number },
    options: { signal: AbortSignal },
  ) => PromiseLike<Page<T>>,
  compact: (item: T, names: Names) => C,
): Promise<PageResult<C>> {
  return withNames(
    ctx,
    load({ page: request.page, limit: request.limit }, { signal: ctx.signal }),
    (page, names) => ({
      items: page.items.map((item) => compact(item, names)),
      next_cursor: nextCursor(request, page.hasNextPage()),
    }),
  );
}

/** The lead filters `search_leads` and the bulk tools share. */
export const LeadFilterShape = {
  query: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('Full-text search over the lead and its filled fields (name, phone, e-mail…).'),
  ids: z.array(id('Lead id')).min(1).max(250).optional().describe('Only these leads.'),
  pipeline: PipelineRefArg.optional(),
  stage: StageRefArg.optional().describe(
    'Only leads in this stage (id or name; with `pipeline`, the stage of that pipeline, else that stage in any pipeline). "won"/"lost" for closed leads.',
  ),
  responsible_user: UserRefArg.optional().describe('Only leads of this user (id, name or e-mail).'),
  created_after: TimeArg.optional().describe('Only leads created at or after this time.'),
  created_before: TimeArg.optional().describe('Only leads created at or before this time.'),
  updated_after: TimeArg.optional().describe('Only leads updated at or after this time.'),
  updated_before: TimeArg.optional().describe('Only leads updated at or before this time.'),
};

/** The parsed lead filters. */
export type LeadFilterArgs = z.output<z.ZodObject<typeof LeadFilterShape>>;

function range(
  from: number | string | undefined,
  to: number | string | undefined,
  field: string,
): { from?: number; to?: number } | undefined {
  if (from === undefined && to === undefined) return undefined;
  return {
    ...(from !== undefined ? { from: toUnix(from, `${field}_after`) } : {}),
    ...(to !== undefined ? { to: toUnix(to, `${field}_before`) } : {}),
  };
}

/** `leads.list` params from the lead filters. */
export async function leadListParams(
  args: LeadFilterArgs,
  ctx: ToolContext,
): Promise<LeadListParams> {
  const filter: NonNullable<LeadListParams['filter']> = {};
  if (args.ids) filter.id = args.ids;
  if (args.stage !== undefined) {
    filter.statuses = await stagePairs(ctx.cache, args.stage, args.pipeline);
  } else if (args.pipeline !== undefined) {
    filter.pipeline_id = (await resolvePipeline(ctx.cache, args.pipeline)).id;
  }
  if (args.responsible_user !== undefined)
    filter.responsible_user_id = await resolveUser(
      ctx.cache,
      args.responsible_user,
      'responsible_user',
    );
  const created = range(args.created_after, args.created_before, 'created');
  if (created) filter.created_at = created;
  const updated = range(args.updated_after, args.updated_before, 'updated');
  if (updated) filter.updated_at = updated;
  return {
    ...(args.query !== undefined ? { query: args.query } : {}),
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
  };
}

const searchLeads = defineTool({
  name: 'search_leads',
  title: 'Search leads',
  description:
    'Finds leads by text, stage, pipeline, responsible user, ids or dates, newest first. Returns compact leads (stage and user names, custom fields by name) and a next_cursor for the next page. Reads only.',
  kind: 'read',
  aliases: {
    status_id: 'stage',
    pipeline_id: 'pipeline',
    responsible_user_id: 'responsible_user',
    lead_ids: 'ids',
  },
  input: { ...LeadFilterShape, ...pageArgs() },
  async run(args, ctx) {
    const request = pageRequest(args);
    const params = await leadListParams(args, ctx);
    return compactPage(
      ctx,
      request,
      (paging, options) =>
        ctx.kommo.leads.list(
          {
            ...params,
            with: ['contacts'],
            order: { id: 'desc' },
            ...paging,
          },
          options,
        ),
      compactLead,
    );
  },
});

const getLead = defineTool({
  name: 'get_lead',
  title: 'Get a lead',
  description:
    'Reads one lead: name, price, pipeline and stage, responsible user, loss reason, tags, linked contacts and companies, custom fields by name. Reads only.',
  kind: 'read',
  input: { lead_id: id('The lead id') },
  aliases: { id: 'lead_id' },
  async run(args, ctx) {
    return withNames(
      ctx,
      ctx.kommo.leads.get(
        args.lead_id,
        { with: ['contacts', 'loss_reason'] },
        { signal: ctx.signal },
      ),
      (lead, names) => ({ lead: compactLead(lead, names) }),
    );
  },
});

const searchContacts = defineTool({
  name: 'search_contacts',
  title: 'Search contacts',
  description:
    'Finds contacts by name, phone or e-mail (full-text `query`), ids or responsible user. Returns compact contacts (phones, e-mails, linked lead ids, custom fields by name) and a next_cursor. Reads only.',
  kind: 'read',
  aliases: {
    phone: 'query',
    email: 'query',
    name: 'query',
    contact_ids: 'ids',
    responsible_user_id: 'responsible_user',
  },
  input: {
    query: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('Name, phone (digits as typed) or e-mail, or any filled field.'),
    ids: z.array(id('Contact id')).min(1).max(250).optional().describe('Only these contacts.'),
    responsible_user: UserRefArg.optional().describe('Only contacts of this user.'),
    ...pageArgs(),
  },
  async run(args, ctx) {
    const request = pageRequest(args);
    const filter = {
      ...(args.ids ? { id: args.ids } : {}),
      ...(args.responsible_user !== undefined
        ? {
            responsible_user_id: await resolveUser(
              ctx.cache,
              args.responsible_user,
              'responsible_user',
            ),
          }
        : {}),
    };
    return compactPage(
      ctx,
      request,
      (paging, options) =>
        ctx.kommo.contacts.list(
          {
            ...(args.query !== undefined ? { query: args.query } : {}),
            ...(Object.keys(filter).length > 0 ? { filter } : {}),
            with: ['leads'],
            order: { id: 'desc' },
            ...paging,
          },
          options,
        ),
      compactContact,
    );
  },
});

const getContact = defineTool({
  name: 'get_contact',
  title: 'Get a contact',
  description:
    'Reads one contact: name, phones, e-mails, responsible user, linked lead and company ids, custom fields by name. Reads only.',
  kind: 'read',
  input: { contact_id: id('The contact id') },
  aliases: { id: 'contact_id' },
  async run(args, ctx) {
    return withNames(
      ctx,
      ctx.kommo.contacts.get(args.contact_id, { with: ['leads'] }, { signal: ctx.signal }),
      (contact, names) => ({ contact: compactContact(contact, names) }),
    );
  },
});

const listPipelines = defineTool({
  name: 'list_pipelines',
  title: 'List pipelines and stages',
  description:
    'Lists the sales pipelines with their stages in board order (id, name, kind: incoming/open/won/lost). Use the names with search_leads, create_lead and move_lead. Reads only (cached for 5 minutes).',
  kind: 'read',
  input: pageArgs(),
  async run(args, ctx) {
    const pipelines = await ctx.cache.pipelines();
    return pageOf(pipelines.map(compactPipeline), pageRequest(args));
  },
});

const listUsers = defineTool({
  name: 'list_users',
  title: 'List users',
  description:
    'Lists the account users (managers): id, name, e-mail, admin, active. Needs a token of an admin. Reads only (cached for 5 minutes).',
  kind: 'read',
  input: pageArgs(),
  async run(args, ctx) {
    const users = await ctx.cache.users();
    return pageOf(users.map(compactUser), pageRequest(args));
  },
});

const listCustomFields = defineTool({
  name: 'list_custom_fields',
  title: 'List custom fields',
  description:
    'Lists the custom fields of leads, contacts or companies: id, name, code, type and the options of select fields. Use the names in custom_fields of create_lead / update_lead. Reads only (cached for 5 minutes).',
  kind: 'read',
  input: {
    entity: z
      .enum(['leads', 'contacts', 'companies'])
      .optional()
      .describe('Whose fields (default leads).'),
    ...pageArgs(),
  },
  async run(args, ctx) {
    const fields = await ctx.cache.customFields(args.entity ?? 'leads');
    return pageOf(fields.map(compactCustomField), pageRequest(args));
  },
});

const listTasks = defineTool({
  name: 'list_tasks',
  title: 'List tasks',
  description:
    'Lists tasks, soonest due first: of one lead/contact/company, of a user, open or completed. Returns compact tasks (text, type, due, completed, result, entity) and a next_cursor. Reads only.',
  kind: 'read',
  input: {
    entity_type: z
      .enum(['leads', 'contacts', 'companies'])
      .optional()
      .describe('Only tasks of this entity type (needed with entity_id).'),
    entity_id: id('Only tasks of this entity').optional(),
    is_completed: z.boolean().optional().describe('true: completed only; false: open only.'),
    responsible_user: UserRefArg.optional().describe('Only tasks of this user.'),
    ...pageArgs(),
  },
  async run(args, ctx) {
    const request = pageRequest(args);
    const filter: NonNullable<TaskListParams['filter']> = {};
    if (args.entity_type !== undefined) filter.entity_type = args.entity_type;
    if (args.entity_id !== undefined) filter.entity_id = args.entity_id;
    if (args.is_completed !== undefined) filter.is_completed = args.is_completed;
    if (args.responsible_user !== undefined)
      filter.responsible_user_id = await resolveUser(
        ctx.cache,
        args.responsible_user,
        'responsible_user',
      );
    return compactPage(
      ctx,
      request,
      (paging, options) =>
        ctx.kommo.tasks.list(
          {
            ...(Object.keys(filter).length > 0 ? { filter } : {}),
            order: { complete_till: 'asc' },
            ...paging,
          },
          options,
        ),
      compactTask,
    );
  },
});

const EVENT_ENTITIES = {
  leads: 'lead',
  contacts: 'contact',
  companies: 'company',
  tasks: 'task',
} as const;

const getEvents = defineTool({
  name: 'get_events',
  title: 'Get events',
  description:
    "Reads the account's audit log (stage changes, new notes, field changes, calls…), newest first: of one entity, of some event types, since a time. Returns compact events (type, entity, who, when, before/after) and a next_cursor. Reads only.",
  kind: 'read',
  input: {
    entity_type: z
      .enum(['leads', 'contacts', 'companies', 'tasks'])
      .optional()
      .describe('Only events of this entity type (needed with entity_id).'),
    entity_id: id('Only events of this entity').optional(),
    types: z
      .array(z.string().regex(/^[a-z0-9_]+$/, 'an event type key such as lead_status_changed'))
      .min(1)
      .max(20)
      .optional()
      .describe('Only these event types, e.g. ["lead_status_changed", "common_note_added"].'),
    since: TimeArg.optional().describe('Only events at or after this time.'),
    ...pageArgs(),
  },
  async run(args, ctx) {
    const request = pageRequest(args);
    const filter: NonNullable<EventListParams['filter']> = {};
    if (args.entity_type !== undefined) filter.entity = [EVENT_ENTITIES[args.entity_type]];
    if (args.entity_id !== undefined) filter.entity_id = [args.entity_id];
    if (args.types !== undefined) filter.type = args.types;
    if (args.since !== undefined) filter.created_at = { from: toUnix(args.since, 'since') };
    return compactPage(
      ctx,
      request,
      (paging, options) =>
        ctx.kommo.events.list(
          {
            ...(Object.keys(filter).length > 0 ? { filter } : {}),
            ...paging,
          },
          options,
        ),
      compactEvent,
    );
  },
});

/** Every read tool, in the order `tools/list` shows them. */
export const READ_TOOLS = [
  searchLeads,
  getLead,
  searchContacts,
  getContact,
  listPipelines,
  listUsers,
  listCustomFields,
  listTasks,
  getEvents,
];
