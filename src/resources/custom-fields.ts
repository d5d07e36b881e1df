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
import { lazy } from '../core/schema.js';
import { parseInput } from '../schemas/common.js';
import * as customFieldSchemas from '../schemas/custom-field.js';
import {
  CustomFieldEntityTypeSchema,
  CustomFieldGroupIdSchema,
  type CustomField,
  type CustomFieldEntityType,
  type CustomFieldGroup,
  type CustomFieldGroupCreateParams,
  type CustomFieldGroupRef,
  type CustomFieldGroupUpdateParams,
  type CustomFieldRef,
  type CustomFieldResourceTypes,
  type CustomFieldUpdateItem,
} from '../schemas/custom-field.js';
import { ScopedRecordResource } from './bases.js';
import { APIResource, named, route } from './resource.js';

/** `/api/v4/<entity>/custom_fields`, with the entity checked (it becomes part of the route). */
function fieldsPath(entity: CustomFieldEntityType): string {
  return `/api/v4/${parseInput(CustomFieldEntityTypeSchema, entity, 'custom-field entity type')}/custom_fields`;
}

const fields = route({
  key: 'custom_fields',
  names: ['custom field', 'custom fields'],
  schemas: lazy(() => named(customFieldSchemas, 'CustomField')),
});

/** `/api/v4/<entity>/custom_fields/groups`; group ids are strings. */
const groups = route({
  key: 'custom_field_groups',
  names: ['custom-field group', 'custom-field groups'],
  schemas: lazy(() => ({
    ...named(customFieldSchemas, 'CustomFieldGroup'),
    id: CustomFieldGroupIdSchema,
  })),
});

/** Custom-field groups (tabs): `kommo.customFields.groups`. Group ids are strings. */
export class CustomFieldGroups extends APIResource {
  #of(entity: CustomFieldEntityType) {
    return groups.on(this._client, () => `${fieldsPath(entity)}/groups`);
  }

  /** Lists the groups of an entity type. */
  list(entity: CustomFieldEntityType, options?: ListOptions): PagePromise<CustomFieldGroup> {
    return this.#of(entity).list(undefined, options);
  }

  /**
   * Reads one group.
   *
   * @throws {@link NotFoundError} for an unknown group.
   */
  get(
    entity: CustomFieldEntityType,
    groupId: string,
    options?: RequestOptions,
  ): Promise<CustomFieldGroup> {
    return this.#of(entity).get(groupId, undefined, options);
  }

  /** Creates a group (admin only). */
  create(
    entity: CustomFieldEntityType,
    params: CustomFieldGroupCreateParams,
    options?: RequestOptions,
  ): Promise<CustomFieldGroupRef> {
    return this.#of(entity).create(params, options);
  }

  /** Renames or re-sorts a group with exactly the fields you pass. */
  update(
    entity: CustomFieldEntityType,
    groupId: string,
    params: CustomFieldGroupUpdateParams,
    options?: RequestOptions,
  ): Promise<CustomFieldGroupRef> {
    return this.#of(entity).update(groupId, params, options);
  }

  /** Deletes a group (its fields move to the main tab). */
  delete(entity: CustomFieldEntityType, groupId: string, options?: RequestOptions): Promise<void> {
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
  [entity: CustomFieldEntityType],
  CustomFieldResourceTypes
> {
  /** Field groups (tabs). */
  readonly groups: CustomFieldGroups = new CustomFieldGroups(this._client);

  /**
   * Reads one field definition.
   *
   * @throws {@link NotFoundError} for an unknown field.
   */
  get(entity: CustomFieldEntityType, id: number, options?: RequestOptions): Promise<CustomField> {
    return this._at(entity).get(id, undefined, options);
  }

  /**
   * Changes several fields (each with its `id`).
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(
    entity: CustomFieldEntityType,
    items: readonly CustomFieldUpdateItem[],
    options?: BatchOptions,
  ): Promise<CustomFieldRef[]> {
    return this._at(entity).updateMany(items, options);
  }

  /** Deletes a field (admin only; predefined fields cannot be deleted). */
  delete(entity: CustomFieldEntityType, id: number, options?: RequestOptions): Promise<void> {
    return this._at(entity).delete(id, options);
  }

  /** @internal */
  protected _at(entity: CustomFieldEntityType) {
    return fields.on(this._client, () => fieldsPath(entity));
  }
}
