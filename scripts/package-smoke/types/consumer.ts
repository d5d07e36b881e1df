/**
 * A consumer's view of the PACKED package's declarations. `scripts/test-package.sh` type-checks
 * this file (as `.mts` and `.cts` under NodeNext/Node16, as `.ts` under Bundler and node10) with
 * `strict` and `skipLibCheck: false`. It must compile with 0 errors.
 *
 * Why each probe looks the way it does: when a `.d.ts` names something it did not emit, a
 * consumer with `skipLibCheck: true` sees no error and the type silently becomes `any`. So
 * every public item type gets an `IsAny` probe plus one known field compared with `Equal`
 * (exact, both directions, and `Equal<any, X>` is false). Item types are loose objects whose
 * unknown keys read as `unknown`, so the field must be a real one: a misspelt key fails too.
 *
 * Adding a resource or an item type? Add a row to `ItemProbes`. Adding an entry to `exports`?
 * Import it here (the script refuses an entry this file does not import).
 */
import {
  Kommo,
  KommoError,
  PagePromise,
  type Account,
  type BonusPointsBalance,
  type CallRef,
  type Catalog,
  type ChatTemplate,
  type ChatTemplateReview,
  type Currency,
  type Customer,
  type CustomerSegment,
  type CustomerStatus,
  type CustomerTransaction,
  type EntitySubscription,
  type CatalogElement,
  type Company,
  type Contact,
  type CustomField,
  type CustomFieldGroup,
  type DriveFile,
  type DriveFileVersion,
  type EntityFile,
  type FileLinks,
  UploadInterruptedError,
  type EntityLink,
  type EventTypeInfo,
  type KommoEvent,
  type Lead,
  type LossReason,
  type Note,
  type Page,
  type Pipeline,
  type PipelineStatus,
  type Role,
  type RoleRef,
  type ShortLink,
  type Source,
  type Tag,
  type Talk,
  type Task,
  type TokenSet,
  type Unsorted,
  type User,
  type WebhookSubscription,
  type WebsiteButton,
  type Widget,
} from 'kommo-sdk';
import {
  parseWebhook,
  type WebhookCatalogEvent,
  type WebhookCompanyEvent,
  type WebhookContactEvent,
  type WebhookCustomerEvent,
  type WebhookEvent,
  type WebhookLeadEvent,
  type WebhookMessageEvent,
  type WebhookPayload,
  type WebhookTalkEvent,
  type WebhookTaskEvent,
  type WebhookUnknownEvent,
  type WebhookUnsortedEvent,
} from 'kommo-sdk/webhooks';
import { startSandbox, type Sandbox } from 'kommo-sdk/sandbox';
import { RedisTokenStore } from 'kommo-sdk/redis';
import { KommoChats, type Chat, type ChatsEvent, type ChatsMessageEvent } from 'kommo-sdk/chats';
import { FileChatInbox } from 'kommo-sdk/chats/file-inbox';
import {
  bot,
  createSalesbotHandler,
  type SalesbotHandler,
  type SalesbotWidgetRequest,
} from 'kommo-sdk/salesbot';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `never`: the error names whatever is left. */
type ExpectNever<T extends never> = T;
type Expect<T extends true> = T;

declare const absurd: unique symbol;
/**
 * Nothing real is assignable to it, while `any` is, and so is the error type TypeScript gives
 * a declaration that names a missing symbol. Type-level probes cannot see that error type (it
 * passes every conditional), so each group below also ends in `@ts-expect-error`-guarded
 * `satisfies Absurd` on the union of its types: one `any` makes the union `any`, the
 * expected error disappears, and the unused directive fails the check.
 */
interface Absurd {
  readonly [absurd]: never;
}

/** `[item type, one of its fields, that field's exact type]`. */
interface ItemProbes {
  Lead: [Lead, Lead['price'], number | null | undefined];
  Contact: [Contact, Contact['first_name'], string | null | undefined];
  Company: [Company, Company['id'], number];
  Pipeline: [Pipeline, Pipeline['is_main'], boolean | null | undefined];
  PipelineStatus: [PipelineStatus, PipelineStatus['id'], number];
  User: [User, User['email'], string | null | undefined];
  Role: [Role, Role['id'], number];
  Note: [Note, Note['id'], number];
  CustomField: [CustomField, CustomField['id'], number];
  CustomFieldGroup: [CustomFieldGroup, CustomFieldGroup['id'], number | string];
  Task: [Task, Task['id'], number];
  Tag: [Tag, Tag['color'], string | null | undefined];
  EntityLink: [EntityLink, EntityLink['to_entity_id'], number];
  KommoEvent: [KommoEvent, KommoEvent['id'], string];
  EventTypeInfo: [EventTypeInfo, EventTypeInfo['key'], string];
  Unsorted: [Unsorted, Unsorted['uid'], string];
  LossReason: [LossReason, LossReason['id'], number];
  Source: [Source, Source['external_id'], string | null | undefined];
  Catalog: [Catalog, Catalog['can_add_elements'], boolean | null | undefined];
  CatalogElement: [CatalogElement, CatalogElement['catalog_id'], number | null | undefined];
  WebhookSubscription: [WebhookSubscription, WebhookSubscription['destination'], string];
  Account: [Account, Account['subdomain'], string | null | undefined];
  TokenSet: [TokenSet, TokenSet['access_token'], string];
  Sandbox: [Sandbox, Sandbox['url'], string];
  // The families of issue 21.
  Customer: [Customer, Customer['next_date'], number | null | undefined];
  CustomerStatus: [CustomerStatus, CustomerStatus['id'], number];
  CustomerSegment: [CustomerSegment, CustomerSegment['id'], number];
  CustomerTransaction: [CustomerTransaction, CustomerTransaction['id'], number];
  BonusPointsBalance: [BonusPointsBalance, BonusPointsBalance['bonus_points'], number];
  CallRef: [CallRef, CallRef['id'], number];
  Talk: [Talk, Talk['talk_id'], number];
  ShortLink: [ShortLink, ShortLink['url'], string];
  Widget: [Widget, Widget['code'], string];
  ChatTemplate: [ChatTemplate, ChatTemplate['id'], number];
  ChatTemplateReview: [ChatTemplateReview, ChatTemplateReview['id'], number];
  WebsiteButton: [WebsiteButton, WebsiteButton['source_id'], number];
  Currency: [Currency, Currency['code'], string];
  EntitySubscription: [EntitySubscription, EntitySubscription['subscriber_id'], number];
  RoleRef: [RoleRef, RoleRef['id'], number];
  // kommo-sdk/webhooks: every event type, its `entity` literal or a field of its `data`.
  WebhookLeadEvent: [WebhookLeadEvent, WebhookLeadEvent['entity'], 'leads'];
  WebhookLeadEventData: [WebhookLeadEvent, WebhookLeadEvent['data']['id'], number];
  WebhookContactEvent: [WebhookContactEvent, WebhookContactEvent['entity'], 'contacts'];
  WebhookCompanyEvent: [WebhookCompanyEvent, WebhookCompanyEvent['entity'], 'companies'];
  WebhookCustomerEvent: [WebhookCustomerEvent, WebhookCustomerEvent['entity'], 'customers'];
  WebhookTaskEvent: [WebhookTaskEvent, WebhookTaskEvent['data']['id'], number];
  WebhookUnsortedEvent: [WebhookUnsortedEvent, WebhookUnsortedEvent['id'], string | undefined];
  WebhookMessageEvent: [WebhookMessageEvent, WebhookMessageEvent['entity'], 'messages'];
  WebhookTalkEvent: [WebhookTalkEvent, WebhookTalkEvent['action'], 'add' | 'update'];
  WebhookCatalogEvent: [WebhookCatalogEvent, WebhookCatalogEvent['data']['id'], number];
  WebhookUnknownEvent: [WebhookUnknownEvent, WebhookUnknownEvent['type'], 'unknown'];
  WebhookEvent: [WebhookEvent, Extract<WebhookEvent, { type: 'leads.add' }>['entity'], 'leads'];
  WebhookPayload: [WebhookPayload, WebhookPayload['events'], WebhookEvent[]];
  // kommo-sdk/chats
  Chat: [Chat, Chat['id'], string];
  ChatsMessageEvent: [ChatsMessageEvent, ChatsMessageEvent['type'], 'message'];
  ChatsEvent: [ChatsEvent, ChatsEvent['account_id'], string];
  // kommo.files
  DriveFile: [DriveFile, DriveFile['uuid'], string];
  DriveFileVersion: [DriveFileVersion, DriveFileVersion['is_main'], boolean | null | undefined];
  EntityFile: [EntityFile, EntityFile['file_uuid'], string];
  FileLinks: [FileLinks, FileLinks['file_uuid'], string | null | undefined];
  // kommo-sdk/salesbot
  SalesbotWidgetRequest: [
    SalesbotWidgetRequest,
    SalesbotWidgetRequest['target']['bot_type'],
    'salesbot' | 'marketingbot',
  ];
  SalesbotHandler: [SalesbotHandler, SalesbotHandler['handler'], 'show' | 'goto' | 'exits'];
}

/** The names of the rows whose item type is `any` or whose field is not exactly as written. */
type BrokenItems = {
  [K in keyof ItemProbes]: IsAny<ItemProbes[K][0]> extends true
    ? K
    : Equal<ItemProbes[K][1], ItemProbes[K][2]> extends true
      ? never
      : K;
}[keyof ItemProbes];
export type ItemTypesAreReal = ExpectNever<BrokenItems>;

declare const everyItem: ItemProbes[keyof ItemProbes][0];
declare const everyField: ItemProbes[keyof ItemProbes][1];
// @ts-expect-error no item type is `any`
everyItem satisfies Absurd;
// @ts-expect-error no probed field is `any`
everyField satisfies Absurd;

// ---------------------------------------------------------------------------------------------
// Resource methods: no parameter, result or page item of any method of any resource is `any`.
// Walks `Kommo`'s resources (and nested ones such as `catalogs.elements`) generically, so a
// new resource is covered without touching this file.

type Fn = (...args: never[]) => unknown;
type IsResource<T> = T extends { list: Fn } | { get: Fn } ? true : false;
type ResourceKeys<T> = {
  [K in keyof T & string]: IsResource<T[K]> extends true ? K : never;
}[keyof T & string];
/** `['leads.list', method]` pairs of one resource. */
type MethodsOf<T, Prefix extends string> = {
  [K in keyof T & string]: T[K] extends Fn ? [`${Prefix}${K}`, T[K]] : never;
}[keyof T & string];
/** Every resource method of the client, one level of nesting deep. */
type Methods = {
  [R in ResourceKeys<Kommo>]:
    | MethodsOf<Kommo[R], `${R}.`>
    | { [N in ResourceKeys<Kommo[R]>]: MethodsOf<Kommo[R][N], `${R}.${N}.`> }[ResourceKeys<
        Kommo[R]
      >];
}[ResourceKeys<Kommo>];
/** Each parameter, the result, what it resolves to and what it iterates or pages. */
type PartsOf<F> = F extends (...args: infer P) => infer R
  ? | P[number]
    | R
    | Awaited<R>
    | (R extends AsyncIterable<infer I> ? I : never)
    | (Awaited<R> extends Page<infer I> ? I : never)
  : never;
type LeakyMethods = Methods extends infer M
  ? M extends [infer Name, infer F]
    ? true extends IsAny<PartsOf<F>>
      ? Name
      : never
    : never
  : never;
export type ResourceMethodsAreReal = ExpectNever<LeakyMethods>;

declare const everyMethodPart: Methods extends infer M
  ? M extends [string, infer F]
    ? PartsOf<F>
    : never
  : never;
// @ts-expect-error no parameter or result of a resource method is `any`
everyMethodPart satisfies Absurd;

/** The walk must see the resources at all (an `any` client would give `never` above too). */
export type ResourcesAreSeen = [
  Expect<Equal<IsAny<Kommo>, false>>,
  Expect<
    Equal<
      Extract<Methods[0], 'leads.list' | 'catalogs.elements.get'>,
      'leads.list' | 'catalogs.elements.get'
    >
  >,
];

// A few method signatures, exactly.
type PageItem<P> = P extends PagePromise<infer I> ? I : never;
export type MethodProbes = [
  Expect<Equal<PageItem<ReturnType<Kommo['leads']['list']>>, Lead>>,
  Expect<Equal<Awaited<ReturnType<Kommo['leads']['get']>>, Lead>>,
  Expect<Equal<PageItem<ReturnType<Kommo['catalogs']['list']>>, Catalog>>,
  Expect<Equal<PageItem<ReturnType<Kommo['catalogs']['elements']['list']>>, CatalogElement>>,
  Expect<Equal<Awaited<ReturnType<Kommo['catalogs']['elements']['get']>>, CatalogElement>>,
  Expect<Equal<PageItem<ReturnType<Kommo['events']['list']>>, KommoEvent>>,
  Expect<Equal<PageItem<ReturnType<Kommo['unsorted']['list']>>, Unsorted>>,
  Expect<Equal<PageItem<ReturnType<Kommo['lossReasons']['list']>>, LossReason>>,
  Expect<Equal<PageItem<ReturnType<Kommo['sources']['list']>>, Source>>,
  Expect<Equal<PageItem<ReturnType<Kommo['webhooks']['list']>>, WebhookSubscription>>,
  Expect<Equal<PageItem<ReturnType<Kommo['files']['list']>>, DriveFile>>,
  Expect<Equal<Awaited<ReturnType<Kommo['files']['upload']>>, DriveFile>>,
  Expect<Equal<PageItem<ReturnType<Kommo['files']['attachments']['list']>>, EntityFile>>,
  Expect<Equal<Awaited<ReturnType<Kommo['salesbot']['continue']>>, void>>,
  Expect<Equal<Awaited<ReturnType<typeof parseWebhook>>, WebhookPayload>>,
  Expect<Equal<Awaited<ReturnType<typeof startSandbox>>, Sandbox>>,
];

// The same through values, as a user writes them. Never called: only type-checked.
export async function asAUserWritesIt(kommo: Kommo, store: RedisTokenStore): Promise<void> {
  const page = await kommo.leads.list({ limit: 5 });
  const lead = page.items[0];
  if (lead !== undefined) {
    const id: number = lead.id;
    // @ts-expect-error unknown keys are `unknown`, not `any`
    const misspelt: number = lead.stauts_id;
    void [id, misspelt];
  }
  for await (const element of kommo.catalogs.elements.list(1)) {
    const name: string | null | undefined = element.name;
    // @ts-expect-error `id` is a number, so this must not compile
    const wrong: string = element.id;
    void [name, wrong];
  }
  for await (const event of kommo.events.list()) {
    // @ts-expect-error the issue's own example: no such field, not a number
    const n: number = event.no_such_field;
    void n;
  }
  const chats = new KommoChats({ channelId: 'c', channelSecret: 's', platform: 'kommo' });
  const chat = await chats.createChat('scope', {
    conversationId: 'conv-1',
    user: { id: 'u-1', name: 'Maria' },
  });
  const chatId: string = chat.id;
  const inbox = new FileChatInbox('.kommo/chat-inbox.log');
  void [chatId, inbox];
  const tokens = await store.get('acme');
  const token: string | undefined = tokens?.access_token;
  try {
    await kommo.account.get();
  } catch (error) {
    if (error instanceof KommoError) {
      const code: string = error.code;
      void code;
    }
  }
  void token;
  try {
    const file = await kommo.files.upload(new Uint8Array([1]), { file_name: 'a.bin' });
    const uuid: string = file.uuid;
    void uuid;
  } catch (error) {
    if (error instanceof UploadInterruptedError) {
      const next: string = error.resume.nextUrl;
      void next;
    }
  }
  const handler = createSalesbotHandler({
    kommo,
    secret: 's',
    onRequest: ({ data }) => [bot.show(String(data['text'] ?? '')), bot.goto('answer', 2)],
  });
  void handler;
}
