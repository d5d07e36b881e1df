/**
 * The seeded account: users, pipelines, custom fields, loss reasons, and a realistic set of
 * contacts, companies, leads and notes. Deterministic for a given `random` seed.
 *
 * @module
 */

import { LOST_STATUS_ID, WON_STATUS_ID } from '../facts.js';
import { pick, prngAt } from './prng.js';
import type {
  SandboxAccount,
  SandboxCatalog,
  SandboxCatalogElement,
  SandboxCustomField,
  SandboxCustomFieldGroup,
  SandboxCustomFieldValues,
  SandboxEntityType,
  SandboxEvent,
  SandboxFieldEnum,
  SandboxLead,
  SandboxLossReason,
  SandboxPipeline,
  SandboxRole,
  SandboxStatus,
  SandboxTask,
  SandboxUser,
  SandboxUsersGroup,
} from './types.js';

/** Unix time the seed data is anchored at (2025-11-24), so it never depends on the clock. */
export const SEED_EPOCH = 1_764_000_000;
/** The account id of the sandbox. */
export const ACCOUNT_ID = 31_204_999;
/** First id of seeded leads; lead ids grow by 2 (never assume sequential ids). */
export const LEAD_ID_BASE = 20_000_001;
/** The most leads built eagerly (with contacts, tags and notes); the rest are generated lazily. */
export const EAGER_LEADS = 20;

/** Well-known ids of the seed, for tests and examples. */
export const SEED_IDS = {
  adminUserId: 8_375_357,
  managerUserIds: [8_375_360, 8_375_363, 8_375_366] as const,
  inactiveUserId: 8_375_369,
  mainPipelineId: 3_177_727,
  secondPipelineId: 3_177_730,
  unsortedStatusId: 32_392_156,
  firstStatusId: 32_392_159,
  wonStatusId: WON_STATUS_ID,
  lostStatusId: LOST_STATUS_ID,
  phoneFieldId: 178_382,
  emailFieldId: 178_384,
} as const;

const ts = (sec: number): number => SEED_EPOCH - sec;

function leadsRights(view: string): Record<string, string> {
  return { view, edit: view, add: view, delete: view, export: view };
}

export function seedAccount(subdomain: string): SandboxAccount {
  return {
    id: ACCOUNT_ID,
    name: 'Sandbox Sales',
    subdomain,
    domain: `${subdomain}.kommo.com`,
    created_at: ts(86_400 * 600),
    created_by: 0,
    updated_at: ts(86_400),
    updated_by: SEED_IDS.adminUserId,
    current_user_id: SEED_IDS.adminUserId,
    country: 'US',
    currency: 'USD',
    currency_symbol: '$',
    customers_mode: 'disabled',
    is_unsorted_on: true,
    is_loss_reason_enabled: true,
    is_helpbot_enabled: false,
    is_technical_account: false,
    contact_name_display_order: 1,
    amojo_id: 'f3c6340d-410e-4ad1-9f7e-c5e663599909',
    uuid: '824f3a59-6154-4edf-ba90-0b5593715d07',
    version: 16,
    task_types: [
      { id: 1, name: 'Follow-up', color: null, icon_id: null, code: 'FOLLOW_UP' },
      { id: 2, name: 'Meeting', color: null, icon_id: null, code: 'MEETING' },
      { id: 2_901_453, name: 'Send proposal', color: '#ffc8c8', icon_id: 5, code: null },
    ],
    timezone: 'America/New_York',
  };
}

export function seedUsers(): {
  users: SandboxUser[];
  roles: SandboxRole[];
  groups: SandboxUsersGroup[];
} {
  const all = { ...leadsRights('A') };
  const admin: SandboxUser = {
    id: SEED_IDS.adminUserId,
    name: 'Olivia Admin',
    email: 'admin@sandbox.example',
    lang: 'en',
    uuid: null,
    amojo_id: 'a6c9e1f2-24b1-4c73-9f68-0d2b1bc7368f',
    user_rank: 'master',
    phone_number: null,
    rights: {
      leads: all,
      contacts: all,
      companies: all,
      tasks: { edit: 'A', delete: 'A' },
      mail_access: true,
      catalog_access: true,
      status_rights: null,
      is_admin: true,
      is_free: false,
      is_active: true,
      group_id: null,
      role_id: null,
    },
  };
  const managerNames = ['Ana Souza', 'Bruno Lima', 'Carla Mendes'];
  const managers = SEED_IDS.managerUserIds.map((id, i): SandboxUser => ({
    id,
    name: managerNames[i] ?? 'Manager',
    email: `${(managerNames[i] ?? 'manager').split(' ')[0]?.toLowerCase() ?? 'm'}@sandbox.example`,
    lang: i === 1 ? 'es' : 'en',
    uuid: `5f2d2c4e-1a7b-4e0a-9c2e-7c1f0a9b3e1${String(i)}`,
    amojo_id: null,
    user_rank: 'newbie',
    phone_number: `+1555010${String(i).padStart(4, '0')}`,
    rights: {
      leads: { view: 'A', edit: 'A', add: 'A', delete: 'D', export: 'M' },
      contacts: { view: 'A', edit: 'A', add: 'A', delete: 'M', export: 'D' },
      companies: { view: 'A', edit: 'G', add: 'G', delete: 'D', export: 'D' },
      tasks: { edit: 'A', delete: 'A' },
      mail_access: true,
      catalog_access: false,
      status_rights: [
        {
          entity_type: 'leads',
          pipeline_id: SEED_IDS.mainPipelineId,
          status_id: SEED_IDS.unsortedStatusId,
          rights: { view: 'A', edit: 'A', delete: 'D' },
        },
      ],
      is_admin: false,
      is_free: false,
      is_active: true,
      group_id: 0,
      role_id: 3141,
    },
  }));
  const inactive: SandboxUser = {
    id: SEED_IDS.inactiveUserId,
    name: 'Diego Rocha (left)',
    email: 'diego@sandbox.example',
    lang: 'pt',
    uuid: null,
    amojo_id: null,
    user_rank: null,
    phone_number: null,
    rights: {
      leads: leadsRights('D'),
      contacts: leadsRights('D'),
      companies: leadsRights('D'),
      tasks: { edit: 'D', delete: 'D' },
      mail_access: false,
      catalog_access: false,
      status_rights: [],
      is_admin: false,
      is_free: true,
      is_active: false,
      group_id: 412_907,
      role_id: null,
    },
  };
  return {
    users: [admin, ...managers, inactive],
    roles: [{ id: 3141, name: 'Manager' }],
    groups: [
      { id: 0, name: 'Sales department', uuid: null },
      { id: 412_907, name: 'Support', uuid: '4d0e3b4c-29a4-4b3f-9a52-3a9f7d0f2f11' },
    ],
  };
}

function status(
  pipeline_id: number,
  id: number,
  name: string,
  sort: number,
  color: string,
  type = 0,
): SandboxStatus {
  return {
    id,
    name,
    sort,
    is_editable: type === 0 && id !== WON_STATUS_ID && id !== LOST_STATUS_ID,
    pipeline_id,
    color,
    type,
    account_id: ACCOUNT_ID,
    descriptions: [],
  };
}

export function seedPipelines(): SandboxPipeline[] {
  const main = SEED_IDS.mainPipelineId;
  const second = SEED_IDS.secondPipelineId;
  return [
    {
      id: main,
      name: 'Sales',
      sort: 1,
      is_main: true,
      is_unsorted_on: true,
      is_archive: false,
      account_id: ACCOUNT_ID,
      statuses: [
        status(main, SEED_IDS.unsortedStatusId, 'Incoming leads', 10, '#c1c1c1', 1),
        status(main, SEED_IDS.firstStatusId, 'Initial contact', 20, '#99ccff'),
        status(main, 32_392_162, 'Qualified', 30, '#ffff99'),
        status(main, 32_392_165, 'Proposal sent', 40, '#ffcc66'),
        status(main, 32_392_168, 'Negotiation', 50, '#ffdbdb'),
        status(main, WON_STATUS_ID, 'Closed - won', 10_000, '#CCFF66'),
        status(main, LOST_STATUS_ID, 'Closed - lost', 11_000, '#D5D8DB'),
      ],
    },
    {
      id: second,
      name: 'Partners',
      sort: 2,
      is_main: false,
      is_unsorted_on: true,
      is_archive: false,
      account_id: ACCOUNT_ID,
      statuses: [
        status(second, 32_392_171, 'Incoming leads', 10, '#c1c1c1', 1),
        status(second, 32_392_174, 'New partner', 20, '#fffeb2'),
        status(second, 32_392_177, 'In talks', 30, '#d6eaff'),
        status(second, WON_STATUS_ID, 'Успешно реализовано', 10_000, '#CCFF66'),
        status(second, LOST_STATUS_ID, 'Закрыто и не реализовано', 11_000, '#D5D8DB'),
      ],
    },
  ];
}

export function seedLossReasons(): SandboxLossReason[] {
  return [
    { id: 4_203_748, name: 'Too expensive', sort: 100, created_at: ts(9e6), updated_at: ts(9e6) },
    {
      id: 4_203_751,
      name: 'Chose a competitor',
      sort: 200,
      created_at: ts(9e6),
      updated_at: ts(9e6),
    },
    { id: 4_203_754, name: 'No response', sort: 300, created_at: ts(9e6), updated_at: ts(9e6) },
  ];
}

function field(
  entity_type: SandboxEntityType,
  id: number,
  name: string,
  type: string,
  extra: Partial<SandboxCustomField> = {},
): SandboxCustomField {
  return {
    id,
    name,
    type,
    account_id: ACCOUNT_ID,
    code: null,
    sort: 500,
    is_api_only: false,
    enums: null,
    group_id: null,
    required_statuses: [],
    is_deletable: true,
    is_predefined: false,
    entity_type,
    remind: null,
    currency: null,
    hidden_statuses: [],
    is_computed: false,
    ...extra,
  };
}

const enums = (
  first: number,
  values: readonly string[],
  codes?: readonly (string | null)[],
): SandboxFieldEnum[] =>
  values.map((value, i) => ({
    id: first + i * 2,
    value,
    sort: (i + 1) * 10,
    ...(codes ? { code: codes[i] ?? null } : {}),
  }));

const PHONE_CODES = ['WORK', 'WORKDD', 'MOB', 'FAX', 'HOME', 'OTHER'];
const EMAIL_CODES = ['WORK', 'PRIV', 'OTHER'];

export function seedCustomFields(): {
  fields: SandboxCustomField[];
  groups: SandboxCustomFieldGroup[];
} {
  const fields: SandboxCustomField[] = [
    field('leads', 1_246_483, 'Comment', 'text', { sort: 510 }),
    field('leads', 1_268_301, 'Discount %', 'numeric', { sort: 520 }),
    field('leads', 1_276_648, 'Received message', 'checkbox', { sort: 530 }),
    field('leads', 1_271_495, 'Entry channel', 'select', {
      sort: 540,
      enums: enums(919_467, ['WhatsApp', 'Instagram', 'Site form'], [null, null, 'SITE']),
    }),
    field('leads', 1_276_694, 'Interests', 'multiselect', {
      sort: 550,
      group_id: 'leads_29741591099841',
      enums: enums(925_364, ['Consulting', 'Software', 'Support']),
    }),
    field('leads', 1_251_808, 'Contract date', 'date', { sort: 560 }),
    field('leads', 1_251_802, 'Appointment', 'date_time', { sort: 570 }),
    field('leads', 1_280_049, 'Calendar link', 'url', { sort: 580 }),
    field('leads', 1_268_288, 'Last messages', 'textarea', { sort: 590, is_api_only: true }),
    field('leads', 1_269_640, 'Preferred contact', 'radiobutton', {
      sort: 600,
      enums: enums(566_640, ['Email', 'Phone']),
    }),
    // A text field for an importer's own keys (`kommo import --key-field EXTERNAL_ID`).
    field('leads', 1_280_101, 'External ID', 'text', { code: 'EXTERNAL_ID', sort: 610 }),
    field('leads', 771_926, 'utm_source', 'tracking_data', {
      code: 'UTM_SOURCE',
      sort: 10,
      is_predefined: true,
      is_deletable: false,
      group_id: 'leads_statistic',
    }),
    field('contacts', SEED_IDS.phoneFieldId, 'Phone', 'multitext', {
      code: 'PHONE',
      sort: 4,
      is_predefined: true,
      is_deletable: false,
      enums: enums(126_290, PHONE_CODES),
    }),
    field('contacts', SEED_IDS.emailFieldId, 'Email', 'multitext', {
      code: 'EMAIL',
      sort: 6,
      is_predefined: true,
      is_deletable: false,
      enums: enums(126_302, EMAIL_CODES),
    }),
    field('contacts', 178_380, 'Position', 'text', {
      code: 'POSITION',
      sort: 2,
      is_predefined: true,
      is_deletable: false,
    }),
    field('contacts', 782_386, 'Birthday', 'birthday', { remind: 'never' }),
    field('contacts', 782_390, 'Customer type', 'select', {
      enums: enums(782_392, ['Retail', 'Wholesale']),
    }),
    field('contacts', 782_398, 'External ID', 'text', { code: 'EXTERNAL_ID' }),
    field('companies', 178_390, 'Phone', 'multitext', {
      code: 'PHONE',
      sort: 4,
      is_predefined: true,
      is_deletable: false,
      enums: enums(126_320, PHONE_CODES),
    }),
    field('companies', 178_392, 'Email', 'multitext', {
      code: 'EMAIL',
      sort: 6,
      is_predefined: true,
      is_deletable: false,
      enums: enums(126_340, EMAIL_CODES),
    }),
    field('companies', 178_394, 'Web', 'url', {
      code: 'WEB',
      sort: 8,
      is_predefined: true,
      is_deletable: false,
    }),
    field('companies', 178_396, 'Address', 'textarea', {
      code: 'ADDRESS',
      sort: 10,
      is_predefined: true,
      is_deletable: false,
    }),
    field('companies', 178_398, 'External ID', 'text', { code: 'EXTERNAL_ID' }),
  ];
  const groups: SandboxCustomFieldGroup[] = [
    {
      id: 'leads_statistic',
      name: 'Statistics',
      sort: 1,
      entity_type: 'leads',
      is_predefined: true,
      type: 'custom_field_group',
    },
    {
      id: 'leads_29741591099841',
      name: 'Delivery',
      sort: 3,
      entity_type: 'leads',
      is_predefined: false,
      type: 'custom_field_group',
    },
    {
      id: 'contacts_10398541771220',
      name: 'Social',
      sort: 2,
      entity_type: 'contacts',
      is_predefined: false,
      type: 'custom_field_group',
    },
  ];
  return { fields, groups };
}

export const FIRST_NAMES = [
  'Sam',
  'Maria',
  'João',
  'Li',
  'Fatima',
  'Ivan',
  'Chloé',
  'Noah',
  'Aisha',
  'Lucas',
  'Emma',
  'Yuki',
];
export const LAST_NAMES = [
  'Doe',
  'Silva',
  'Santos',
  'Wang',
  'Khan',
  'Иванов',
  'Martin',
  'Smith',
  'Hassan',
  'Costa',
  'Müller',
  'Tanaka',
];
export const COMPANY_NAMES = [
  'Acme LLC',
  'Globex Corp',
  'Initech',
  'Umbrella Ltda',
  'Stark Industries',
  'Wayne Enterprises',
];
const LEAD_TOPICS = [
  'Website order',
  'Demo request',
  'Annual plan',
  'Consulting',
  'Support contract',
  'Renewal',
  'Upgrade',
  'Pilot project',
];

/** Formats a phone the way people type them: the sandbox never normalises stored values. */
export function phoneFor(n: number): string {
  const digits = String(5_550_100_000 + n).padStart(10, '0');
  switch (n % 4) {
    case 0:
      return `+1 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
    case 1:
      return `+1 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
    case 2:
      return `1${digits}`;
    default:
      return `+1${digits}`;
  }
}

/** Everything a generated lead needs to know about the account. */
export interface LeadGeneratorContext {
  seed: number;
  pipelines: readonly SandboxPipeline[];
  responsibleIds: readonly number[];
  fields: readonly SandboxCustomField[];
}

/**
 * Builds seeded lead number `index` (0-based) with id `id`. Pure: the same inputs always give
 * the same lead, so a 100,000-lead account costs nothing until a lead is read.
 */
export function generateLead(
  ctx: LeadGeneratorContext,
  index: number,
  id: number,
  total: number,
): SandboxLead {
  const random = prngAt(ctx.seed, index);
  const pipeline = random() < 0.85 ? ctx.pipelines[0] : (ctx.pipelines[1] ?? ctx.pipelines[0]);
  const statuses = pipeline?.statuses.filter((s) => s.type === 0) ?? [];
  const stage = statuses.length > 0 ? pick(random, statuses) : undefined;
  // Older leads first: ids and created_at grow together.
  const created = SEED_EPOCH - (total - index) * 300 - Math.floor(random() * 200);
  const updated = created + Math.floor(random() * 86_400);
  const closed =
    stage && (stage.id === WON_STATUS_ID || stage.id === LOST_STATUS_ID) ? updated : null;
  const cf: SandboxCustomFieldValues[] = [];
  const channel = ctx.fields.find((f) => f.id === 1_271_495);
  if (channel?.enums && random() < 0.6) {
    const option = pick(random, channel.enums);
    cf.push({
      field_id: channel.id,
      field_name: channel.name,
      field_code: channel.code,
      field_type: channel.type,
      values: [{ value: option.value, enum_id: option.id, enum_code: option.code ?? null }],
    });
  }
  if (random() < 0.3) {
    cf.push({
      field_id: 1_268_301,
      field_name: 'Discount %',
      field_code: null,
      field_type: 'numeric',
      values: [{ value: String(Math.floor(random() * 30)) }],
    });
  }
  return {
    id,
    name: `${pick(random, LEAD_TOPICS)} #${String(index + 1)}`,
    price: random() < 0.1 ? null : Math.floor(random() * 200) * 50,
    responsible_user_id: pick(random, ctx.responsibleIds),
    group_id: 0,
    status_id: stage?.id ?? SEED_IDS.firstStatusId,
    pipeline_id: pipeline?.id ?? SEED_IDS.mainPipelineId,
    loss_reason_id: stage?.id === LOST_STATUS_ID && random() < 0.7 ? 4_203_748 : null,
    created_by: random() < 0.3 ? 0 : pick(random, ctx.responsibleIds),
    updated_by: pick(random, ctx.responsibleIds),
    created_at: created,
    updated_at: updated,
    closed_at: closed,
    closest_task_at: random() < 0.2 ? updated + 86_400 : null,
    is_deleted: false,
    is_unsorted: false,
    custom_fields_values: cf.length > 0 ? cf : null,
    score: null,
    account_id: ACCOUNT_ID,
    labor_cost: null,
    tag_ids: [],
  };
}

/** One open follow-up task on every third seeded lead, and a completed meeting on the first. */
export function seedTasks(leads: readonly SandboxLead[]): SandboxTask[] {
  const tasks: SandboxTask[] = [];
  leads.forEach((lead, i) => {
    if (i % 3 !== 0) return;
    const done = i === 0;
    tasks.push({
      id: 9_000_001 + i * 2,
      created_by: lead.responsible_user_id,
      updated_by: lead.responsible_user_id,
      created_at: lead.created_at + 1200,
      updated_at: lead.created_at + (done ? 5000 : 1200),
      responsible_user_id: lead.responsible_user_id,
      group_id: 0,
      entity_id: lead.id,
      entity_type: 'leads',
      duration: done ? 1800 : 0,
      is_completed: done,
      task_type_id: done ? 2 : 1,
      text: done ? 'Demo meeting' : 'Call back about the quote',
      result: done ? { text: 'Client agreed, meeting on Friday' } : null,
      complete_till: lead.created_at + 86_400,
      account_id: ACCOUNT_ID,
    });
  });
  return tasks;
}

/** `lead_added` for every seeded lead, `task_added` for every seeded task. */
export function seedEvents(
  leads: readonly SandboxLead[],
  tasks: readonly SandboxTask[],
): Array<Omit<SandboxEvent, 'id' | 'account_id'>> {
  const events: Array<Omit<SandboxEvent, 'id' | 'account_id'>> = [
    ...leads.map((lead) => ({
      type: 'lead_added',
      entity_id: lead.id,
      entity_type: 'lead',
      created_by: lead.created_by,
      created_at: lead.created_at,
      value_after: [{ lead_status: { id: lead.status_id, pipeline_id: lead.pipeline_id } }],
      value_before: [],
    })),
    ...tasks.map((task) => ({
      type: 'task_added',
      entity_id: task.id,
      entity_type: 'task',
      created_by: task.created_by,
      created_at: task.created_at,
      value_after: [{ task: { text: task.text } }],
      value_before: [],
    })),
  ];
  return events.sort((a, b) => a.created_at - b.created_at);
}

/** A products catalog with two elements. */
export function seedCatalogs(): {
  catalogs: SandboxCatalog[];
  elements: SandboxCatalogElement[];
} {
  const at = ts(86_400 * 30);
  return {
    catalogs: [
      {
        id: 7_001,
        name: 'Products',
        created_by: SEED_IDS.adminUserId,
        updated_by: SEED_IDS.adminUserId,
        created_at: at,
        updated_at: at,
        sort: 10,
        type: 'products',
        can_add_elements: true,
        can_show_in_cards: false,
        can_link_multiple: true,
        can_be_deleted: false,
        sdk_widget_code: null,
        account_id: ACCOUNT_ID,
      },
    ],
    elements: ['Phone X', 'Phone X case'].map((name, i) => ({
      id: 2_800_001 + i * 2,
      catalog_id: 7_001,
      name,
      created_by: SEED_IDS.adminUserId,
      updated_by: SEED_IDS.adminUserId,
      created_at: at,
      updated_at: at,
      is_deleted: false,
      custom_fields_values: null,
      account_id: ACCOUNT_ID,
    })),
  };
}
