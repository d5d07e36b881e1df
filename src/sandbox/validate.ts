/**
 * Input checks with Kommo's validation-error codes and dot paths, and the normalisation of
 * `custom_fields_values` into the shape Kommo answers with.
 *
 * @module
 */

import { ISSUE, type ValidationIssue } from './problems.js';
import { TEXT_FIELD_MAX_LENGTH } from '../facts.js';
import { driveOf } from './models/drive.js';
import type { Store } from './state.js';
import type {
  SandboxCustomField,
  SandboxCustomFieldValues,
  SandboxFieldEntityType,
  SandboxFieldValue,
} from './types.js';

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Collects issues for one submitted item. */
export class Issues {
  readonly list: ValidationIssue[] = [];
  add(issue: ValidationIssue): void {
    this.list.push(issue);
  }
  get ok(): boolean {
    return this.list.length === 0;
  }
}

/** Flags keys of `item` that are not in `allowed` (Kommo answers `FieldNotExpected`). */
export function checkKeys(
  item: JsonObject,
  allowed: ReadonlySet<string>,
  prefix: string,
  issues: Issues,
): void {
  for (const key of Object.keys(item)) {
    if (!allowed.has(key)) issues.add(ISSUE.unexpected(`${prefix}${key}`));
  }
}

/** Reads an optional int field; reports `InvalidType` on anything else. */
export function optInt(
  item: JsonObject,
  key: string,
  prefix: string,
  issues: Issues,
  nullable = false,
): number | null | undefined {
  const value = item[key];
  if (value === undefined) return undefined;
  if (value === null && nullable) return null;
  if (isInt(value)) return value;
  issues.add(ISSUE.type(`${prefix}${key}`, 'int'));
  return undefined;
}

/** Reads an optional bool field; reports `InvalidType` on anything else. */
export function optBool(
  item: JsonObject,
  key: string,
  prefix: string,
  issues: Issues,
): boolean | undefined {
  const value = item[key];
  if (value === undefined || typeof value === 'boolean') return value;
  issues.add(ISSUE.type(`${prefix}${key}`, 'bool'));
  return undefined;
}

/** Reads an optional string field. */
export function optString(
  item: JsonObject,
  key: string,
  prefix: string,
  issues: Issues,
): string | undefined {
  const value = item[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  issues.add(ISSUE.type(`${prefix}${key}`, 'string'));
  return undefined;
}

/** The `request_id` of an item: its own string, or its index. */
export function requestIdOf(item: unknown, index: number): string {
  if (isObject(item) && typeof item['request_id'] === 'string') return item['request_id'];
  return String(index);
}

function toUnixSeconds(value: unknown): number | undefined {
  if (isInt(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+$/.test(value)) return Number(value);
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  return undefined;
}

function findEnum(
  field: SandboxCustomField,
  v: JsonObject,
  path: string,
  issues: Issues,
): SandboxFieldValue | undefined {
  const options = field.enums ?? [];
  if (v['enum_id'] !== undefined) {
    const option = options.find((o) => o.id === v['enum_id']);
    if (!option) {
      issues.add(ISSUE.choice(`${path}.enum_id`));
      return undefined;
    }
    return { value: option.value, enum_id: option.id, enum_code: option.code ?? null };
  }
  if (v['enum_code'] !== undefined) {
    const option = options.find((o) => o.code === v['enum_code']);
    if (!option) {
      issues.add(ISSUE.choice(`${path}.enum_code`));
      return undefined;
    }
    return { value: option.value, enum_id: option.id, enum_code: option.code ?? null };
  }
  if (v['value'] !== undefined) {
    const option = options.find((o) => o.value === v['value']);
    if (!option) {
      issues.add(ISSUE.choice(`${path}.value`));
      return undefined;
    }
    return { value: option.value, enum_id: option.id, enum_code: option.code ?? null };
  }
  issues.add(ISSUE.missing(`${path}.enum_id`));
  return undefined;
}

/** A `file` field's value: a live Drive file, completed with its active version, name and size. */
function fileValue(
  store: Store,
  value: unknown,
  path: string,
  issues: Issues,
): SandboxFieldValue | undefined {
  const uuid = isObject(value) ? value['file_uuid'] : undefined;
  const drive = driveOf(store);
  const file = typeof uuid === 'string' ? drive.files.get(uuid) : undefined;
  if (!isObject(value) || !file || file.deleted_at !== null) {
    issues.add(ISSUE.choice(`${path}.value.file_uuid`));
    return undefined;
  }
  const versionUuid = value['version_uuid'] ?? file.version_uuid;
  const version = file.versions.find((v) => v.uuid === versionUuid);
  if (!version) {
    issues.add(ISSUE.choice(`${path}.value.version_uuid`));
    return undefined;
  }
  return {
    value: {
      file_uuid: file.uuid,
      version_uuid: version.uuid,
      file_name: typeof value['file_name'] === 'string' ? value['file_name'] : version.name,
      file_size: version.size,
    },
  };
}

function normalizeValue(
  store: Store,
  field: SandboxCustomField,
  raw: unknown,
  path: string,
  issues: Issues,
): SandboxFieldValue | undefined {
  if (!isObject(raw)) {
    issues.add(ISSUE.type(path, 'array'));
    return undefined;
  }
  const value = raw['value'];
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'url':
    case 'streetaddress':
    case 'tracking_data': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        issues.add(ISSUE.type(`${path}.value`, 'string'));
        return undefined;
      }
      const text = String(value);
      if (field.type === 'text' && text.length > TEXT_FIELD_MAX_LENGTH) {
        issues.add(ISSUE.tooLong(`${path}.value`, TEXT_FIELD_MAX_LENGTH));
        return undefined;
      }
      return { value: text };
    }
    case 'numeric': {
      const ok =
        typeof value === 'number'
          ? Number.isFinite(value)
          : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
      if (!ok) {
        issues.add(ISSUE.type(`${path}.value`, 'numeric'));
        return undefined;
      }
      // Kommo answers numeric values as strings.
      return { value: String(value) };
    }
    case 'monetary': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        issues.add(ISSUE.type(`${path}.value`, 'numeric'));
        return undefined;
      }
      return { value: n };
    }
    case 'checkbox': {
      if (typeof value === 'boolean') return { value };
      if (value === 1 || value === 0) return { value: value === 1 };
      issues.add(ISSUE.type(`${path}.value`, 'bool'));
      return undefined;
    }
    case 'date':
    case 'date_time':
    case 'birthday': {
      const sec = toUnixSeconds(value);
      if (sec === undefined) {
        issues.add(ISSUE.type(`${path}.value`, 'int'));
        return undefined;
      }
      return { value: sec };
    }
    case 'select':
    case 'radiobutton':
    case 'multiselect':
    case 'category':
      return findEnum(field, raw, path, issues);
    case 'multitext': {
      if ('enum' in raw) {
        issues.add(ISSUE.unexpected(`${path}.enum`));
        return undefined;
      }
      if (typeof value !== 'string' && typeof value !== 'number') {
        issues.add(ISSUE.type(`${path}.value`, 'string'));
        return undefined;
      }
      const options = field.enums ?? [];
      let option = options[0];
      if (raw['enum_id'] !== undefined) option = options.find((o) => o.id === raw['enum_id']);
      else if (raw['enum_code'] !== undefined)
        option = options.find((o) => o.value === raw['enum_code']);
      if (!option) {
        issues.add(
          ISSUE.choice(`${path}.${raw['enum_id'] !== undefined ? 'enum_id' : 'enum_code'}`),
        );
        return undefined;
      }
      return { value: String(value), enum_id: option.id, enum_code: option.value };
    }
    case 'file':
      return fileValue(store, value, path, issues);
    default:
      // Object-valued and catalog types: stored as sent.
      return { ...raw };
  }
}

/**
 * Applies a `custom_fields_values` write to `current`: only the sent fields change, each sent
 * field's values are replaced whole, `values: null` clears a field. Returns `null` when no
 * field is left (Kommo answers `null`, not `[]`).
 */
export function applyCustomFields(
  store: Store,
  type: SandboxFieldEntityType,
  input: unknown,
  current: SandboxCustomFieldValues[] | null,
  prefix: string,
  issues: Issues,
): SandboxCustomFieldValues[] | null {
  const path = `${prefix}custom_fields_values`;
  if (input === undefined || input === null) return current;
  if (!Array.isArray(input)) {
    issues.add(ISSUE.type(path, 'array'));
    return current;
  }
  const fields = store.fieldsOf(type);
  const next = new Map<number, SandboxCustomFieldValues>();
  for (const entry of current ?? []) next.set(entry.field_id, entry);
  input.forEach((item: unknown, i) => {
    const itemPath = `${path}.${String(i)}`;
    if (!isObject(item)) {
      issues.add(ISSUE.type(itemPath, 'array'));
      return;
    }
    checkKeys(
      item,
      new Set(['field_id', 'field_code', 'field_name', 'field_type', 'values']),
      `${itemPath}.`,
      issues,
    );
    let field: SandboxCustomField | undefined;
    if (item['field_id'] !== undefined) {
      field = fields.find((f) => f.id === item['field_id']);
      if (!field) issues.add(ISSUE.choice(`${itemPath}.field_id`));
    } else if (item['field_code'] !== undefined) {
      field = fields.find((f) => f.code !== null && f.code === item['field_code']);
      if (!field) issues.add(ISSUE.choice(`${itemPath}.field_code`));
    } else {
      issues.add(ISSUE.missing(`${itemPath}.field_id`));
    }
    if (!field) return;
    const values = item['values'];
    if (values === null) {
      next.delete(field.id);
      return;
    }
    if (!Array.isArray(values)) {
      issues.add(ISSUE.type(`${itemPath}.values`, 'array'));
      return;
    }
    const out: SandboxFieldValue[] = [];
    values.forEach((raw: unknown, j) => {
      const v = normalizeValue(store, field, raw, `${itemPath}.values.${String(j)}`, issues);
      if (v) out.push(v);
    });
    if ((field.type === 'select' || field.type === 'radiobutton') && out.length > 1) out.splice(1);
    if (out.length === 0) next.delete(field.id);
    else
      next.set(field.id, {
        field_id: field.id,
        field_name: field.name,
        field_code: field.code,
        field_type: field.type,
        values: out,
      });
  });
  const list = [...next.values()];
  return list.length > 0 ? list : null;
}
