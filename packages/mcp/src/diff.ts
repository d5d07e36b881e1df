/**
 * The diff of a dry run: for each recorded write, what it would change in the account, read
 * against the entities as they are now (one read per entity type, up to 250 ids a request).
 *
 * @module
 */

import type { Kommo } from 'kommo-sdk';
import type { RecordedRequest } from './dry-run.js';

/** A field's value now and after the write. */
interface Change {
  from: unknown;
  to: unknown;
}

/** What one write would do to one entity. */
export interface EntityDiff {
  /** `update`, `create`, `add_note`, `link`, or `request` for anything else. */
  action: string;
  entity: string;
  /** The entity changed (absent for a create). */
  id?: number | string;
  /** For updates: the fields that would change, with their current and new values. */
  changes?: Record<string, Change>;
  /** For creates, notes and links: what would be written. */
  fields?: unknown;
  /** For `request`: the request's method and path. */
  request?: string;
}

type Json = Record<string, unknown>;

const ENTITY_PATH = /^\/api\/v4\/(leads|contacts|companies|customers|tasks)(?:\/(\d+))?$/;
const SUB_PATH = /^\/api\/v4\/(leads|contacts|companies|customers)\/(\d+)\/(notes|link)$/;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** A field's current values, as written (`[{ value }]`, `[{ enum_id }]`), for comparison. */
function currentFieldValues(current: Json, fieldId: unknown): unknown {
  const list = Array.isArray(current['custom_fields_values'])
    ? current['custom_fields_values']
    : [];
  const field = (list as Json[]).find((f) => f['field_id'] === fieldId);
  if (!field || !Array.isArray(field['values'])) return null;
  return (field['values'] as Json[]).map((v) =>
    v['enum_id'] != null ? { enum_id: v['enum_id'], value: v['value'] } : { value: v['value'] },
  );
}

function tagsOf(current: Json): string[] {
  const embedded = isRecord(current['_embedded']) ? current['_embedded'] : {};
  const tags = Array.isArray(embedded['tags']) ? (embedded['tags'] as unknown[]) : [];
  return tags.map((t) => (isRecord(t) ? String(t['name'] ?? t['id']) : String(t)));
}

/** The changes an update body makes to `current`. Unchanged fields are left out. */
export function changesOf(current: Json, body: Json): Record<string, Change> {
  const changes: Record<string, Change> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id' || key === 'request_id') continue;
    if (key === 'custom_fields_values' && Array.isArray(value)) {
      for (const entry of value as Json[]) {
        const ref = entry['field_id'] ?? entry['field_code'];
        const from = currentFieldValues(current, entry['field_id']);
        if (!same(from, entry['values']))
          changes[`custom_fields_values.${String(ref)}`] = { from, to: entry['values'] };
      }
      continue;
    }
    if ((key === 'tags_to_add' || key === 'tags_to_delete') && Array.isArray(value)) {
      const names = (value as Json[]).map((t) => String(t['name'] ?? t['id']));
      const now = tagsOf(current);
      const to =
        key === 'tags_to_add'
          ? [...new Set([...now, ...names])]
          : now.filter((n) => !names.includes(n));
      if (!same(now, to)) changes['tags'] = { from: now, to };
      continue;
    }
    if (key === 'result' && isRecord(value)) {
      const before = isRecord(current['result']) ? current['result'] : null;
      changes['result'] = { from: before, to: value };
      continue;
    }
    if (!same(current[key], value)) changes[key] = { from: current[key] ?? null, to: value };
  }
  return changes;
}

async function currentEntities(
  kommo: Kommo,
  entity: string,
  ids: readonly number[],
  signal?: AbortSignal,
): Promise<Map<number, Json>> {
  const out = new Map<number, Json>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += 250) {
    const chunk = unique.slice(start, start + 250);
    const answer = await kommo.request<Json>(
      { method: 'GET', path: `/api/v4/${entity}`, query: { filter: { id: chunk }, limit: 250 } },
      signal ? { signal } : undefined,
    );
    const embedded = isRecord(answer) && isRecord(answer['_embedded']) ? answer['_embedded'] : {};
    const items = Array.isArray(embedded[entity]) ? (embedded[entity] as unknown[]) : [];
    for (const item of items)
      if (isRecord(item) && typeof item['id'] === 'number') out.set(item['id'], item);
  }
  return out;
}

/** The diff of the recorded writes against the account as it is now. */
export async function diffRequests(
  kommo: Kommo,
  requests: readonly RecordedRequest[],
  signal?: AbortSignal,
): Promise<EntityDiff[]> {
  // Updates first gathered per entity type, so the current state costs one read per type.
  const updates: Array<{ entity: string; id: number; body: Json }> = [];
  const out: EntityDiff[] = [];
  for (const request of requests) {
    const items: unknown[] = Array.isArray(request.body) ? request.body : [request.body];
    const entityPath = ENTITY_PATH.exec(request.path);
    const sub = SUB_PATH.exec(request.path);
    if (entityPath && request.method === 'PATCH') {
      const entity = entityPath[1] as string;
      for (const item of items) {
        if (!isRecord(item)) continue;
        const id = entityPath[2] !== undefined ? Number(entityPath[2]) : item['id'];
        if (typeof id === 'number') updates.push({ entity, id, body: item });
      }
      continue;
    }
    if (entityPath && request.method === 'POST' && entityPath[2] === undefined) {
      out.push(
        ...items.map((fields) => ({ action: 'create', entity: entityPath[1] as string, fields })),
      );
      continue;
    }
    if (sub && request.method === 'POST') {
      out.push({
        action: sub[3] === 'notes' ? 'add_note' : 'link',
        entity: sub[1] as string,
        id: Number(sub[2]),
        fields: request.body,
      });
      continue;
    }
    out.push({ action: 'request', entity: '', request: `${request.method} ${request.path}` });
  }
  const byEntity = new Map<string, number[]>();
  for (const u of updates) byEntity.set(u.entity, [...(byEntity.get(u.entity) ?? []), u.id]);
  const current = new Map<string, Map<number, Json>>();
  for (const [entity, ids] of byEntity)
    current.set(entity, await currentEntities(kommo, entity, ids, signal));
  const diffs: EntityDiff[] = updates.map((u) => {
    const now = current.get(u.entity)?.get(u.id);
    return now
      ? { action: 'update', entity: u.entity, id: u.id, changes: changesOf(now, u.body) }
      : { action: 'update', entity: u.entity, id: u.id, fields: u.body };
  });
  return [...diffs, ...out];
}
