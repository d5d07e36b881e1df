/**
 * `kommo.customFields` and `kommo.customFields.groups`: custom-field definitions per entity.
 * Values are written with the `cf` builders and read with `getFieldValue`.
 *
 * @see https://developers.kommo.com/reference/custom-fields-list
 * @module
 */

import type { BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import type { ListOptions, PagePromise } from '../core/pagination.js';
import { parseInput } from '../core/schema.js';
import type * as s from '../schemas/custom-field.js';
import { ScopedRecordResource } from './bases.js';
import { APIResource, route } from './resource.js';

const load = () => import('../schemas/custom-field.js');

/** The fields path of an entity type, checked. */
function fieldsPath(
  schemas: { entityType: typeof s.CustomFieldEntityTypeSchema },
  entity: unknown,
): string {
  return `/api/v4/${parseInput(schemas.entityType, entity, 'custom-field entity type')}/custom_fields`;
}

const fields = route({
  key: 'custom_fields',
  names: ['custom field', 'custom fields'],
  schemas: () => load().then((m) => m.customFieldRouteSchemas()),
});

/** `/api/v4/<entity>/custom_fields/groups`; group ids are strings. */
const groups = route({
  key: 'custom_field_groups',
  names: ['custom-field group', 'custom-field groups'],
  schemas: () => load().then((m) => m.customFieldGroupRouteSchemas()),
});

/**
 * Custom-field groups (tabs) of leads, contacts, companies, customers and catalogs
 * (`catalogs/<id>`): `kommo.customFields.groups`. Group ids are strings.
 */
export class CustomFieldGroups extends APIResource {
  #of(entity: s.CustomFieldGroupEntityType) {
    return groups.on(this._client, (sc) => {
      const type = parseInput(sc.entityType, entity, 'field-group entity type');
      return `/api/v4/${type}/custom_fields/groups`;
    });
  }

  /** Lists the groups of an entity type. */
  list(
    entity: s.CustomFieldGroupEntityType,
    options?: ListOptions,
  ): PagePromise<s.CustomFieldGroup> {
    return this.#of(entity).list(undefined, options);
  }

  /**
   * Reads one group.
   *
   * @throws {@link NotFoundError} for an unknown group.
   */
  get(
    entity: s.CustomFieldGroupEntityType,
    groupId: string,
    options?: RequestOptions,
  ): Promise<s.CustomFieldGroup> {
    return this.#of(entity).get(groupId, undefined, options);
  }

  /** Creates a group (admin only). */
  create(
    entity: s.CustomFieldGroupEntityType,
    params: s.CustomFieldGroupCreateParams,
    options?: RequestOptions,
  ): Promise<s.CustomFieldGroupRef> {
    return this.#of(entity).create(params, options);
  }

  /** Renames or re-sorts a group with exactly the fields you pass. */
  update(
    entity: s.CustomFieldGroupEntityType,
    groupId: string,
    params: s.CustomFieldGroupUpdateParams,
    options?: RequestOptions,
  ): Promise<s.CustomFieldGroupRef> {
    return this.#of(entity).update(groupId, params, options);
  }

  /** Deletes a group (its fields move to the main tab). */
  delete(
    entity: s.CustomFieldGroupEntityType,
    groupId: string,
    options?: RequestOptions,
  ): Promise<void> {
    return this.#of(entity).delete(groupId, options);
  }
}

/**
 * Custom-field definitions of leads, contacts, companies, customers and catalogs: find field
 * ids, enum ids and codes. Cache them: they change rarely.
 *
 * @example
 * ```ts
 * const fields = await kommo.customFields.list('contacts').toArray({ max: 1000 });
 * const phone = fields.find((f) => f.code === 'PHONE');
 * ```
 * @see https://developers.kommo.com/reference/custom-fields-list
 */
export class CustomFields extends ScopedRecordResource<
  [entity: s.CustomFieldEntityType],
  s.CustomFieldResourceTypes
> {
  /** Field groups (tabs). */
  readonly groups: CustomFieldGroups = new CustomFieldGroups(this._client);

  /**
   * Reads one field definition.
   *
   * @throws {@link NotFoundError} for an unknown field.
   */
  get(
    entity: s.CustomFieldEntityType,
    id: number,
    options?: RequestOptions,
  ): Promise<s.CustomField> {
    return this._at(entity).get(id, undefined, options);
  }

  /**
   * Changes several fields (each with its `id`).
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(
    entity: s.CustomFieldEntityType,
    items: readonly s.CustomFieldUpdateItem[],
    options?: BatchOptions,
  ): Promise<s.CustomFieldRef[]> {
    return this._at(entity).updateMany(items, options);
  }

  /** Deletes a field (admin only; predefined fields cannot be deleted). */
  delete(entity: s.CustomFieldEntityType, id: number, options?: RequestOptions): Promise<void> {
    return this._at(entity).delete(id, options);
  }

  /** @internal */
  protected _at(entity: s.CustomFieldEntityType) {
    return fields.on(this._client, (sc) => fieldsPath(sc, entity));
  }
}
