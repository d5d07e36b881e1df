/**
 * `kommo.customFields` and `kommo.customFields.groups`: custom-field definitions per entity.
 * Values are written with the `cf` builders and read with `getFieldValue`.
 *
 * @see https://developers.kommo.com/reference/custom-fields-list
 * @module
 */

import { z } from 'zod';
import {
  refRequestIds,
  runBatch,
  sendWrite,
  sendWriteOne,
  type BatchOptions,
} from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { getOne, listPages, type ListOptions, type PagePromise } from '../core/pagination.js';
import { assertId, path } from '../core/path.js';
import { parseInput } from '../schemas/common.js';
import {
  CustomFieldCollectionSchema,
  CustomFieldCreateParamsSchema,
  CustomFieldEntityTypeSchema,
  CustomFieldGroupCollectionSchema,
  CustomFieldGroupCreateParamsSchema,
  CustomFieldGroupIdSchema,
  CustomFieldGroupRefSchema,
  CustomFieldGroupSchema,
  CustomFieldGroupUpdateParamsSchema,
  CustomFieldListParamsSchema,
  CustomFieldRefSchema,
  CustomFieldSchema,
  CustomFieldUpdateItemSchema,
  CustomFieldUpdateParamsSchema,
  type CustomField,
  type CustomFieldCreateParams,
  type CustomFieldEntityType,
  type CustomFieldGroup,
  type CustomFieldGroupCreateParams,
  type CustomFieldGroupRef,
  type CustomFieldGroupUpdateParams,
  type CustomFieldListParams,
  type CustomFieldRef,
  type CustomFieldUpdateItem,
  type CustomFieldUpdateParams,
} from '../schemas/custom-field.js';
import { APIResource } from './resource.js';

/** `/api/v4/<entity>/custom_fields`, with the entity checked (it becomes part of the route). */
function fieldsPath(entity: CustomFieldEntityType): string {
  return `/api/v4/${parseInput(CustomFieldEntityTypeSchema, entity, 'custom-field entity type')}/custom_fields`;
}

function groupPath(entity: CustomFieldEntityType, groupId: string): string {
  return `${fieldsPath(entity)}/groups/${parseInput(CustomFieldGroupIdSchema, groupId, 'group id')}`;
}

/** Custom-field groups (tabs): `kommo.customFields.groups`. Group ids are strings. */
export class CustomFieldGroups extends APIResource {
  /** Lists the groups of an entity type. */
  list(entity: CustomFieldEntityType, options?: ListOptions): PagePromise<CustomFieldGroup> {
    return listPages<CustomFieldGroup>(
      this._client,
      () => ({
        path: `${fieldsPath(entity)}/groups`,
        key: 'custom_field_groups',
        schema: CustomFieldGroupCollectionSchema,
        what: 'custom-field groups',
      }),
      options,
    );
  }

  /**
   * Reads one group.
   *
   * @throws {@link NotFoundError} for an unknown group.
   */
  async get(
    entity: CustomFieldEntityType,
    groupId: string,
    options?: RequestOptions,
  ): Promise<CustomFieldGroup> {
    return getOne(
      this._client,
      { path: groupPath(entity, groupId) },
      CustomFieldGroupSchema,
      `custom-field group ${groupId}`,
      options,
    );
  }

  /** Creates a group (admin only). */
  async create(
    entity: CustomFieldEntityType,
    params: CustomFieldGroupCreateParams,
    options?: RequestOptions,
  ): Promise<CustomFieldGroupRef> {
    const route = `${fieldsPath(entity)}/groups`;
    const body = parseInput(CustomFieldGroupCreateParamsSchema, params, 'custom-field group');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: route, body: [body] },
      'custom_field_groups',
      CustomFieldGroupRefSchema,
      'custom-field group',
      options,
    );
  }

  /** Renames or re-sorts a group with exactly the fields you pass. */
  async update(
    entity: CustomFieldEntityType,
    groupId: string,
    params: CustomFieldGroupUpdateParams,
    options?: RequestOptions,
  ): Promise<CustomFieldGroupRef> {
    const route = groupPath(entity, groupId);
    const body = parseInput(
      CustomFieldGroupUpdateParamsSchema,
      params,
      'custom-field group update',
    );
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: route, body },
      'custom_field_groups',
      CustomFieldGroupRefSchema,
      'custom-field group',
      options,
    );
  }

  /** Deletes a group (its fields move to the main tab). */
  async delete(
    entity: CustomFieldEntityType,
    groupId: string,
    options?: RequestOptions,
  ): Promise<void> {
    await this._client._send({ method: 'DELETE', path: groupPath(entity, groupId) }, options);
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
export class CustomFields extends APIResource {
  /** Field groups (tabs). */
  readonly groups: CustomFieldGroups = new CustomFieldGroups(this._client);

  /** Lists the field definitions of an entity type. */
  list(
    entity: CustomFieldEntityType,
    params?: CustomFieldListParams,
    options?: ListOptions,
  ): PagePromise<CustomField> {
    return listPages<CustomField>(
      this._client,
      () => {
        const route = fieldsPath(entity);
        const p = parseInput(CustomFieldListParamsSchema, params ?? {}, 'custom-field list params');
        return {
          path: route,
          query: { filter: p.filter, order: p.order },
          key: 'custom_fields',
          schema: CustomFieldCollectionSchema,
          what: 'custom fields',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one field definition.
   *
   * @throws {@link NotFoundError} for an unknown field.
   */
  async get(
    entity: CustomFieldEntityType,
    id: number,
    options?: RequestOptions,
  ): Promise<CustomField> {
    return getOne(
      this._client,
      { path: `${fieldsPath(entity)}${path`/${id}`}` },
      CustomFieldSchema,
      `custom field ${id}`,
      options,
    );
  }

  /** Creates a field (admin only). Enum fields need `enums`. */
  async create(
    entity: CustomFieldEntityType,
    params: CustomFieldCreateParams,
    options?: RequestOptions,
  ): Promise<CustomFieldRef> {
    const route = fieldsPath(entity);
    const body = parseInput(CustomFieldCreateParamsSchema, params, 'custom field');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: route, body: [body] },
      'custom_fields',
      CustomFieldRefSchema,
      'custom field',
      options,
    );
  }

  /**
   * Creates several fields; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(
    entity: CustomFieldEntityType,
    items: readonly CustomFieldCreateParams[],
    options?: BatchOptions,
  ): Promise<CustomFieldRef[]> {
    const route = fieldsPath(entity);
    const bodies = parseInput(z.array(CustomFieldCreateParamsSchema), items, 'custom fields');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'custom fields',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: route, body: chunk },
            'custom_fields',
            CustomFieldRefSchema,
            'custom fields',
            opts,
          ),
      },
      options,
    );
  }

  /**
   * Changes a field with exactly the keys you pass. Sending `enums` replaces the options: keep
   * existing ones by passing their `id`.
   */
  async update(
    entity: CustomFieldEntityType,
    id: number,
    params: CustomFieldUpdateParams,
    options?: RequestOptions,
  ): Promise<CustomFieldRef> {
    assertId(id);
    const route = `${fieldsPath(entity)}${path`/${id}`}`;
    const body = parseInput(CustomFieldUpdateParamsSchema, params, 'custom field update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: route, body },
      'custom_fields',
      CustomFieldRefSchema,
      'custom field',
      options,
    );
  }

  /**
   * Changes several fields (each with its `id`).
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(
    entity: CustomFieldEntityType,
    items: readonly CustomFieldUpdateItem[],
    options?: BatchOptions,
  ): Promise<CustomFieldRef[]> {
    const route = fieldsPath(entity);
    const bodies = parseInput(z.array(CustomFieldUpdateItemSchema), items, 'custom field updates');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'custom fields',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'PATCH', path: route, body: chunk },
            'custom_fields',
            CustomFieldRefSchema,
            'custom fields',
            opts,
          ),
      },
      options,
    );
  }

  /** Deletes a field (admin only; predefined fields cannot be deleted). */
  async delete(entity: CustomFieldEntityType, id: number, options?: RequestOptions): Promise<void> {
    await this._client._send(
      { method: 'DELETE', path: `${fieldsPath(entity)}${path`/${id}`}` },
      options,
    );
  }
}
