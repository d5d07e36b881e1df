/**
 * Kommo's webhook events in one table. The event types (`types.ts`), the parser's entity and
 * action sets (`parse.ts`), the encoder's wire keys (`encode.ts`), the subscription names of
 * `kommo.webhooks.subscribe` and the sandbox's deliveries all derive from {@link WEBHOOK_EVENTS}.
 *
 * Import-free on purpose: the main entry, `kommo-sdk/webhooks` and the sandbox read it without
 * loading anything else. Adding an event is a line here; see `docs/architecture.md`.
 *
 * @see https://developers.kommo.com/docs/webhooks-general
 * @module
 */

/** What the table knows about one entity of Kommo's webhooks. */
interface WebhookEntitySpec {
  /**
   * The top-level key Kommo sends it under, where that is not the entity's name: the singular
   * `task`, `message`, `talk`, and `contacts` for companies.
   *
   * @defaultValue the entity's name
   */
  readonly wire?: string;
  /**
   * The item's `type` that tells this entity apart under a wire key it shares: companies arrive
   * under `contacts` with `type=company`.
   */
  readonly type?: string;
  /**
   * The item field that holds its id.
   *
   * @defaultValue `'id'`
   */
  readonly id?: string;
  /** Ids are uuids: kept as strings even when they happen to be all digits. */
  readonly uuid?: boolean;
  /**
   * The suffix of its subscription names (`lead` in `status_lead`). Absent where Kommo
   * documents none (incoming leads, messages, catalogs).
   */
  readonly setting?: string;
  /** The actions Kommo sends, in the order of its docs (the subscription names keep it). */
  readonly actions: readonly string[];
}

/**
 * Every webhook event the SDK types, by the SDK's entity name. An event's `type` is
 * `'<entity>.<action>'` (`leads.status`); its subscription name is `<action>_<setting>`
 * (`status_lead`). Entities and actions not listed here still parse, as `unknown` events.
 */
export const WEBHOOK_EVENTS = {
  leads: {
    setting: 'lead',
    actions: ['add', 'update', 'delete', 'restore', 'status', 'responsible', 'note'],
  },
  contacts: {
    setting: 'contact',
    actions: ['add', 'update', 'delete', 'restore', 'responsible', 'note'],
  },
  companies: {
    wire: 'contacts',
    type: 'company',
    setting: 'company',
    actions: ['add', 'update', 'delete', 'restore', 'responsible', 'note'],
  },
  customers: { setting: 'customer', actions: ['add', 'update', 'delete', 'responsible', 'note'] },
  tasks: { wire: 'task', setting: 'task', actions: ['add', 'update', 'delete', 'responsible'] },
  talks: { wire: 'talk', id: 'talk_id', setting: 'talk', actions: ['add', 'update'] },
  unsorted: { id: 'uid', actions: ['add', 'update', 'delete'] },
  messages: { wire: 'message', uuid: true, actions: ['add'] },
  catalogs: { actions: ['add', 'update', 'delete'] },
} as const satisfies Readonly<Record<string, WebhookEntitySpec>>;

type Events = typeof WEBHOOK_EVENTS;

/** An entity of {@link WEBHOOK_EVENTS}: `leads`, `companies`, `tasks`… */
export type WebhookEventEntity = keyof Events;

/** The actions of one entity, from {@link WEBHOOK_EVENTS}. */
export type WebhookEventAction<E extends WebhookEventEntity> = Events[E]['actions'][number];

/** The key Kommo sends an entity under. */
export type WebhookEventWire<E extends WebhookEventEntity> = Events[E] extends {
  wire: infer W extends string;
}
  ? W
  : E;

/** The subscription names of one entity: `add_lead`, `status_lead`… */
type SettingOf<E extends WebhookEventEntity> = Events[E] extends { setting: infer S extends string }
  ? `${WebhookEventAction<E>}_${S}`
  : never;

/**
 * Subscription names Kommo documents for events the parser does not type: the WhatsApp
 * template review, whose body has no entity key (it arrives as an `unknown` event).
 */
const UNTYPED_SETTINGS = ['add_chat_template_review'] as const;

/** A subscription name Kommo documents: `add_lead`, `status_lead`, …, `add_chat_template_review`. */
export type WebhookSettingName =
  | { [E in WebhookEventEntity]: SettingOf<E> }[WebhookEventEntity]
  | (typeof UNTYPED_SETTINGS)[number];

/** The table as a `Map`: lookups by a key from a body never reach `Object.prototype`. */
export const WEBHOOK_ENTITY_SPECS: ReadonlyMap<string, WebhookEntitySpec> = /* @__PURE__ */ new Map(
  Object.entries(WEBHOOK_EVENTS),
);

function nameOf(spec: WebhookEntitySpec, action: string): string | undefined {
  return spec.setting === undefined ? undefined : `${action}_${spec.setting}`;
}

/**
 * The subscription name of an event: `webhookSetting('leads', 'status')` is `'status_lead'`.
 * `undefined` for an entity whose names Kommo does not document.
 */
export function webhookSetting<E extends WebhookEventEntity>(
  entity: E,
  action: WebhookEventAction<E>,
): SettingOf<E> | undefined {
  const spec = WEBHOOK_ENTITY_SPECS.get(entity);
  return (spec && nameOf(spec, action)) as SettingOf<E> | undefined;
}

function settingNames(): readonly WebhookSettingName[] {
  const names: string[] = [];
  for (const spec of WEBHOOK_ENTITY_SPECS.values()) {
    for (const action of spec.actions) {
      const name = nameOf(spec, action);
      if (name !== undefined) names.push(name);
    }
  }
  return [...(names as WebhookSettingName[]), ...UNTYPED_SETTINGS];
}

/**
 * The subscription names Kommo documents, in the order of its docs: what
 * `kommo.webhooks.subscribe({ settings })` takes. Names Kommo does not document (incoming
 * leads, messages, catalogs) are accepted there too.
 */
export const WEBHOOK_SETTINGS: readonly WebhookSettingName[] = /* @__PURE__ */ settingNames();
