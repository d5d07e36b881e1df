/**
 * Notes of leads, contacts and companies: entity-scoped lists, get, batch create and update.
 *
 * @module
 */

import type { Ctx } from '../context.js';
import { ISSUE, fail, type Reply } from '../problems.js';
import { inRange, intsOf, listOf, rangeOf, recordOf } from '../query.js';
import { paginate, self, withSet } from '../render.js';
import type { Router } from '../router.js';
import type { SandboxEntityType, SandboxNote } from '../types.js';
import {
  Issues,
  checkKeys,
  isInt,
  isObject,
  optInt,
  requestIdOf,
  type JsonObject,
} from '../validate.js';
import { batchBody, runPlans } from './entities.js';

const TYPES: readonly SandboxEntityType[] = ['leads', 'contacts', 'companies'];

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

function webhookNote(note: SandboxNote): Record<string, string | number> {
  const date = (sec: number): string =>
    new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const numeric: Record<string, number> = {
    common: 4,
    attachment: 5,
    call_in: 10,
    call_out: 11,
    service_message: 25,
    extended_service_message: 25,
    sms_in: 102,
    sms_out: 103,
  };
  const text = note.params['text'];
  return {
    id: note.id,
    note_type: numeric[note.note_type] ?? 4,
    text: typeof text === 'string' ? text : JSON.stringify(note.params),
    element_type: note.entity_type === 'leads' ? 2 : note.entity_type === 'contacts' ? 1 : 3,
    element_id: note.entity_id,
    date_create: date(note.created_at),
    timestamp_x: date(note.updated_at),
    created_by: note.created_by,
    modified_by: note.updated_by,
    main_user_id: note.responsible_user_id,
    group_id: note.group_id,
    account_id: note.account_id,
    metadata: JSON.stringify({ event_source: { id: note.created_by, type: 1 } }),
    created_at: note.created_at,
    updated_at: note.updated_at,
  };
}

function prepare(
  ctx: Ctx,
  type: SandboxEntityType,
  raw: unknown,
  index: number,
  mode: 'create' | 'update',
  scope: { entityId?: number; noteId?: number },
) {
  const issues = new Issues();
  const requestId = requestIdOf(raw, index);
  const item: JsonObject = isObject(raw) ? raw : {};
  if (!isObject(raw)) issues.add(ISSUE.type(String(index), 'array'));
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
  else if (typeof entityId === 'number' && !ctx.store.entity(type, entityId))
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
    apply: (): SandboxNote => {
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
        const single = type === 'leads' ? 'lead' : type === 'contacts' ? 'contact' : 'company';
        const data: Record<string, unknown> = { note: webhookNote(note) };
        if (type !== 'leads') data['type'] = type === 'contacts' ? 'contact' : 'company';
        ctx.events.push({
          setting: `note_${single}`,
          entity: type,
          action: 'note',
          data: data as never,
        });
      }
      return note;
    },
  };
}

function list(type: SandboxEntityType, scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const filter = recordOf(ctx.query['filter']);
    let notes: SandboxNote[];
    if (scoped) {
      const entityId = Number(ctx.params['id']);
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

function getOne(type: SandboxEntityType, scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const note = ctx.store.notes.get(Number(ctx.params['noteId']));
    if (
      !note ||
      note.entity_type !== type ||
      (scoped && note.entity_id !== Number(ctx.params['id']))
    )
      return { status: 204 };
    return { status: 200, body: render(ctx, note, withSet(ctx).has('is_pinned')) };
  };
}

function write(type: SandboxEntityType, mode: 'create' | 'update', scoped: boolean) {
  return (ctx: Ctx): Reply => {
    const entityId = scoped ? Number(ctx.params['id']) : undefined;
    if (entityId !== undefined && !ctx.store.entity(type, entityId)) fail(404, 'Entity not found');
    const items = batchBody(ctx);
    const plans = items.map((item, i) =>
      prepare(ctx, type, item, i, mode, entityId === undefined ? {} : { entityId }),
    );
    const notes = runPlans(plans);
    const refs = notes.map((n, i) => ({
      id: n.id,
      entity_id: n.entity_id,
      ...(mode === 'update' ? { updated_at: n.updated_at } : {}),
      request_id: plans[i]?.requestId ?? String(i),
      _links: self(ctx, `/api/v4/${type}/${String(n.entity_id)}/notes/${String(n.id)}`),
    }));
    return { status: 200, body: { _links: self(ctx, ctx.path), _embedded: { notes: refs } } };
  };
}

function updateOne(type: SandboxEntityType) {
  return (ctx: Ctx): Reply => {
    if (Array.isArray(ctx.body)) fail(405, 'Method Not Allowed');
    if (!isObject(ctx.body)) fail(400, 'Request data can not be empty');
    ctx.bodyItems = 1;
    const entityId = Number(ctx.params['id']);
    const noteId = Number(ctx.params['noteId']);
    const existing = ctx.store.notes.get(noteId);
    if (!existing || existing.entity_type !== type || existing.entity_id !== entityId)
      fail(404, 'Note not found');
    const plan = prepare(ctx, type, ctx.body, 0, 'update', { entityId, noteId });
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
  };
}

/** Registers the note routes. */
export function registerNoteRoutes(router: Router): void {
  for (const type of TYPES) {
    router.add('GET', `/api/v4/${type}/notes`, list(type, false));
    router.add('POST', `/api/v4/${type}/notes`, write(type, 'create', false));
    router.add('PATCH', `/api/v4/${type}/notes`, write(type, 'update', false));
    router.add('GET', `/api/v4/${type}/notes/:noteId`, getOne(type, false));
    router.add('GET', `/api/v4/${type}/:id/notes`, list(type, true));
    router.add('POST', `/api/v4/${type}/:id/notes`, write(type, 'create', true));
    router.add('PATCH', `/api/v4/${type}/:id/notes`, write(type, 'update', true));
    router.add('GET', `/api/v4/${type}/:id/notes/:noteId`, getOne(type, true));
    router.add('PATCH', `/api/v4/${type}/:id/notes/:noteId`, updateOne(type));
  }
}
