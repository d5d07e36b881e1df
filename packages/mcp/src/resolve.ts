/**
 * Names to ids: pipelines, stages, users, loss reasons and custom fields as an agent names them,
 * looked up in the SDK's cache (`cacheFor`), so a conversation costs each dictionary once per
 * TTL. Every miss is a `not_found` / `ambiguous` tool error that lists what exists.
 *
 * @module
 */

import {
  LOST_STATUS_ID,
  WON_STATUS_ID,
  statusByName,
  type CustomField,
  type CustomFieldValueInput,
  type Kommo,
  type KommoCache,
  type Pipeline,
  type PipelineStatus,
  type User,
} from 'kommo-sdk';
import { ToolError } from './errors.js';

const same = (a: string, b: string): boolean =>
  a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

function list(names: Array<string | null | undefined>, max = 30): string {
  const shown = names.filter((n): n is string => typeof n === 'string').slice(0, max);
  return shown.map((n) => JSON.stringify(n)).join(', ');
}

/** A pipeline by id or name; the main pipeline when `ref` is undefined. */
export async function resolvePipeline(
  cache: KommoCache,
  ref: number | string | undefined,
  field = 'pipeline',
): Promise<Pipeline> {
  const all = await cache.pipelines();
  if (ref === undefined) {
    const main = all.find((p) => p.is_main === true) ?? all[0];
    if (!main) throw new ToolError('not_found', 'The account has no pipeline');
    return main;
  }
  const found =
    typeof ref === 'number'
      ? all.find((p) => p.id === ref)
      : all.find((p) => same(p.name ?? '', ref));
  if (!found) {
    throw new ToolError('not_found', `${field}: no pipeline ${JSON.stringify(ref)}`, {
      issues: [{ field, message: `Known pipelines: ${list(all.map((p) => p.name))}` }],
    });
  }
  return found;
}

/** Whether a stage reference names a closing stage: `'won'`/`'lost'` or 142/143. */
export function closingStage(ref: number | string): 'won' | 'lost' | undefined {
  if (ref === WON_STATUS_ID || (typeof ref === 'string' && same(ref, 'won'))) return 'won';
  if (ref === LOST_STATUS_ID || (typeof ref === 'string' && same(ref, 'lost'))) return 'lost';
  return undefined;
}

/** A stage of `pipeline` by id or name (the SDK's `statusByName`). */
export function stageIn(pipeline: Pipeline, ref: number | string, field = 'stage'): PipelineStatus {
  const stages = pipeline._embedded?.statuses ?? [];
  const found =
    typeof ref === 'number' ? stages.find((s) => s.id === ref) : statusByName(pipeline, ref);
  if (!found) {
    throw new ToolError(
      'not_found',
      `${field}: pipeline ${JSON.stringify(pipeline.name ?? pipeline.id)} has no stage ${JSON.stringify(ref)}`,
      { issues: [{ field, message: `Its stages: ${list(stages.map((s) => s.name))}` }] },
    );
  }
  return found;
}

/**
 * Every `{ pipeline_id, status_id }` pair a stage reference names: in the given pipeline, or
 * in every pipeline that has a stage of that name.
 */
export async function stagePairs(
  cache: KommoCache,
  stage: number | string,
  pipeline: number | string | undefined,
): Promise<Array<{ pipeline_id: number; status_id: number }>> {
  const closing = closingStage(stage);
  if (pipeline !== undefined) {
    const p = await resolvePipeline(cache, pipeline);
    const status = closing
      ? { id: closing === 'won' ? WON_STATUS_ID : LOST_STATUS_ID }
      : stageIn(p, stage);
    return [{ pipeline_id: p.id, status_id: status.id }];
  }
  const all = await cache.pipelines();
  if (closing) {
    const status_id = closing === 'won' ? WON_STATUS_ID : LOST_STATUS_ID;
    return all.map((p) => ({ pipeline_id: p.id, status_id }));
  }
  const pairs = all.flatMap((p) =>
    (p._embedded?.statuses ?? [])
      .filter((s) => (typeof stage === 'number' ? s.id === stage : same(s.name ?? '', stage)))
      .map((s) => ({ pipeline_id: p.id, status_id: s.id })),
  );
  if (pairs.length === 0) {
    const names = all.flatMap((p) => (p._embedded?.statuses ?? []).map((s) => s.name));
    throw new ToolError('not_found', `stage: no pipeline has a stage ${JSON.stringify(stage)}`, {
      issues: [{ field: 'stage', message: `Known stages: ${list([...new Set(names)])}` }],
    });
  }
  return pairs;
}

/**
 * The account's users, or `undefined` when the token may not list them (`GET /users` needs an
 * admin): callers then show ids without names. A refusal is remembered for the cache's TTL so
 * it is not asked again on every call.
 */
export async function usersOrNothing(
  cache: KommoCache,
  refused: { until: number },
): Promise<User[] | undefined> {
  if (Date.now() < refused.until) return undefined;
  try {
    return await cache.users();
  } catch {
    refused.until = Date.now() + 5 * 60_000;
    return undefined;
  }
}

/** A user by id, name or e-mail. */
export async function resolveUser(
  cache: KommoCache,
  ref: number | string,
  field = 'user',
): Promise<number> {
  if (typeof ref === 'number') return ref;
  const users = await cache.users();
  const matches = users.filter((u) => same(u.name ?? '', ref) || same(u.email ?? '', ref));
  if (matches.length === 1) return (matches[0] as User).id;
  throw new ToolError(
    matches.length === 0 ? 'not_found' : 'ambiguous',
    `${field}: ${matches.length === 0 ? 'no' : 'several'} users named ${JSON.stringify(ref)}`,
    {
      issues: [
        {
          field,
          message:
            matches.length === 0
              ? `Known users: ${list(users.map((u) => u.name))}`
              : `Give the id: ${matches.map((u) => `${u.id} (${u.name ?? ''})`).join(', ')}`,
        },
      ],
    },
  );
}

/** A loss reason by id or name. */
export async function resolveLossReason(
  kommo: Kommo,
  ref: number | string,
  field = 'loss_reason',
): Promise<number> {
  if (typeof ref === 'number') return ref;
  const reasons = await kommo.lossReasons.list().toArray({ max: 500 });
  const found = reasons.find((r) => same(r.name ?? '', ref));
  if (!found) {
    throw new ToolError('not_found', `${field}: no loss reason ${JSON.stringify(ref)}`, {
      issues: [{ field, message: `Known loss reasons: ${list(reasons.map((r) => r.name))}` }],
    });
  }
  return found.id;
}

/** Unix seconds from an ISO 8601 string or unix seconds. */
export function toUnix(value: number | string, field: string): number {
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) {
    throw new ToolError('invalid_arguments', `${field}: not a date-time`, {
      issues: [{ field, message: 'Give ISO 8601 ("2026-12-01T15:00:00Z") or unix seconds' }],
    });
  }
  return Math.floor(ms / 1000);
}

/** Unix seconds as ISO 8601 (UTC), or `null`. */
export function toIso(seconds: number | null | undefined): string | null {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
  return new Date(seconds * 1000).toISOString();
}

const ENUM_TYPES = new Set(['select', 'multiselect', 'radiobutton', 'category']);

function findField(fields: readonly CustomField[], ref: string): CustomField | undefined {
  if (/^\d+$/.test(ref)) {
    const byId = fields.find((f) => f.id === Number(ref));
    if (byId) return byId;
  }
  return (
    fields.find((f) => typeof f.code === 'string' && same(f.code, ref)) ??
    fields.find((f) => same(f.name ?? '', ref))
  );
}

/**
 * `custom_fields_values` from `{ name: value }`: each field found by id, code or name; option
 * texts of select-like fields turned into `enum_id`s; `null` clears a field.
 */
export async function customFieldValues(
  cache: KommoCache,
  entity: 'leads' | 'contacts' | 'companies',
  values: Record<string, string | number | boolean | null | Array<string | number>>,
  field = 'custom_fields',
): Promise<CustomFieldValueInput[]> {
  const fields = await cache.customFields(entity);
  const out: CustomFieldValueInput[] = [];
  for (const [ref, value] of Object.entries(values)) {
    const def = findField(fields, ref);
    const at = `${field}.${ref}`;
    if (!def) {
      throw new ToolError(
        'not_found',
        `${at}: ${entity} have no custom field ${JSON.stringify(ref)}`,
        {
          issues: [{ field: at, message: `Known fields: ${list(fields.map((f) => f.name))}` }],
        },
      );
    }
    if (value === null) {
      out.push({ field_id: def.id, values: null });
      continue;
    }
    const items = Array.isArray(value) ? value : [value];
    if (ENUM_TYPES.has(def.type ?? '')) {
      const enums = def.enums ?? [];
      out.push({
        field_id: def.id,
        values: items.map((item) => {
          const choice =
            typeof item === 'number'
              ? enums.find((e) => e.id === item)
              : enums.find((e) => same(e.value ?? '', String(item)));
          if (!choice) {
            throw new ToolError('not_found', `${at}: no option ${JSON.stringify(item)}`, {
              issues: [{ field: at, message: `Options: ${list(enums.map((e) => e.value))}` }],
            });
          }
          return { enum_id: choice.id };
        }),
      });
      continue;
    }
    out.push({ field_id: def.id, values: items.map((item) => ({ value: item })) });
  }
  return out;
}
