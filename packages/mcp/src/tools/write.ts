/**
 * The write tools: each changes one entity (or creates one), through the SDK's methods and
 * helpers, and says in its description exactly what it changes.
 *
 * @module
 */

import {
  LOST_STATUS_ID,
  WON_STATUS_ID,
  findOrCreateContact,
  moveLeadTo,
  qualifyLead,
  type LeadCreateParams,
  type LeadUpdateParams,
  type TaskCreateParams,
} from 'kommo-sdk';
import { z } from 'zod';
import {
  CustomFieldsArg,
  EntityTypeArg,
  id,
  PipelineRefArg,
  StageRefArg,
  TimeArg,
  UserRefArg,
} from '../args.js';
import { ToolError } from '../errors.js';
import {
  closingStage,
  customFieldValues,
  resolveLossReason,
  resolvePipeline,
  resolveUser,
  stageIn,
  toUnix,
} from '../resolve.js';
import { defineTool } from './tool.js';

const TagsArg = z
  .array(z.string().trim().min(1).max(100))
  .min(1)
  .max(50)
  .describe('Tag names (created when missing).');

const createLead = defineTool({
  name: 'create_lead',
  title: 'Create a lead',
  description:
    'Creates one lead (POST /api/v4/leads), in the given pipeline and stage or the first stage of the main pipeline. With `contact`, first finds the contact by phone or e-mail (normalised) and creates it only when none matches, then links it to the lead as the main contact. Creates at most one lead and one contact; changes nothing else.',
  kind: 'write',
  destructive: false,
  idempotent: false,
  aliases: {
    pipeline_id: 'pipeline',
    status_id: 'stage',
    responsible_user_id: 'responsible_user',
    phone: 'contact.phone',
    email: 'contact.email',
    contact_phone: 'contact.phone',
    contact_email: 'contact.email',
    contact_name: 'contact.name',
  },
  input: {
    name: z.string().trim().min(1).max(255).optional().describe('The lead name.'),
    price: z.number().nonnegative().optional().describe('The deal value.'),
    pipeline: PipelineRefArg.optional(),
    stage: StageRefArg.optional().describe(
      'The stage to create it in (id or name in `pipeline`). Default: the first stage.',
    ),
    responsible_user: UserRefArg.optional().describe(
      'Who owns the lead (default: the token user).',
    ),
    tags: TagsArg.optional(),
    custom_fields: CustomFieldsArg.optional(),
    contact: z
      .strictObject({
        name: z
          .string()
          .trim()
          .min(1)
          .max(255)
          .optional()
          .describe('Used only when the contact is created.'),
        phone: z
          .string()
          .trim()
          .min(1)
          .max(50)
          .optional()
          .describe('A phone in any common format.'),
        email: z.string().trim().min(3).max(254).optional().describe('An e-mail address.'),
      })
      .refine((c) => c.phone !== undefined || c.email !== undefined, {
        message: 'Give phone or email',
        path: ['phone'],
      })
      .optional()
      .describe('The lead’s contact: found by phone or e-mail, created when missing.'),
    contact_id: id('Link this existing contact instead of `contact`').optional(),
  },
  async run(args, ctx) {
    if (args.contact !== undefined && args.contact_id !== undefined) {
      throw new ToolError('invalid_arguments', 'Give contact or contact_id, not both', {
        issues: [{ field: 'contact_id', message: 'Give contact or contact_id, not both' }],
      });
    }
    const params: LeadCreateParams = {};
    if (args.name !== undefined) params.name = args.name;
    if (args.price !== undefined) params.price = args.price;
    if (args.pipeline !== undefined || args.stage !== undefined) {
      const pipeline = await resolvePipeline(ctx.cache, args.pipeline);
      params.pipeline_id = pipeline.id;
      if (args.stage !== undefined) params.status_id = stageIn(pipeline, args.stage).id;
    }
    if (args.responsible_user !== undefined)
      params.responsible_user_id = await resolveUser(
        ctx.cache,
        args.responsible_user,
        'responsible_user',
      );
    if (args.tags) params.tags_to_add = args.tags.map((name) => ({ name }));
    if (args.custom_fields)
      params.custom_fields_values = await customFieldValues(ctx.cache, 'leads', args.custom_fields);

    let contact: Record<string, unknown> | undefined;
    if (args.contact !== undefined) {
      const c = args.contact;
      const found = await findOrCreateContact(
        ctx.kommo,
        {
          name: c.name ?? c.email ?? c.phone ?? 'Contact',
          ...(c.phone !== undefined ? { phone: c.phone } : {}),
          ...(c.email !== undefined ? { email: c.email } : {}),
          ...(params.responsible_user_id !== undefined
            ? { responsible_user_id: params.responsible_user_id }
            : {}),
        },
        { signal: ctx.signal },
      );
      contact = { id: found.id, created: found.created, matched_by: found.matchedBy };
      params._embedded = { contacts: [{ id: found.id, is_main: true }] };
    } else if (args.contact_id !== undefined) {
      contact = { id: args.contact_id, created: false, matched_by: 'id' };
      params._embedded = { contacts: [{ id: args.contact_id, is_main: true }] };
    }
    const ref = await ctx.kommo.leads.create(params, { signal: ctx.signal });
    return { lead_id: ref.id, ...(contact ? { contact } : {}) };
  },
});

/** The lead fields `update_lead` and `update_leads` change. */
export const LeadChangesShape = {
  name: z.string().trim().min(1).max(255).optional().describe('The new name.'),
  price: z.number().nonnegative().optional().describe('The new deal value.'),
  responsible_user: UserRefArg.optional().describe('The new owner.'),
  add_tags: TagsArg.optional().describe('Tags to add (others stay).'),
  remove_tags: TagsArg.optional().describe('Tags to remove (others stay).'),
  custom_fields: CustomFieldsArg.optional(),
};

/** `leads.update` params from the change arguments. */
export async function leadUpdateParams(
  args: z.output<z.ZodObject<typeof LeadChangesShape>>,
  cache: Parameters<typeof customFieldValues>[0],
): Promise<LeadUpdateParams> {
  const params: LeadUpdateParams = {};
  if (args.name !== undefined) params.name = args.name;
  if (args.price !== undefined) params.price = args.price;
  if (args.responsible_user !== undefined)
    params.responsible_user_id = await resolveUser(
      cache,
      args.responsible_user,
      'responsible_user',
    );
  if (args.add_tags) params.tags_to_add = args.add_tags.map((name) => ({ name }));
  if (args.remove_tags) params.tags_to_delete = args.remove_tags.map((name) => ({ name }));
  if (args.custom_fields)
    params.custom_fields_values = await customFieldValues(cache, 'leads', args.custom_fields);
  return params;
}

const updateLead = defineTool({
  name: 'update_lead',
  title: 'Update a lead',
  description:
    'Changes the given fields of one lead (PATCH /api/v4/leads/{id}): name, price, responsible user, tags added or removed, custom fields. Fields not given are left alone; a custom field given replaces that field’s values. Use move_lead for the stage.',
  kind: 'write',
  destructive: true,
  idempotent: true,
  aliases: { id: 'lead_id', responsible_user_id: 'responsible_user' },
  input: { lead_id: id('The lead to change'), ...LeadChangesShape },
  async run(args, ctx) {
    const params = await leadUpdateParams(args, ctx.cache);
    if (Object.keys(params).length === 0) {
      throw new ToolError('invalid_arguments', 'update_lead: give at least one field to change', {
        issues: [{ field: 'name', message: 'Nothing to change' }],
      });
    }
    const ref = await ctx.kommo.leads.update(args.lead_id, params, { signal: ctx.signal });
    return { lead_id: ref.id, updated: Object.keys(params) };
  },
});

/** Kommo's names of the move arguments. */
export const MOVE_ALIASES = {
  id: 'lead_id',
  status_id: 'stage',
  pipeline_id: 'pipeline',
  loss_reason_id: 'loss_reason',
} as const;

/** The stage arguments `move_lead` and `move_leads` share. */
export const MoveShape = {
  stage: StageRefArg,
  pipeline: PipelineRefArg.optional().describe(
    'Move into this pipeline (id or name); the stage is looked up there. Default: the lead’s own pipeline.',
  ),
  loss_reason: z
    .union([z.number().int().positive(), z.string().trim().min(1)])
    .optional()
    .describe('For stage "lost": the loss reason, by id or name.'),
};

const moveLead = defineTool({
  name: 'move_lead',
  title: 'Move a lead to a stage',
  description:
    'Moves one lead to a stage (PATCH /api/v4/leads/{id} with status_id, and pipeline_id when it changes pipeline): by stage name or id; "won" or "lost" closes it, lost with an optional loss reason. Changes only the lead’s stage (and pipeline, and loss reason).',
  kind: 'write',
  destructive: true,
  idempotent: true,
  aliases: MOVE_ALIASES,
  input: { lead_id: id('The lead to move'), ...MoveShape },
  async run(args, ctx) {
    if (args.loss_reason !== undefined && closingStage(args.stage) !== 'lost') {
      throw new ToolError('invalid_arguments', 'loss_reason: only with stage "lost"', {
        issues: [{ field: 'loss_reason', message: 'Only with stage "lost"' }],
      });
    }
    const closing = closingStage(args.stage);
    if (closing !== undefined) {
      const lossReasonId =
        args.loss_reason !== undefined
          ? await resolveLossReason(ctx.main, args.loss_reason)
          : undefined;
      if (args.pipeline === undefined) {
        // The SDK's won/lost helper: one PATCH, no read.
        const done = await qualifyLead(ctx.kommo, args.lead_id, closing === 'won', {
          signal: ctx.signal,
          ...(lossReasonId !== undefined ? { lossReasonId } : {}),
        });
        return { lead_id: done.leadId, stage: { id: done.statusId, name: closing } };
      }
      // 142/143 exist in every pipeline: closing into another pipeline is one PATCH too.
      const pipeline = await resolvePipeline(ctx.cache, args.pipeline);
      const status_id = closing === 'won' ? WON_STATUS_ID : LOST_STATUS_ID;
      const ref = await ctx.kommo.leads.moveToStatus(
        args.lead_id,
        {
          status_id,
          pipeline_id: pipeline.id,
          ...(lossReasonId !== undefined ? { loss_reason_id: lossReasonId } : {}),
        },
        { signal: ctx.signal },
      );
      return { lead_id: ref.id, pipeline_id: pipeline.id, stage: { id: status_id, name: closing } };
    }
    const pipelineId =
      args.pipeline !== undefined
        ? (await resolvePipeline(ctx.cache, args.pipeline)).id
        : undefined;
    const move = await moveLeadTo(ctx.kommo, args.lead_id, args.stage, {
      cache: ctx.cache,
      signal: ctx.signal,
      ...(pipelineId !== undefined ? { pipelineId } : {}),
    });
    return {
      lead_id: move.leadId,
      pipeline_id: move.pipelineId,
      from_stage_id: move.fromStatusId,
      stage: { id: move.toStatusId, name: move.toStatusName },
    };
  },
});

const addNote = defineTool({
  name: 'add_note',
  title: 'Add a note',
  description:
    'Adds one text note to the feed of a lead, contact or company (POST /api/v4/{entity}/{id}/notes). Changes nothing else.',
  kind: 'write',
  destructive: false,
  idempotent: false,
  aliases: { lead_id: 'entity', contact_id: 'entity', company_id: 'entity' },
  input: {
    entity_type: EntityTypeArg,
    entity_id: id('The lead, contact or company'),
    text: z.string().trim().min(1).max(20_000).describe('The note text; \\n makes a line break.'),
  },
  async run(args, ctx) {
    const ref = await ctx.kommo.notes.create(
      args.entity_type,
      args.entity_id,
      { note_type: 'common', params: { text: args.text } },
      { signal: ctx.signal },
    );
    return { note_id: ref.id, entity_type: args.entity_type, entity_id: args.entity_id };
  },
});

const TASK_TYPES = { follow_up: 1, meeting: 2 } as const;

const createTask = defineTool({
  name: 'create_task',
  title: 'Create a task',
  description:
    'Creates one task with a due time (POST /api/v4/tasks), for a lead, contact or company or on its own, assigned to a user. Changes nothing else.',
  kind: 'write',
  destructive: false,
  idempotent: false,
  aliases: {
    complete_till: 'due',
    responsible_user_id: 'responsible_user',
    task_type_id: 'type',
    lead_id: 'entity',
    contact_id: 'entity',
    company_id: 'entity',
  },
  input: {
    text: z.string().trim().min(1).max(5_000).describe('What to do.'),
    due: TimeArg.describe('When it is due: ISO 8601 or unix seconds.'),
    entity_type: EntityTypeArg.optional().describe('The entity type the task belongs to.'),
    entity_id: id('The entity the task belongs to').optional(),
    responsible_user: UserRefArg.optional().describe('Who does it (default: the token user).'),
    type: z
      .union([z.enum(['follow_up', 'meeting']), z.number().int().positive()])
      .optional()
      .describe('follow_up (default), meeting, or a task type id of the account.'),
    duration_minutes: z
      .number()
      .int()
      .min(0)
      .max(60 * 24 * 31)
      .optional()
      .describe('How long it takes, in minutes.'),
  },
  async run(args, ctx) {
    if ((args.entity_type === undefined) !== (args.entity_id === undefined)) {
      const field = args.entity_type === undefined ? 'entity_type' : 'entity_id';
      throw new ToolError('invalid_arguments', `${field}: entity_type and entity_id go together`, {
        issues: [{ field, message: 'entity_type and entity_id go together' }],
      });
    }
    const params: TaskCreateParams = { text: args.text, complete_till: toUnix(args.due, 'due') };
    if (args.entity_type !== undefined && args.entity_id !== undefined) {
      params.entity_type = args.entity_type;
      params.entity_id = args.entity_id;
    }
    if (args.responsible_user !== undefined)
      params.responsible_user_id = await resolveUser(
        ctx.cache,
        args.responsible_user,
        'responsible_user',
      );
    if (args.type !== undefined)
      params.task_type_id = typeof args.type === 'number' ? args.type : TASK_TYPES[args.type];
    if (args.duration_minutes !== undefined) params.duration = args.duration_minutes * 60;
    const ref = await ctx.kommo.tasks.create(params, { signal: ctx.signal });
    return { task_id: ref.id };
  },
});

const completeTask = defineTool({
  name: 'complete_task',
  title: 'Complete a task',
  description:
    'Marks one task completed, with an optional result text shown in the feed (PATCH /api/v4/tasks/{id} with is_completed and result). Changes nothing else.',
  kind: 'write',
  destructive: true,
  idempotent: true,
  aliases: { id: 'task_id' },
  input: {
    task_id: id('The task'),
    result: z.string().trim().min(1).max(5_000).optional().describe('What came of it.'),
  },
  async run(args, ctx) {
    const ref = await ctx.kommo.tasks.complete(args.task_id, args.result, { signal: ctx.signal });
    return { task_id: ref.id, is_completed: true };
  },
});

const linkEntities = defineTool({
  name: 'link_entities',
  title: 'Link entities',
  description:
    'Links a lead, contact or company to other entities (POST /api/v4/{entity}/{id}/link), e.g. a contact to a lead. Adds links only; existing links stay.',
  kind: 'write',
  destructive: false,
  idempotent: true,
  input: {
    entity_type: EntityTypeArg,
    entity_id: id('The entity to link from'),
    to: z
      .array(
        z.strictObject({
          entity_type: EntityTypeArg.describe('leads, contacts or companies.'),
          entity_id: id('The entity to link to'),
          is_main: z
            .boolean()
            .optional()
            .describe('For a contact linked to a lead: the main contact.'),
        }),
      )
      .min(1)
      .max(50)
      .describe('The entities to link to.'),
  },
  async run(args, ctx) {
    const links = await ctx.kommo.links.link(
      args.entity_type,
      args.entity_id,
      args.to.map((t) => ({
        to_entity_id: t.entity_id,
        to_entity_type: t.entity_type,
        ...(t.is_main !== undefined ? { metadata: { is_main: t.is_main } } : {}),
      })),
      { signal: ctx.signal },
    );
    return {
      entity_type: args.entity_type,
      entity_id: args.entity_id,
      linked: links.map((l) => ({ entity_type: l.to_entity_type, entity_id: l.to_entity_id })),
    };
  },
});

const assignResponsible = defineTool({
  name: 'assign_responsible',
  title: 'Assign the responsible user',
  description:
    'Makes a user responsible for one lead, contact, company or task (PATCH with responsible_user_id). Changes only the responsible user.',
  kind: 'write',
  destructive: true,
  idempotent: true,
  aliases: {
    responsible_user_id: 'user',
    user_id: 'user',
    lead_id: 'entity',
    contact_id: 'entity',
    company_id: 'entity',
    task_id: 'entity',
  },
  input: {
    entity_type: z
      .enum(['leads', 'contacts', 'companies', 'tasks'])
      .describe('leads, contacts, companies or tasks.'),
    entity_id: id('The entity'),
    user: UserRefArg,
  },
  async run(args, ctx) {
    const userId = await resolveUser(ctx.cache, args.user);
    const change = { responsible_user_id: userId };
    const options = { signal: ctx.signal };
    const ref =
      args.entity_type === 'leads'
        ? await ctx.kommo.leads.update(args.entity_id, change, options)
        : args.entity_type === 'contacts'
          ? await ctx.kommo.contacts.update(args.entity_id, change, options)
          : args.entity_type === 'companies'
            ? await ctx.kommo.companies.update(args.entity_id, change, options)
            : await ctx.kommo.tasks.update(args.entity_id, change, options);
    return { entity_type: args.entity_type, entity_id: ref.id, responsible_user_id: userId };
  },
});

/** Every single-entity write tool, in the order `tools/list` shows them. */
export const WRITE_TOOLS = [
  createLead,
  updateLead,
  moveLead,
  addNote,
  createTask,
  completeTask,
  linkEntities,
  assignResponsible,
];
