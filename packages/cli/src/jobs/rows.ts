/**
 * Rows in and out: Kommo entities as flat CSV records or NDJSON objects (export), and CSV or
 * NDJSON rows back into the SDK's create bodies (import). Every row is checked before anything
 * is sent; an error names the row, the line and the column.
 *
 * @module
 */

import type { CustomFieldValueInput, CustomFieldValueItemInput } from 'kommo-sdk';
import { UsageError } from '../io.js';

/** The entity types export and import handle. */
const TRANSFER_ENTITIES = ['leads', 'contacts', 'companies'] as const;
/** One of {@link TRANSFER_ENTITIES}. */
export type TransferEntity = (typeof TRANSFER_ENTITIES)[number];

/** Checks an entity argument. @throws {@link UsageError} naming the known ones. */
export function transferEntity(name: string): TransferEntity {
  if ((TRANSFER_ENTITIES as readonly string[]).includes(name)) return name as TransferEntity;
  throw new UsageError(
    `unknown entity ${JSON.stringify(name)}: use one of ${TRANSFER_ENTITIES.join(', ')}`,
  );
}

/** A field definition (what import and export need of it). */
export interface FieldDef {
  id: number;
  name?: string | null | undefined;
  type?: string | null | undefined;
  code?: string | null | undefined;
  is_computed?: boolean | null | undefined;
  enums?:
    | ReadonlyArray<{
        id: number;
        value?: string | null | undefined;
        code?: string | null | undefined;
      }>
    | null
    | undefined;
}

type ColumnKind = 'id' | 'text' | 'int' | 'user' | 'time' | 'money' | 'nullable-int' | 'tags';

const COMMON: ReadonlyArray<[string, ColumnKind]> = [
  ['id', 'id'],
  ['name', 'text'],
  ['responsible_user_id', 'int'],
  ['created_by', 'user'],
  ['updated_by', 'user'],
  ['created_at', 'time'],
  ['updated_at', 'time'],
  ['tags', 'tags'],
];

/** The standard columns of each entity, in export order (custom fields follow as `cf.<id>`). */
const COLUMNS: Record<TransferEntity, ReadonlyArray<[string, ColumnKind]>> = {
  leads: [
    ...COMMON.slice(0, 2),
    ['price', 'money'],
    ['status_id', 'int'],
    ['pipeline_id', 'int'],
    ['loss_reason_id', 'nullable-int'],
    ['closed_at', 'time'],
    ...COMMON.slice(2),
  ],
  contacts: [
    ...COMMON.slice(0, 2),
    ['first_name', 'text'],
    ['last_name', 'text'],
    ...COMMON.slice(2),
  ],
  companies: COMMON,
};

/** Keys of exported objects that are Kommo's own and not written back. */
const READ_ONLY = new Set([
  'id',
  'account_id',
  'group_id',
  'is_deleted',
  'is_unsorted',
  'closest_task_at',
  'score',
  'labor_cost',
  'is_price_modified_by_robot',
  '_links',
  '_embedded',
  'request_id',
]);

/** A row that cannot be imported: the message names what is wrong. */
export class RowError extends Error {
  override readonly name = 'RowError';
}

const CF_COLUMN = /^cf\.(.+)$/;

/** The custom-field column of a field. */
function cfColumn(field: FieldDef): string {
  return `cf.${String(field.id)}`;
}

/** The fields of an entity, looked up by id or code (case-insensitive). */
export class FieldIndex {
  readonly #byId = new Map<number, FieldDef>();
  readonly #byCode = new Map<string, FieldDef>();
  /** The fields in id order. */
  readonly list: readonly FieldDef[];

  constructor(fields: readonly FieldDef[]) {
    this.list = [...fields].sort((a, b) => a.id - b.id);
    for (const f of this.list) {
      this.#byId.set(f.id, f);
      if (f.code) this.#byCode.set(f.code.toUpperCase(), f);
    }
  }

  /** A field by id (`123`) or code (`EXTERNAL_ID`). */
  find(ref: string | number): FieldDef | undefined {
    if (typeof ref === 'number') return this.#byId.get(ref);
    const text = ref.trim();
    if (/^\d+$/.test(text)) return this.#byId.get(Number(text));
    return this.#byCode.get(text.toUpperCase());
  }
}

function enumLabel(field: FieldDef, item: { enum_id?: unknown; value?: unknown }): string {
  const known = field.enums?.find((e) => e.id === item.enum_id);
  if (known?.value) return known.value;
  return typeof item.value === 'string' ? item.value : '';
}

const ENUM_TYPES = new Set(['select', 'radiobutton', 'category']);
const TEXT_TYPES = new Set(['text', 'textarea', 'url', 'streetaddress', 'tracking_data']);
const NUMBER_TYPES = new Set(['numeric', 'monetary', 'price']);
const DATE_TYPES = new Set(['date', 'date_time', 'birthday']);

type ReadValues = ReadonlyArray<Record<string, unknown>> | null | undefined;

/** One custom field's values as a CSV cell. */
function cfCell(field: FieldDef, values: ReadValues): string {
  if (!values || values.length === 0) return '';
  const type = field.type ?? '';
  const first = values[0] as Record<string, unknown>;
  if (ENUM_TYPES.has(type)) return enumLabel(field, first);
  if (type === 'multiselect') return JSON.stringify(values.map((v) => enumLabel(field, v)));
  if (type === 'multitext')
    return JSON.stringify(
      values.map((v) => ({ value: v['value'], enum_code: v['enum_code'] ?? v['enum'] ?? null })),
    );
  if (type === 'checkbox')
    return first['value'] === true || first['value'] === '1' ? 'true' : 'false';
  if (
    (TEXT_TYPES.has(type) || NUMBER_TYPES.has(type) || DATE_TYPES.has(type)) &&
    values.length === 1
  ) {
    const value = first['value'];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return JSON.stringify(values);
}

/** An exported entity as a flat CSV record: the standard columns, then `cf.<id>` per field. */
export function toCsvRecord(
  entity: TransferEntity,
  item: Record<string, unknown>,
  fields: FieldIndex,
): string[] {
  const cells: string[] = COLUMNS[entity].map(([name, kind]) => {
    if (kind === 'tags') {
      const tags =
        (item['_embedded'] as { tags?: Array<{ name?: unknown }> } | undefined)?.tags ?? [];
      const names = tags
        .map((t) => (typeof t.name === 'string' ? t.name : ''))
        .filter((n) => n !== '');
      return names.some((n) => n.includes(';')) ? JSON.stringify(names) : names.join('; ');
    }
    const value = item[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return value === null || value === undefined ? '' : JSON.stringify(value);
  });
  const cfs =
    (item['custom_fields_values'] as Array<{ field_id: number; values?: ReadValues }> | null) ?? [];
  for (const field of fields.list)
    cells.push(cfCell(field, cfs.find((c) => c.field_id === field.id)?.values));
  return cells;
}

/** The CSV header of an entity's export. */
export function csvHeader(entity: TransferEntity, fields: FieldIndex): string[] {
  return [...COLUMNS[entity].map(([name]) => name), ...fields.list.map(cfColumn)];
}

// ---------------------------------------------------------------------------------------------
// Import.

function int(value: string, column: string, min: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new RowError(
      `${column}: expected an integer${min > 0 ? ' ≥ 1' : ' ≥ 0'}, got ${JSON.stringify(value)}`,
    );
  return n;
}

function time(value: string, column: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return int(text, column, 0);
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new RowError(
      `${column}: expected unix seconds or an ISO date, got ${JSON.stringify(value)}`,
    );
  return Math.floor(ms / 1000);
}

/** A cell holding a JSON list (`[…]`). */
function jsonList(text: string, column: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RowError(`${column}: not a JSON list: ${JSON.stringify(text)}`);
  }
  if (!Array.isArray(parsed)) throw new RowError(`${column}: expected a JSON list`);
  return parsed;
}

/** A list cell: a JSON list of strings, or `a; b`. */
function listCell(cell: string, column: string): string[] {
  const text = cell.trim();
  if (text.startsWith('[')) {
    const list = jsonList(text, column);
    if (!list.every((x) => typeof x === 'string'))
      throw new RowError(`${column}: expected a list of strings`);
    return list;
  }
  return text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function optionId(field: FieldDef, label: string, column: string): number {
  const option =
    field.enums?.find((e) => e.value === label) ?? field.enums?.find((e) => String(e.id) === label);
  if (!option)
    throw new RowError(
      `${column}: "${field.name ?? field.id}" has no option ${JSON.stringify(label)} (options: ${(field.enums ?? []).map((e) => JSON.stringify(e.value)).join(', ')})`,
    );
  return option.id;
}

/** A CSV cell into the values of a field. */
function cfFromCell(field: FieldDef, cell: string, column: string): CustomFieldValueItemInput[] {
  const type = field.type ?? '';
  if (TEXT_TYPES.has(type)) return [{ value: cell }];
  if (NUMBER_TYPES.has(type)) {
    if (!Number.isFinite(Number(cell.trim())) || cell.trim() === '')
      throw new RowError(`${column}: expected a number, got ${JSON.stringify(cell)}`);
    return [{ value: cell.trim() }];
  }
  if (type === 'checkbox') {
    const text = cell.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return [{ value: true }];
    if (['false', '0', 'no'].includes(text)) return [{ value: false }];
    throw new RowError(`${column}: expected true or false, got ${JSON.stringify(cell)}`);
  }
  if (DATE_TYPES.has(type)) return [{ value: time(cell, column) }];
  if (ENUM_TYPES.has(type)) return [{ enum_id: optionId(field, cell.trim(), column) }];
  if (type === 'multiselect')
    return listCell(cell, column).map((label) => ({ enum_id: optionId(field, label, column) }));
  if (type === 'multitext') {
    const text = cell.trim();
    const kinds = field.enums ?? [];
    const defaultCode = kinds[0]?.value ?? undefined;
    if (text.startsWith('['))
      return jsonList(text, column).map((item) => multitextItem(item, defaultCode, column));
    return listCell(cell, column).map((value) => multitextItem(value, defaultCode, column));
  }
  // Other types (legal_entity, smart_address, items…): their values as Kommo's JSON list.
  return jsonList(cell.trim(), column).map((v) => writeItem(field, v, column));
}

function multitextItem(
  item: unknown,
  defaultCode: string | undefined,
  column: string,
): CustomFieldValueItemInput {
  if (typeof item === 'string')
    return defaultCode ? { value: item, enum_code: defaultCode } : { value: item };
  if (
    typeof item === 'object' &&
    item !== null &&
    typeof (item as { value?: unknown }).value === 'string'
  ) {
    const v = item as { value: string; enum_code?: unknown; enum?: unknown };
    const code =
      typeof v.enum_code === 'string'
        ? v.enum_code
        : typeof v.enum === 'string'
          ? v.enum
          : defaultCode;
    return code ? { value: v.value, enum_code: code } : { value: v.value };
  }
  throw new RowError(`${column}: expected a text or { "value": …, "enum_code": … }`);
}

/** A read value item (as exported) into a write item for this account's field. */
function writeItem(field: FieldDef, item: unknown, column: string): CustomFieldValueItemInput {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new RowError(`${column}: expected a value object`);
  const v = item as Record<string, unknown>;
  const type = field.type ?? '';
  if (ENUM_TYPES.has(type) || type === 'multiselect') {
    const byId =
      typeof v['enum_id'] === 'number'
        ? field.enums?.find((e) => e.id === v['enum_id'])
        : undefined;
    if (byId) return { enum_id: byId.id };
    if (typeof v['value'] === 'string') return { enum_id: optionId(field, v['value'], column) };
    throw new RowError(`${column}: a value of "${field.name ?? field.id}" needs enum_id or value`);
  }
  if (type === 'multitext') return multitextItem(v, field.enums?.[0]?.value ?? undefined, column);
  const out: CustomFieldValueItemInput = {};
  const value = v['value'];
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    Array.isArray(value) ||
    (typeof value === 'object' && value !== null)
  )
    out.value = value as CustomFieldValueItemInput['value'];
  if (type === 'checkbox' && (value === '1' || value === '0')) out.value = value === '1';
  if (typeof v['enum_id'] === 'number') out.enum_id = v['enum_id'];
  if (typeof v['enum_code'] === 'string' && v['enum_code'] !== '') out.enum_code = v['enum_code'];
  if (typeof v['catalog_id'] === 'number') out.catalog_id = v['catalog_id'];
  if (typeof v['catalog_element_id'] === 'number') out.catalog_element_id = v['catalog_element_id'];
  return out;
}

/** What turning rows into bodies needs to know. */
export interface RowContext {
  entity: TransferEntity;
  fields: FieldIndex;
  /** The key field (a text field), when the import writes keys. */
  keyField: FieldDef | undefined;
  /** The column (CSV) or key (NDJSON) holding each row's key. */
  keyColumn: string;
}

/** A create body and the row's key. */
export interface RowBody {
  body: Record<string, unknown>;
  key: string | undefined;
}

function setKey(ctx: RowContext, body: Record<string, unknown>, key: string | undefined): void {
  if (!ctx.keyField) return;
  if (key === undefined || key === '')
    throw new RowError(`${ctx.keyColumn}: empty key (the key column of --key-field)`);
  const list = ((body['custom_fields_values'] as CustomFieldValueInput[] | undefined) ?? []).filter(
    (e) => !('field_id' in e) || e.field_id !== ctx.keyField?.id,
  );
  list.push({ field_id: ctx.keyField.id, values: [{ value: key }] });
  body['custom_fields_values'] = list;
}

/**
 * Checks a CSV header: known standard columns, `cf.<id|code>` of fields of this entity, and the
 * key column when keys are written.
 *
 * @throws {@link RowError} naming the unknown or missing column.
 */
export function checkHeader(ctx: RowContext, header: readonly string[]): void {
  const known = new Set(COLUMNS[ctx.entity].map(([name]) => name));
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column))
      throw new RowError(`the header repeats the column ${JSON.stringify(column)}`);
    seen.add(column);
    const cf = CF_COLUMN.exec(column);
    if (cf) {
      if (!ctx.fields.find(cf[1] as string))
        throw new RowError(
          `the column ${JSON.stringify(column)} names no custom field of ${ctx.entity} in this account`,
        );
      continue;
    }
    if (!known.has(column))
      throw new RowError(
        `unknown column ${JSON.stringify(column)} (columns: ${[...known].join(', ')}, cf.<field id or code>)`,
      );
  }
  if (ctx.keyField && !seen.has(ctx.keyColumn))
    throw new RowError(
      `the file has no ${JSON.stringify(ctx.keyColumn)} column, which holds the keys of --key-field (choose another with --key-column)`,
    );
}

/** A CSV record (header → cell) into a create body. Empty cells are left out. */
export function bodyFromCsv(ctx: RowContext, record: Readonly<Record<string, string>>): RowBody {
  const body: Record<string, unknown> = {};
  const cfs: CustomFieldValueInput[] = [];
  const kinds = new Map(COLUMNS[ctx.entity]);
  for (const [column, raw] of Object.entries(record)) {
    const cell = raw;
    if (cell.trim() === '') continue;
    const cf = CF_COLUMN.exec(column);
    if (cf) {
      const field = ctx.fields.find(cf[1] as string) as FieldDef;
      if (field.is_computed) continue;
      cfs.push({ field_id: field.id, values: cfFromCell(field, cell, column) });
      continue;
    }
    const kind = kinds.get(column);
    switch (kind) {
      case 'id':
        break;
      case 'text':
        body[column] = cell;
        break;
      case 'int':
        body[column] = int(cell, column, 1);
        break;
      case 'user':
        body[column] = int(cell, column, 0);
        break;
      case 'nullable-int':
        body[column] = int(cell, column, 1);
        break;
      case 'time':
        body[column] = time(cell, column);
        break;
      case 'money': {
        const n = Number(cell.trim());
        if (!Number.isFinite(n) || n < 0)
          throw new RowError(`${column}: expected a number ≥ 0, got ${JSON.stringify(cell)}`);
        body[column] = n;
        break;
      }
      case 'tags':
        body['_embedded'] = { tags: listCell(cell, column).map((name) => ({ name })) };
        break;
      default:
        throw new RowError(`unknown column ${JSON.stringify(column)}`);
    }
  }
  if (cfs.length > 0) body['custom_fields_values'] = cfs;
  const key = record[ctx.keyColumn]?.trim();
  setKey(ctx, body, key);
  return { body, key: ctx.keyField ? key : undefined };
}

/** An exported (or hand-written) entity object into a create body. */
export function bodyFromJson(ctx: RowContext, item: unknown): RowBody {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new RowError('expected a JSON object');
  const source = item as Record<string, unknown>;
  const writable = new Set(
    COLUMNS[ctx.entity].map(([name]) => name).filter((n) => n !== 'id' && n !== 'tags'),
  );
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'custom_fields_values' || key === 'tags_to_add' || READ_ONLY.has(key)) continue;
    if (!writable.has(key))
      throw new RowError(
        `unknown key ${JSON.stringify(key)} (a ${ctx.entity.slice(0, -1)} has ${[...writable].join(', ')}, custom_fields_values, _embedded.tags)`,
      );
    if (value === null) continue;
    body[key] = value;
  }
  const tags = (source['_embedded'] as { tags?: Array<{ name?: unknown }> } | undefined)?.tags;
  if (Array.isArray(tags) && tags.length > 0)
    body['_embedded'] = {
      tags: tags.flatMap((t) => (typeof t.name === 'string' ? [{ name: t.name }] : [])),
    };
  if (Array.isArray(source['tags_to_add'])) body['tags_to_add'] = source['tags_to_add'];
  const cfs = source['custom_fields_values'];
  if (cfs !== null && cfs !== undefined) {
    if (!Array.isArray(cfs)) throw new RowError('custom_fields_values: expected a list');
    const out: CustomFieldValueInput[] = [];
    for (const entry of cfs as unknown[]) {
      const e = entry as { field_id?: unknown; field_code?: unknown; values?: unknown };
      const ref =
        typeof e.field_id === 'number'
          ? e.field_id
          : typeof e.field_code === 'string'
            ? e.field_code
            : undefined;
      const field = ref === undefined ? undefined : ctx.fields.find(ref);
      const column = `custom_fields_values[${JSON.stringify(ref ?? '?')}]`;
      if (!field)
        throw new RowError(
          `${column}: no custom field of ${ctx.entity} ${JSON.stringify(ref)} in this account`,
        );
      if (field.is_computed) continue;
      if (e.values === null) {
        out.push({ field_id: field.id, values: null });
        continue;
      }
      if (!Array.isArray(e.values)) throw new RowError(`${column}: values must be a list`);
      out.push({ field_id: field.id, values: e.values.map((v) => writeItem(field, v, column)) });
    }
    if (out.length > 0) body['custom_fields_values'] = out;
  }
  const rawKey = source[ctx.keyColumn];
  const key = typeof rawKey === 'string' || typeof rawKey === 'number' ? String(rawKey) : undefined;
  if (ctx.keyField && key === undefined)
    throw new RowError(`no ${JSON.stringify(ctx.keyColumn)} key (the key of --key-field)`);
  setKey(ctx, body, key);
  return { body, key: ctx.keyField ? key : undefined };
}

/** The key written in an entity (the first value of the key field), if any. */
export function keyOf(
  entity: { custom_fields_values?: unknown },
  fieldId: number,
): string | undefined {
  const list = entity.custom_fields_values;
  if (!Array.isArray(list)) return undefined;
  const entry = (
    list as Array<{ field_id?: unknown; values?: Array<{ value?: unknown }> | null }>
  ).find((e) => e.field_id === fieldId);
  const value = entry?.values?.[0]?.value;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
