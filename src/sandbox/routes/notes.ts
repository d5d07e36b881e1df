/**
 * Notes of leads, contacts and companies: entity-scoped lists, get, batch create and update.
 *
 * @module
 */

import { noteEvent } from '../changes.js';
import type { Ctx } from '../context.js';
import { CARD_TYPES } from '../entities.js';
import { cardExists } from '../models/customers.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { inRange, intsOf, listOf, rangeOf, recordOf } from '../query.js';
import { paginate, self, withSet } from '../render.js';
import { family, forEach } from '../router.js';
import type { SandboxCardType, SandboxNote } from '../types.js';
import { checkKeys, isInt, isObject, optInt } from '../validate.js';
import {
  batchBody,
  idParam,
  itemOf,
  listReply,
  objectBody,
  runPlans,
  type Plan,
} from './shared.js';

/** Note types the API accepts on create, with the params each needs. */
const WRITABLE: Record<string, readonly string[]> = {
  common: ['text'],
  call_in: ['uniq', 'duration', 'source', 'phone'],
  call_out: ['uniq', 'duration', 'source', 'phone'],
  service_message: ['service', 'text'],
  extended_service_message: ['service', 'text'],
  message_cashier: ['status', 'text'],
  geolocation: ['text', 'address', 'longitude', 'latitude'],
  sms_in: ['text', 'phone'],
  sms_out: ['text', 'phone'],
  attachment: ['file_uuid', 'file_name'],
};

const CREATE_KEYS = new Set([
  'entity_id',
  'note_type',
  'params',
  'created_by',
  'responsible_user_id',
  'request_id',
  'is_need_to_trigger_digital_pipeline',
  'created_at',
  'updated_at',
  'is_pinned',
  'group_id',
]);
const UPDATE_KEYS = new Set([...CREATE_KEYS, 'id', 'updated_by']);

function render(ctx: Ctx, note: SandboxNote, withPinned: boolean): Record<string, unknown> {
  const { entity_type, is_pinned, ...fields } = note;
  return {
    ...fields,
    ...(withPinned ? { is_pinned } : {}),
    _links: self(ctx, `/api/v4/${entity_type}/${String(note.entity_id)}/notes/${String(note.id)}`),
  };
}

function planNote(
  ctx: Ctx,
  type: SandboxCardType,
  raw: unknown,
  index: number,
  mode: 'create' | 'update',
  scope: { entityId?: number; noteId?: number },
): Plan<SandboxNote> {
  const { item, requestId, issues } = itemOf(raw, index, true);
  checkKeys(item, mode === 'create' ? CREATE_KEYS : UPDATE_KEYS, '', issues);
  let existing: SandboxNote | undefined;
  if (mode === 'update') {
    const id = scope.noteId ?? item['id'];
    existing = isInt(id) ? ctx.store.notes.get(id) : undefined;
    if (
      !existing ||
      existing.entity_type !== type ||
      (scope.entityId !== undefined && existing.entity_id !== scope.entityId)
    ) {
      issues.add(id === undefined ? ISSUE.missing('id') : ISSUE.choice('id'));
    }
  }
  const entityId = scope.entityId ?? optInt(item, 'entity_id', '', issues) ?? existing?.entity_id;
  if (mode === 'create' && entityId === undefined) issues.add(ISSUE.missing('entity_id'));
  else if (typeof entityId === 'number' && !cardExists(ctx.store, type, entityId))
    issues.add(ISSUE.choice('entity_id'));
  const noteType = item['note_type'] ?? existing?.note_type;
  if (typeof noteType !== 'string' || !(noteType in WRITABLE)) {
    issues.add(noteType === undefined ? ISSUE.missing('note_type') : ISSUE.choice('note_type'));
  }
  let params: Record<string, unknown> | undefined = existing?.params;
  if (item['params'] !== undefined) {
    if (!isObject(item['params'])) issues.add(ISSUE.type('params', 'array'));
    else
      params =
        mode === 'update' && existing
          ? { ...existing.params, ...item['params'] }
          : { ...item['params'] };
  }
  if (mode === 'create' && params === undefined) issues.add(ISSUE.missing('params'));
  if (params && typeof noteType === 'string') {
    for (const key of WRITABLE[noteType] ?? []) {
      if (params[key] === undefined || params[key] === '')
        issues.add(key === 'text' ? ISSUE.blank(`params.${key}`) : ISSUE.missing(`params.${key}`));
    }
    const text = params['text'];
    if (text !== undefined && typeof text !== 'string')
      issues.add(ISSUE.type('params.text', 'string'));
    else if (typeof text === 'string' && text.length > ctx.noteTextMaxLength)
      issues.add(ISSUE.tooLong('params.text', ctx.noteTextMaxLength));
  }
  const createdBy = optInt(item, 'created_by', '', issues);
  const responsible = optInt(item, 'responsible_user_id', '', issues);
  if (typeof responsible === 'number' && !ctx.store.users.has(responsible))
    issues.add(ISSUE.choice('responsible_user_id'));
  const createdAt = optInt(item, 'created_at', '', issues);
  return {
    requestId,
    issues,
    apply: () => {
      const now = ctx.now;
      const note: SandboxNote = existing
        ? {
            ...existing,
            note_type: noteType as string,
            params: params ?? {},
            updated_at: now,
            updated_by: ctx.userId,
          }
        : {
            id: ctx.store.nextId('note'),
            entity_type: type,
            entity_id: entityId as number,
            created_by: typeof createdBy === 'number' ? createdBy : ctx.userId,
            updated_by: ctx.userId,
            created_at: typeof createdAt === 'number' ? createdAt : now,
            updated_at: now,
            responsible_user_id: typeof responsible === 'number' ? responsible : ctx.userId,
            group_id: 0,
            note_type: noteType as string,
            params: params ?? {},
            account_id: ctx.store.account.id,
            is_pinned: item['is_pinned'] === true,
          };
      if (existing) ctx.store.notes.set(note);
      else {
        ctx.store.addNote(note);
        ctx.events.push(noteEvent(note));
      }
      return note;
    },
  };
}

function list(type: SandboxCardType, scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const filter = recordOf(ctx.query['filter']);
    let notes: SandboxNote[];
    if (scoped) {
      const entityId = idParam(ctx);
      const ids = ctx.store.notesByEntity.get(`${type}:${String(entityId)}`) ?? [];
      notes = ids.flatMap((id) => {
        const n = ctx.store.notes.get(id);
        return n ? [n] : [];
      });
    } else {
      const entityIds =
        filter['entity_id'] === undefined ? undefined : new Set(intsOf(filter['entity_id']));
      notes = ctx.store.notes.filter(
        (n) => n.entity_type === type && (entityIds === undefined || entityIds.has(n.entity_id)),
      );
    }
    const ids = filter['id'] === undefined ? undefined : new Set(intsOf(filter['id']));
    const types =
      filter['note_type'] === undefined ? undefined : new Set(listOf(filter['note_type']));
    const updated = rangeOf(filter['updated_at']);
    notes = notes.filter(
      (n) =>
        (ids === undefined || ids.has(n.id)) &&
        (types === undefined || types.has(n.note_type)) &&
        (updated === undefined || inRange(n.updated_at, updated)),
    );
    const order = recordOf(ctx.query['order']);
    const key =
      order['updated_at'] !== undefined
        ? 'updated_at'
        : order['id'] !== undefined
          ? 'id'
          : undefined;
    if (key) {
      const desc = order[key] === 'desc';
      notes.sort((a, b) => (a[key] - b[key] || a.id - b.id) * (desc ? -1 : 1));
    }
    const pinned = withSet(ctx).has('is_pinned');
    return paginate(ctx, 'notes', notes, (n) => render(ctx, n, pinned));
  };
}

function getOne(type: SandboxCardType, scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const note = ctx.store.notes.get(idParam(ctx, 'noteId'));
    if (!note || note.entity_type !== type || (scoped && note.entity_id !== idParam(ctx)))
      return { status: 204 };
    return { status: 200, body: render(ctx, note, withSet(ctx).has('is_pinned')) };
  };
}

function write(type: SandboxCardType, mode: 'create' | 'update', scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const entityId = scoped ? idParam(ctx) : undefined;
    if (entityId !== undefined && !cardExists(ctx.store, type, entityId))
      fail(404, 'Entity not found');
    const scope = entityId === undefined ? {} : { entityId };
    const plans = batchBody(ctx).map((item, i) => planNote(ctx, type, item, i, mode, scope));
    const refs = runPlans(plans).map((n, i) => ({
      id: n.id,
      entity_id: n.entity_id,
      ...(mode === 'update' ? { updated_at: n.updated_at } : {}),
      request_id: plans[i]?.requestId ?? String(i),
      _links: self(ctx, `/api/v4/${type}/${String(n.entity_id)}/notes/${String(n.id)}`),
    }));
    return listReply(ctx, 'notes', refs, { total: false });
  };
}

function updateOne(ctx: Ctx, type: SandboxCardType): Reply {
  const body = objectBody(ctx, { arrayIs405: true });
  const entityId = idParam(ctx);
  const noteId = idParam(ctx, 'noteId');
  const existing = ctx.store.notes.get(noteId);
  if (!existing || existing.entity_type !== type || existing.entity_id !== entityId)
    fail(404, 'Note not found');
  const plan = planNote(ctx, type, body, 0, 'update', { entityId, noteId });
  const [note] = runPlans([plan]);
  if (!note) fail(500, 'update failed');
  return {
    status: 200,
    body: {
      id: note.id,
      entity_id: note.entity_id,
      updated_at: note.updated_at,
      request_id: plan.requestId,
      _links: self(ctx, ctx.path),
    },
  };
}

/** The note routes of leads, contacts, companies and customers, per type and per card. */
export const notes = family(
  'notes',
  forEach(CARD_TYPES, (type) => {
    const base = `/api/v4/${type}`;
    return {
      [`GET ${base}/notes`]: list(type, false),
      [`POST ${base}/notes`]: write(type, 'create', false),
      [`PATCH ${base}/notes`]: write(type, 'update', false),
      [`GET ${base}/notes/:noteId`]: getOne(type, false),
      [`GET ${base}/:id/notes`]: list(type, true),
      [`POST ${base}/:id/notes`]: write(type, 'create', true),
      [`PATCH ${base}/:id/notes`]: write(type, 'update', true),
      [`GET ${base}/:id/notes/:noteId`]: getOne(type, true),
      [`PATCH ${base}/:id/notes/:noteId`]: (ctx) => updateOne(ctx, type),
    };
  }),
);
