/**
 * The bulk tools: many leads by ids or by a search filter, written in batches of 50 through the
 * SDK's `updateMany`. Above the server's threshold (`--confirm-above`, 20) a call is refused
 * unless it carries the `confirmation_token` of its own dry run.
 *
 * @module
 */

import { LOST_STATUS_ID, WON_STATUS_ID, type Lead, type LeadUpdateItem } from 'kommo-sdk';
import { z } from 'zod';
import { id } from '../args.js';
import { ToolError } from '../errors.js';
import { closingStage, resolveLossReason, resolvePipeline, stageIn } from '../resolve.js';
import { leadListParams, LeadFilterShape } from './read.js';
import { defineTool, type ToolContext } from './tool.js';
import { LeadChangesShape, leadUpdateParams, MoveShape } from './write.js';

/** The most leads one bulk call may touch, confirmed or not. */
const MAX_BULK_ENTITIES = 500;

const TargetShape = {
  ids: z
    .array(id('Lead id'))
    .min(1)
    .max(MAX_BULK_ENTITIES)
    .optional()
    .describe(`The leads to change (at most ${MAX_BULK_ENTITIES}). Give ids or filter.`),
  filter: z
    .strictObject(LeadFilterShape)
    .optional()
    .describe(
      `The leads to change: every lead search_leads would find with these filters (at most ${MAX_BULK_ENTITIES}). Give ids or filter.`,
    ),
};

type TargetArgs = z.output<z.ZodObject<typeof TargetShape>>;

/** The leads a bulk call targets: its ids, or every lead its filter matches (read in full). */
async function targetLeads(
  args: TargetArgs,
  ctx: ToolContext,
  needLeads: boolean,
): Promise<{ ids: number[]; leads?: Lead[] }> {
  if ((args.ids === undefined) === (args.filter === undefined)) {
    throw new ToolError('invalid_arguments', 'Give ids or filter (exactly one)', {
      issues: [{ field: 'ids', message: 'Give ids or filter (exactly one)' }],
    });
  }
  const list = async (params: Awaited<ReturnType<typeof leadListParams>>): Promise<Lead[]> => {
    const leads = await ctx.kommo.leads
      .list(params, { signal: ctx.signal })
      .toArray({ max: MAX_BULK_ENTITIES + 1 });
    if (leads.length > MAX_BULK_ENTITIES) {
      throw new ToolError(
        'too_many_entities',
        `The filter matches more than ${MAX_BULK_ENTITIES} leads: narrow it (one bulk call touches at most ${MAX_BULK_ENTITIES})`,
        { issues: [{ field: 'filter', message: `Matches more than ${MAX_BULK_ENTITIES} leads` }] },
      );
    }
    return leads;
  };
  if (args.ids !== undefined) {
    const ids = [...new Set(args.ids)];
    if (!needLeads) return { ids };
    const leads = await list({ filter: { id: ids } });
    const missing = ids.filter((i) => !leads.some((l) => l.id === i));
    if (missing.length > 0) {
      throw new ToolError('not_found', `ids: no lead ${missing.slice(0, 20).join(', ')}`, {
        issues: [{ field: 'ids', message: `Not found: ${missing.slice(0, 20).join(', ')}` }],
      });
    }
    return { ids, leads };
  }
  const leads = await list(await leadListParams(args.filter ?? {}, ctx));
  return { ids: leads.map((l) => l.id), leads };
}

const updateLeads = defineTool({
  name: 'update_leads',
  title: 'Update many leads',
  description: `Changes the same fields of many leads (PATCH /api/v4/leads, 50 per request): name, price, responsible user, tags added or removed, custom fields; the leads are given by ids or by a search filter. Fields not given are left alone. More than the server's confirmation threshold (20 by default) needs the confirmation_token from a dry run of the same arguments. At most ${MAX_BULK_ENTITIES} leads.`,
  kind: 'bulk',
  destructive: true,
  idempotent: true,
  aliases: { lead_ids: 'ids' },
  input: { ...TargetShape, set: z.strictObject(LeadChangesShape).describe('The changes.') },
  async run(args, ctx) {
    const params = await leadUpdateParams(args.set, ctx.cache);
    if (Object.keys(params).length === 0) {
      throw new ToolError('invalid_arguments', 'set: give at least one field to change', {
        issues: [{ field: 'set', message: 'Nothing to change' }],
      });
    }
    const { ids } = await targetLeads(args, ctx, false);
    if (ids.length === 0) return { matched: 0, updated: [] };
    ctx.confirm(ids);
    const refs = await ctx.kommo.leads.updateMany(
      ids.map((leadId): LeadUpdateItem => ({ id: leadId, ...params })),
      { signal: ctx.signal },
    );
    return { matched: ids.length, updated: refs.map((r) => r.id) };
  },
});

const moveLeads = defineTool({
  name: 'move_leads',
  title: 'Move many leads to a stage',
  description: `Moves many leads to one stage (PATCH /api/v4/leads, 50 per request): by stage name or id, looked up in each lead's own pipeline or in \`pipeline\`; "won" or "lost" closes them, lost with an optional loss reason. The leads are given by ids or by a search filter. Changes only their stage (and pipeline, and loss reason). More than the server's confirmation threshold (20 by default) needs the confirmation_token from a dry run of the same arguments. At most ${MAX_BULK_ENTITIES} leads.`,
  kind: 'bulk',
  destructive: true,
  idempotent: true,
  aliases: {
    lead_ids: 'ids',
    status_id: 'stage',
    pipeline_id: 'pipeline',
    loss_reason_id: 'loss_reason',
  },
  input: { ...TargetShape, ...MoveShape },
  async run(args, ctx) {
    const closing = closingStage(args.stage);
    if (args.loss_reason !== undefined && closing !== 'lost') {
      throw new ToolError('invalid_arguments', 'loss_reason: only with stage "lost"', {
        issues: [{ field: 'loss_reason', message: 'Only with stage "lost"' }],
      });
    }
    const pipeline =
      args.pipeline !== undefined ? await resolvePipeline(ctx.cache, args.pipeline) : undefined;
    const lossReasonId =
      args.loss_reason !== undefined
        ? await resolveLossReason(ctx.main, args.loss_reason)
        : undefined;
    // A stage name without a pipeline is looked up in each lead's pipeline: read them first.
    const perLead = closing === undefined && pipeline === undefined;
    const { ids, leads } = await targetLeads(args, ctx, perLead);
    if (ids.length === 0) return { matched: 0, moved: [] };

    let items: LeadUpdateItem[];
    if (closing !== undefined) {
      const status_id = closing === 'won' ? WON_STATUS_ID : LOST_STATUS_ID;
      items = ids.map((leadId) => ({
        id: leadId,
        status_id,
        ...(pipeline ? { pipeline_id: pipeline.id } : {}),
        ...(lossReasonId !== undefined ? { loss_reason_id: lossReasonId } : {}),
      }));
    } else if (pipeline !== undefined) {
      const status = stageIn(pipeline, args.stage);
      items = ids.map((leadId) => ({ id: leadId, status_id: status.id, pipeline_id: pipeline.id }));
    } else {
      const pipelines = await ctx.cache.pipelines();
      items = (leads ?? []).map((lead) => {
        const own = pipelines.find((p) => p.id === lead.pipeline_id);
        if (!own) {
          throw new ToolError(
            'not_found',
            `Lead ${lead.id} is in an unknown pipeline ${String(lead.pipeline_id)}`,
          );
        }
        return { id: lead.id, status_id: stageIn(own, args.stage).id };
      });
    }
    ctx.confirm(ids);
    const refs = await ctx.kommo.leads.updateMany(items, { signal: ctx.signal });
    return { matched: ids.length, moved: refs.map((r) => r.id) };
  },
});

/** Every bulk tool, in the order `tools/list` shows them. */
export const BULK_TOOLS = [updateLeads, moveLeads];
