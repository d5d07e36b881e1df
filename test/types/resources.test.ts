import { describe, expectTypeOf, it } from 'vitest';
import {
  type BatchError,
  type Kommo,
  type PagePromise,
  cf,
  getFieldValue,
  isNoteType,
  type Account,
  AccountParameters,
  AccountResource,
  EntityResource,
  UnsortedLeads,
  UnsortedResource,
  WebhookSubscriptions,
  Webhooks,
  type BatchItemResult,
  type BatchOptions,
  type Contact,
  type ContactRef,
  type CustomField,
  type CustomFieldGroup,
  type CustomFieldValueInput,
  type FieldValue,
  type Lead,
  type LeadComplexResult,
  type LeadCreateParams,
  type LeadListParams,
  type LeadRef,
  type LeadUpdateItem,
  type ListOptions,
  type Note,
  type NoteCreateParams,
  type NoteRef,
  type Page,
  type Pipeline,
  type PipelineStatus,
  type PipelineStatusCreateParams,
  type PipelineStatusGetParams,
  type PipelineStatusRef,
  type PipelineStatusUpdateParams,
  type LeadResourceTypes,
  type CustomFieldEntityType,
  type CustomFieldListParams,
  type RequestOptions,
  type Role,
  type User,
} from '../../src/index.js';
import { testClient } from '../support/client.js';

// A real client: building page promises sends nothing; calls that would send are wrapped in
// functions that only the type checker looks at.
const kommo: Kommo = testClient();

describe('the public surface of the resources', () => {
  it('types leads', () => {
    expectTypeOf(kommo.leads.list).parameters.toEqualTypeOf<
      [params?: LeadListParams, options?: ListOptions]
    >();
    expectTypeOf(kommo.leads.list()).toEqualTypeOf<PagePromise<Lead>>();
    expectTypeOf(() => kommo.leads.list()).returns.resolves.toEqualTypeOf<Page<Lead>>();
    expectTypeOf(() => kommo.leads.get(1)).returns.resolves.toEqualTypeOf<Lead>();
    expectTypeOf(kommo.leads.create).parameter(0).toEqualTypeOf<LeadCreateParams>();
    expectTypeOf(() => kommo.leads.create({})).returns.resolves.toEqualTypeOf<LeadRef>();
    expectTypeOf(kommo.leads.createMany).parameters.toEqualTypeOf<
      [items: readonly LeadCreateParams[], options?: BatchOptions<LeadCreateParams, LeadRef>]
    >();
    expectTypeOf(() => kommo.leads.createMany([])).returns.resolves.toEqualTypeOf<LeadRef[]>();
    // Options typed as plain BatchOptions (as before 0.2) still fit; reconcile is typed per resource.
    expectTypeOf<BatchOptions>().toExtend<BatchOptions<LeadCreateParams, LeadRef>>();
    expectTypeOf<BatchOptions<LeadCreateParams, LeadRef>>()
      .toHaveProperty('reconcile')
      .exclude<undefined>()
      .returns.resolves.toEqualTypeOf<ReadonlyArray<LeadRef | null | undefined>>();
    expectTypeOf(kommo.leads.updateMany).parameter(0).toEqualTypeOf<readonly LeadUpdateItem[]>();
    expectTypeOf(() => kommo.leads.createComplex([])).returns.resolves.toEqualTypeOf<
      LeadComplexResult[]
    >();
    expectTypeOf(() =>
      kommo.leads.moveToStatus(1, { status_id: 142 }),
    ).returns.resolves.toEqualTypeOf<LeadRef>();
    expectTypeOf(() => kommo.leads.link(1, [])).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(() => kommo.leads.addNote(1, 'x')).returns.resolves.toEqualTypeOf<NoteRef>();
    expectTypeOf<Lead['id']>().toEqualTypeOf<number>();
    expectTypeOf<Lead['price']>().toEqualTypeOf<number | null | undefined>();
    // @ts-expect-error: misspelt keys are type errors too
    expectTypeOf(() => kommo.leads.create({ stauts_id: 1 })).toBeFunction();
  });

  it('types contacts, pipelines, users, notes, custom fields and the account', () => {
    expectTypeOf(kommo.contacts.search('x')).toEqualTypeOf<PagePromise<Contact>>();
    expectTypeOf(() => kommo.contacts.create({})).returns.resolves.toEqualTypeOf<ContactRef>();
    expectTypeOf(kommo.pipelines.list()).toEqualTypeOf<PagePromise<Pipeline>>();
    expectTypeOf(() =>
      kommo.pipelines.statuses.get(1, 2),
    ).returns.resolves.toEqualTypeOf<PipelineStatus>();
    expectTypeOf(() => kommo.pipelines.delete(1)).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(kommo.users.list()).toEqualTypeOf<PagePromise<User>>();
    expectTypeOf(() => kommo.users.roles.get(1)).returns.resolves.toEqualTypeOf<Role>();
    expectTypeOf(kommo.notes.listFor('leads', 1)).toEqualTypeOf<PagePromise<Note>>();
    expectTypeOf(kommo.notes.create).parameter(2).toEqualTypeOf<NoteCreateParams>();
    expectTypeOf(() =>
      kommo.notes.create('leads', 1, { note_type: 'common', params: { text: 'x' } }),
    ).returns.resolves.toEqualTypeOf<NoteRef>();
    expectTypeOf(kommo.customFields.list('contacts')).toEqualTypeOf<PagePromise<CustomField>>();
    expectTypeOf(() =>
      kommo.customFields.groups.get('leads', 'leads_1'),
    ).returns.resolves.toEqualTypeOf<CustomFieldGroup>();
    expectTypeOf(() =>
      kommo.account.get({ with: ['task_types'] }),
    ).returns.resolves.toEqualTypeOf<Account>();
    expectTypeOf(kommo.customFields.list)
      .parameter(0)
      .toEqualTypeOf<
        | 'leads'
        | 'contacts'
        | 'companies'
        | 'customers'
        | 'customers/segments'
        | `catalogs/${number}`
      >();
    expectTypeOf(() =>
      // @ts-expect-error: a note's params must fit its type
      kommo.notes.create('leads', 1, { note_type: 'sms_in', params: { text: 'x' } }),
    ).toBeFunction();
  });

  it('types pages, batches, notes and field values', () => {
    expectTypeOf<Page<Lead>['items']>().toEqualTypeOf<Lead[]>();
    expectTypeOf<Page<Lead>['nextPage']>().returns.resolves.toEqualTypeOf<Page<Lead>>();
    expectTypeOf(() => kommo.leads.list().toArray({ max: 1 })).returns.resolves.toEqualTypeOf<
      Lead[]
    >();
    expectTypeOf(kommo.leads.list()).toExtend<AsyncIterable<Lead>>();
    expectTypeOf<BatchError<LeadRef>['results']>().toEqualTypeOf<Array<BatchItemResult<LeadRef>>>();
    expectTypeOf<BatchItemResult<LeadRef>['status']>().toEqualTypeOf<
      'applied' | 'failed' | 'not_sent' | 'unknown'
    >();
    expectTypeOf<BatchOptions>().toExtend<RequestOptions>();
    expectTypeOf(cf.text(1, 'x')).toEqualTypeOf<CustomFieldValueInput>();
    expectTypeOf(getFieldValue({ custom_fields_values: null }, 1)).toEqualTypeOf<
      FieldValue | undefined
    >();
    const note = {} as Note;
    if (isNoteType(note, 'call_in')) {
      expectTypeOf(note.params).exclude<null | undefined>().toHaveProperty('call_status');
      expectTypeOf(note.note_type).toEqualTypeOf<'call_in'>();
    }
  });

  it('types the renamed classes, and the names before 0.2.0 as the same types', () => {
    expectTypeOf(kommo.webhooks).toEqualTypeOf<WebhookSubscriptions>();
    expectTypeOf(kommo.account).toEqualTypeOf<AccountParameters>();
    expectTypeOf(kommo.unsorted).toEqualTypeOf<UnsortedLeads>();
    /* eslint-disable @typescript-eslint/no-deprecated -- the aliases are what is tested */
    expectTypeOf<Webhooks>().toEqualTypeOf<WebhookSubscriptions>();
    expectTypeOf<AccountResource>().toEqualTypeOf<AccountParameters>();
    expectTypeOf<UnsortedResource>().toEqualTypeOf<UnsortedLeads>();
    expectTypeOf(Webhooks).toEqualTypeOf<typeof WebhookSubscriptions>();
    /* eslint-enable @typescript-eslint/no-deprecated */
    expectTypeOf(kommo.leads).toExtend<EntityResource<LeadResourceTypes>>();
  });

  it('types the verbs of families under a parent with the parent first, by its name', () => {
    expectTypeOf(kommo.pipelines.statuses.list).parameters.toEqualTypeOf<
      [pipelineId: number, params?: PipelineStatusGetParams, options?: ListOptions]
    >();
    expectTypeOf(kommo.pipelines.statuses.create).parameters.toEqualTypeOf<
      [pipelineId: number, params: PipelineStatusCreateParams, options?: RequestOptions]
    >();
    expectTypeOf(() => kommo.pipelines.statuses.createMany(1, [])).returns.resolves.toEqualTypeOf<
      PipelineStatusRef[]
    >();
    expectTypeOf(kommo.pipelines.statuses.update).parameters.toEqualTypeOf<
      [pipelineId: number, id: number, params: PipelineStatusUpdateParams, options?: RequestOptions]
    >();
    expectTypeOf(kommo.customFields.list).parameters.toEqualTypeOf<
      [entity: CustomFieldEntityType, params?: CustomFieldListParams, options?: ListOptions]
    >();
    // @ts-expect-error: the parent comes first
    expectTypeOf(() => kommo.pipelines.statuses.list({ with: ['descriptions'] })).toBeFunction();
  });
});
