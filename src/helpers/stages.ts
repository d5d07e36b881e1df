/**
 * Moving leads through the stages of a pipeline: the next stage, a stage by name, won / lost.
 *
 * @module
 */

import type { Kommo } from '../client.js';
import { KommoError } from '../core/errors.js';
import type { RequestOptions } from '../core/options.js';
import { LOST_STATUS_ID, WON_STATUS_ID } from '../facts.js';
import type { Pipeline, PipelineStatus } from '../schemas/pipeline.js';
import { cacheFor, type KommoCache } from './cache.js';
import { requestOptionsOf } from './request-options.js';

/** Status `type` of the "incoming leads" (unsorted) stage. */
const UNSORTED_TYPE = 1;

/** The stages of a pipeline in board order (by `sort`, then id). */
function ordered(pipeline: Pipeline): PipelineStatus[] {
  const statuses = pipeline._embedded?.statuses ?? [];
  return [...statuses].sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0) || a.id - b.id);
}

function isClosed(id: number): boolean {
  return id === WON_STATUS_ID || id === LOST_STATUS_ID;
}

/**
 * The stage after `statusId` in the pipeline's board order, or `undefined` when the lead is in
 * the last open stage or already closed. "Closed – won" (142) and "Closed – lost" (143) are
 * never "next": closing a lead is a decision ({@link qualifyLead}), not a step. From "incoming
 * leads" the next stage is the first regular one.
 *
 * @throws {@link KommoError} with code `invalid_request` when `statusId` is not in the pipeline.
 * @example
 * ```ts
 * const pipeline = await cacheFor(kommo).pipeline(lead.pipeline_id ?? undefined);
 * const next = nextStatus(pipeline, lead.status_id!);
 * ```
 */
export function nextStatus(pipeline: Pipeline, statusId: number): PipelineStatus | undefined {
  if (isClosed(statusId)) return undefined;
  const stages = ordered(pipeline);
  const index = stages.findIndex((s) => s.id === statusId);
  if (index === -1) {
    throw new KommoError(
      'invalid_request',
      `Status ${statusId} is not a stage of pipeline ${pipeline.id} (${pipeline.name ?? ''})`,
    );
  }
  return stages.slice(index + 1).find((s) => !isClosed(s.id) && s.type !== UNSORTED_TYPE);
}

/**
 * A stage of the pipeline by name: trimmed and case-insensitive, so `'qualified'` finds
 * "Qualified". Returns `undefined` when no stage has this name.
 *
 * @example
 * ```ts
 * const qualified = statusByName(pipeline, 'Qualified');
 * ```
 */
export function statusByName(pipeline: Pipeline, name: string): PipelineStatus | undefined {
  const wanted = name.trim().toLocaleLowerCase();
  return ordered(pipeline).find((s) => (s.name ?? '').trim().toLocaleLowerCase() === wanted);
}

/** A move done by {@link advanceLead} or {@link moveLeadTo}. */
export interface LeadStageMove {
  leadId: number;
  pipelineId: number;
  /** Where the lead was. */
  fromStatusId: number;
  /** Where it is now. */
  toStatusId: number;
  /** The name of the new stage. */
  toStatusName: string;
}

/** Options of the stage helpers. */
export interface StageOptions extends RequestOptions {
  /**
   * Where pipelines come from.
   *
   * @defaultValue {@link cacheFor}(kommo)
   */
  cache?: KommoCache;
}

async function leadPosition(
  kommo: Kommo,
  leadId: number,
  options: StageOptions,
): Promise<{ pipeline: Pipeline; statusId: number }> {
  const lead = await kommo.leads.get(leadId, undefined, requestOptionsOf(options));
  const cache = options.cache ?? cacheFor(kommo);
  const pipeline = await cache.pipeline(lead.pipeline_id ?? undefined);
  if (lead.status_id == null) {
    throw new KommoError('invalid_response', `Lead ${leadId} came back without a status_id`);
  }
  return { pipeline, statusId: lead.status_id };
}

/**
 * Moves a lead to the next stage of its pipeline (see {@link nextStatus}). Reads the lead
 * once; the pipeline comes from the cache.
 *
 * @throws {@link KommoError} with code `invalid_request` when the lead is closed or already in
 *   the last open stage.
 * @example
 * ```ts
 * const move = await advanceLead(kommo, 20000001);
 * console.log(`now in ${move.toStatusName}`);
 * ```
 */
export async function advanceLead(
  kommo: Kommo,
  leadId: number,
  options: StageOptions = {},
): Promise<LeadStageMove> {
  const { pipeline, statusId } = await leadPosition(kommo, leadId, options);
  const next = nextStatus(pipeline, statusId);
  if (!next) {
    throw new KommoError(
      'invalid_request',
      `Lead ${leadId} has no next stage (it is in ${statusId} of pipeline ${pipeline.id})`,
    );
  }
  await kommo.leads.moveToStatus(leadId, { status_id: next.id }, requestOptionsOf(options));
  return {
    leadId,
    pipelineId: pipeline.id,
    fromStatusId: statusId,
    toStatusId: next.id,
    toStatusName: next.name ?? String(next.id),
  };
}

/** Options of {@link moveLeadTo}. */
export interface MoveLeadToOptions extends StageOptions {
  /**
   * Move the lead into this pipeline (the stage name is looked up there).
   *
   * @defaultValue the lead's own pipeline
   */
  pipelineId?: number;
}

/**
 * Moves a lead to a stage given by name (looked up with {@link statusByName}) or by id.
 *
 * @throws {@link KommoError} with code `invalid_request` when the pipeline has no such stage.
 * @example
 * ```ts
 * await moveLeadTo(kommo, leadId, 'Proposal sent');
 * await moveLeadTo(kommo, leadId, 'New partner', { pipelineId: 3177730 });
 * ```
 */
export async function moveLeadTo(
  kommo: Kommo,
  leadId: number,
  stage: string | number,
  options: MoveLeadToOptions = {},
): Promise<LeadStageMove> {
  const { pipelineId, ...rest } = options;
  const position = await leadPosition(kommo, leadId, rest);
  const cache = options.cache ?? cacheFor(kommo);
  const pipeline =
    pipelineId === undefined || pipelineId === position.pipeline.id
      ? position.pipeline
      : await cache.pipeline(pipelineId);
  const target =
    typeof stage === 'number'
      ? ordered(pipeline).find((s) => s.id === stage)
      : statusByName(pipeline, stage);
  if (!target) {
    throw new KommoError(
      'invalid_request',
      `Pipeline ${pipeline.id} (${pipeline.name ?? ''}) has no stage ${JSON.stringify(stage)}`,
    );
  }
  await kommo.leads.moveToStatus(
    leadId,
    {
      status_id: target.id,
      ...(pipeline.id === position.pipeline.id ? {} : { pipeline_id: pipeline.id }),
    },
    requestOptionsOf(rest),
  );
  return {
    leadId,
    pipelineId: pipeline.id,
    fromStatusId: position.statusId,
    toStatusId: target.id,
    toStatusName: target.name ?? String(target.id),
  };
}

/** Options of {@link qualifyLead}. */
export interface QualifyLeadOptions extends RequestOptions {
  /** For a lost lead: the loss reason (required by accounts that enforce one). */
  lossReasonId?: number;
}

/**
 * Closes a lead: won (`142`) when `won` is true, lost (`143`, with the loss reason when given)
 * otherwise. One request; no read.
 *
 * @example
 * ```ts
 * await qualifyLead(kommo, leadId, true);
 * await qualifyLead(kommo, otherId, false, { lossReasonId: 4203748 });
 * ```
 */
export async function qualifyLead(
  kommo: Kommo,
  leadId: number,
  won: boolean,
  options: QualifyLeadOptions = {},
): Promise<{ leadId: number; statusId: number }> {
  const { lossReasonId, ...request } = options;
  const statusId = won ? WON_STATUS_ID : LOST_STATUS_ID;
  await kommo.leads.moveToStatus(
    leadId,
    {
      status_id: statusId,
      ...(!won && lossReasonId !== undefined ? { loss_reason_id: lossReasonId } : {}),
    },
    requestOptionsOf(request),
  );
  return { leadId, statusId };
}
