/**
 * `kommo codegen`'s output: a TypeScript module of the account's custom fields (typed
 * read/write helpers over the SDK's `cf` builders and readers), pipelines with their statuses,
 * and users. Pure: the same account data always gives the same text.
 *
 * @module
 */

import { uniqueIdentifiers } from './names.js';

/** A field definition, as `kommo.customFields.list` gives it (only what codegen reads). */
export interface CodegenField {
  id: number;
  name?: string | null | undefined;
  type?: string | null | undefined;
  code?: string | null | undefined;
  enums?:
    | ReadonlyArray<{
        id: number;
        value?: string | null | undefined;
        code?: string | null | undefined;
        sort?: number | null | undefined;
      }>
    | null
    | undefined;
}

/** What codegen reads from the account. */
export interface CodegenInput {
  /** The account, for the header (`acme (id 31204999)`): no URL, so the output stays stable. */
  host: string;
  /** Fields per entity type; an entity type the account does not have is absent. */
  fields: Partial<Record<CodegenEntity, readonly CodegenField[]>>;
  pipelines: ReadonlyArray<{
    id: number;
    name?: string | null | undefined;
    statuses: ReadonlyArray<{ id: number; name?: string | null | undefined }>;
  }>;
  users: ReadonlyArray<{
    id: number;
    name?: string | null | undefined;
    active?: boolean | undefined;
  }>;
}

/** The entity types whose fields codegen emits. */
export const CODEGEN_ENTITIES = ['leads', 'contacts', 'companies', 'customers'] as const;
/** One of {@link CODEGEN_ENTITIES}. */
export type CodegenEntity = (typeof CODEGEN_ENTITIES)[number];

const SINGULAR: Record<CodegenEntity, string> = {
  leads: 'lead',
  contacts: 'contact',
  companies: 'company',
  customers: 'customer',
};

/** Which helper a field type gets; anything unknown is `raw`. */
function helperOf(
  type: string,
): 'text' | 'number' | 'checkbox' | 'date' | 'select' | 'multiselect' | 'multitext' | 'raw' {
  switch (type) {
    case 'text':
    case 'textarea':
    case 'url':
    case 'streetaddress':
    case 'tracking_data':
      return 'text';
    case 'numeric':
    case 'monetary':
    case 'price':
      return 'number';
    case 'checkbox':
      return 'checkbox';
    case 'date':
    case 'date_time':
    case 'birthday':
      return 'date';
    case 'select':
    case 'radiobutton':
    case 'category':
      return 'select';
    case 'multiselect':
      return 'multiselect';
    case 'multitext':
      return 'multitext';
    default:
      return 'raw';
  }
}

/** A single-quoted TypeScript string literal. */
function q(text: string): string {
  return `'${text
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}'`;
}

/** Text safe inside a `/** … *\/` comment. */
function doc(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/[\r\n]+/g, ' ');
}

const RUNTIME = `import {
  cf,
  getField,
  getFieldValues,
  type CustomFieldValueInput,
  type CustomFieldValueItemInput,
  type DateInput,
  type FieldValue,
  type WithCustomFields,
} from 'kommo-sdk';

/** An option of an enum field (select, multiselect, radiobutton, multitext kinds). */
export interface KommoEnumOption {
  readonly id: number;
  readonly value: string;
  readonly code: string | null;
}

type Entity = WithCustomFields | null | undefined;
type Options = Readonly<Record<string, KommoEnumOption>>;
/** The labels of a field's options. */
type Label<O extends Options> = O[keyof O]['value'];

function base(id: number, name: string, type: string) {
  return {
    id,
    name,
    type,
    /** The entry that clears the field (\`values: null\`). */
    clear: (): CustomFieldValueInput => cf.clear(id),
  };
}

function first(entity: Entity, id: number): FieldValue | undefined {
  return getFieldValues(entity, id)[0];
}

function textField(id: number, name: string, type: string) {
  return {
    ...base(id, name, type),
    read(entity: Entity): string | null {
      const value = first(entity, id);
      if (value === undefined || value === null) return null;
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    },
    write: (value: string): CustomFieldValueInput => cf.text(id, value),
  };
}

function numberField(id: number, name: string, type: string) {
  return {
    ...base(id, name, type),
    read(entity: Entity): number | null {
      const value = first(entity, id);
      if (typeof value === 'number') return value;
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? n : null;
    },
    /** A number, or a decimal string to keep its exact digits. */
    write: (value: number | string): CustomFieldValueInput => cf.numeric(id, value),
  };
}

function checkboxField(id: number, name: string, type: string) {
  return {
    ...base(id, name, type),
    read(entity: Entity): boolean | null {
      const value = first(entity, id);
      if (typeof value === 'boolean') return value;
      if (value === '1' || value === 'true' || value === 1) return true;
      if (value === '0' || value === 'false' || value === 0) return false;
      return null;
    },
    write: (value: boolean): CustomFieldValueInput => cf.checkbox(id, value),
  };
}

function dateField(id: number, name: string, type: string) {
  return {
    ...base(id, name, type),
    read(entity: Entity): Date | null {
      const value = first(entity, id);
      const date =
        typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : null;
      return date === null || Number.isNaN(date.getTime()) ? null : date;
    },
    /** A \`Date\`, unix seconds, or an RFC-3339 string. */
    write: (value: DateInput): CustomFieldValueInput =>
      type === 'date_time' ? cf.dateTime(id, value) : type === 'birthday' ? cf.birthday(id, value) : cf.date(id, value),
  };
}

function optionOf<O extends Options>(options: O, id: number, label: string): KommoEnumOption {
  const option = Object.values(options).find((o) => o.value === label);
  if (option === undefined) throw new TypeError(\`Field \${String(id)} has no option \${JSON.stringify(label)}: run kommo codegen again\`);
  return option;
}

function labelOf<O extends Options>(options: O, item: { enum_id?: number | null | undefined; value?: unknown }): Label<O> | (string & {}) | null {
  const known = Object.values(options).find((o) => o.id === item.enum_id);
  if (known !== undefined) return known.value;
  return typeof item.value === 'string' ? item.value : null;
}

function selectField<const O extends Options>(id: number, name: string, type: string, options: O) {
  return {
    ...base(id, name, type),
    options,
    /** The chosen option's label; one added after codegen reads as its label too. */
    read(entity: Entity): Label<O> | (string & {}) | null {
      const item = getField(entity, id)?.values?.[0];
      return item ? labelOf(options, item) : null;
    },
    /** The entry choosing this option (by its enum id). */
    write: (label: Label<O>): CustomFieldValueInput => cf.select(id, { enum_id: optionOf(options, id, label).id }),
  };
}

function multiselectField<const O extends Options>(id: number, name: string, type: string, options: O) {
  return {
    ...base(id, name, type),
    options,
    read(entity: Entity): Array<Label<O> | (string & {})> {
      return (getField(entity, id)?.values ?? []).flatMap((item) => {
        const label = labelOf(options, item);
        return label === null ? [] : [label];
      });
    },
    /** The full list of chosen options (it replaces the old list). */
    write: (labels: ReadonlyArray<Label<O>>): CustomFieldValueInput =>
      cf.multiselect(id, labels.map((label) => ({ enum_id: optionOf(options, id, label).id }))),
  };
}

function multitextField<const O extends Options>(id: number, name: string, type: string, options: O, defaultKind: Label<O> | null) {
  return {
    ...base(id, name, type),
    options,
    read(entity: Entity): Array<{ value: string; kind: Label<O> | (string & {}) | null }> {
      return (getField(entity, id)?.values ?? []).flatMap((item) =>
        typeof item.value === 'string' || typeof item.value === 'number'
          ? [{ value: String(item.value), kind: item.enum_code ?? item.enum ?? labelOf(options, { enum_id: item.enum_id }) }]
          : [],
      );
    },
    /** The full list (it replaces the old one); strings get the first kind. */
    write: (values: ReadonlyArray<string | { value: string; kind: Label<O> }>): CustomFieldValueInput =>
      cf.multitext(
        id,
        values.map((v) => {
          const kind = typeof v === 'string' ? defaultKind : v.kind;
          const text = typeof v === 'string' ? v : v.value;
          return kind === null ? { value: text } : { value: text, enum_code: kind };
        }),
      ),
  };
}

function rawField(id: number, name: string, type: string) {
  return {
    ...base(id, name, type),
    read: (entity: Entity): FieldValue[] => getFieldValues(entity, id),
    write: (values: CustomFieldValueItemInput[] | null): CustomFieldValueInput => cf.raw(id, values),
  };
}
`;

function optionsLiteral(field: CodegenField, indent: string): string {
  const enums = [...(field.enums ?? [])].sort((a, b) => a.id - b.id);
  if (enums.length === 0) return '{}';
  const names = uniqueIdentifiers(
    enums.map((e) => ({ id: e.id, name: e.value ?? null, source: e })),
    'option',
  );
  const lines = [...names.entries()]
    .sort(([a], [b]) => a.id - b.id)
    .map(
      ([e, name]) =>
        `${indent}  ${name}: { id: ${String(e.id)}, value: ${q(e.source.value ?? '')}, code: ${e.source.code ? q(e.source.code) : 'null'} },`,
    );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function fieldLine(field: CodegenField, name: string): string {
  const type = field.type ?? 'unknown';
  const helper = helperOf(type);
  const args = `${String(field.id)}, ${q(field.name ?? '')}, ${q(type)}`;
  const comment = `  /** ${doc(field.name ?? '(no name)')}: ${doc(type)}, id ${String(field.id)}${field.code ? `, code ${doc(field.code)}` : ''}. */\n`;
  switch (helper) {
    case 'select':
    case 'multiselect':
      return `${comment}  ${name}: ${helper}Field(${args}, ${optionsLiteral(field, '  ')}),`;
    case 'multitext': {
      const firstKind = [...(field.enums ?? [])].sort((a, b) => a.id - b.id)[0]?.value;
      return `${comment}  ${name}: multitextField(${args}, ${optionsLiteral(field, '  ')}, ${firstKind ? q(firstKind) : 'null'}),`;
    }
    default:
      return `${comment}  ${name}: ${helper}Field(${args}),`;
  }
}

/**
 * The generated module's text. Fields, options, pipelines, statuses and users are ordered by
 * id, names resolved by {@link uniqueIdentifiers}: an unchanged account gives the same bytes.
 */
export function generateModule(input: CodegenInput): string {
  const parts: string[] = [
    `/**
 * The custom fields, pipelines and users of the Kommo account ${doc(input.host)}, generated by
 * \`kommo codegen\`. Do not edit: run \`kommo codegen\` again after changing the account. A field
 * removed from the account then disappears from here, and code that used it stops compiling.
 *
 * Each field helper has \`id\`, \`name\`, \`type\`, \`read(entity)\`, \`write(value)\` (the
 * \`custom_fields_values\` entry to send) and \`clear()\`; enum fields also have \`options\`.
 *
 * @example
 * \`\`\`ts
 * const lead = await kommo.leads.get(id);
 * const value = leadFields.someField.read(lead);
 * await kommo.leads.update(id, { custom_fields_values: [leadFields.someField.write(value)] });
 * \`\`\`
 */
/* eslint-disable */`,
    RUNTIME,
  ];
  for (const entity of CODEGEN_ENTITIES) {
    const fields = input.fields[entity];
    if (fields === undefined) continue;
    const singular = SINGULAR[entity];
    const names = uniqueIdentifiers(fields, 'field');
    const sorted = [...fields].sort((a, b) => a.id - b.id);
    parts.push(
      `/** The custom fields of ${entity} (${String(sorted.length)}). */
export const ${singular}Fields = {
${sorted.map((f) => fieldLine(f, names.get(f) as string)).join('\n')}
} as const;

/** The ids of the custom fields of ${entity}, by name. */
export const ${singular.toUpperCase()}_FIELD_IDS = {
${sorted.map((f) => `  ${names.get(f) as string}: ${String(f.id)},`).join('\n')}
} as const;
`,
    );
  }

  const pipelines = uniqueIdentifiers(input.pipelines, 'pipeline');
  const pipelineLines = [...input.pipelines]
    .sort((a, b) => a.id - b.id)
    .map((p) => {
      const statuses = uniqueIdentifiers(p.statuses, 'status');
      const inner = [...p.statuses]
        .sort((a, b) => a.id - b.id)
        .map(
          (s) =>
            `      /** ${doc(s.name ?? '')} */\n      ${statuses.get(s) as string}: ${String(s.id)},`,
        )
        .join('\n');
      return `  /** ${doc(p.name ?? '')} */\n  ${pipelines.get(p) as string}: {\n    id: ${String(p.id)},\n    name: ${q(p.name ?? '')},\n    /** Status ids by name (142 won, 143 lost). */\n    statuses: {\n${inner}\n    },\n  },`;
    });
  parts.push(`/** The lead pipelines and their status ids. */
export const PIPELINES = {
${pipelineLines.join('\n')}
} as const;
`);

  const users = uniqueIdentifiers(input.users, 'user');
  const userLines = [...input.users]
    .sort((a, b) => a.id - b.id)
    .map(
      (u) =>
        `  /** ${doc(u.name ?? '')}${u.active === false ? ' (inactive)' : ''} */\n  ${users.get(u) as string}: ${String(u.id)},`,
    );
  parts.push(`/** The account's user ids, by name. */
export const USERS = {
${userLines.join('\n')}
} as const;
`);
  return parts.join('\n');
}
