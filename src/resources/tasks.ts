/**
 * `kommo.tasks`: list, read, create, update and complete tasks; the account's task types.
 *
 * @see https://developers.kommo.com/reference/tasks-list
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
import { AccountSchema, type TaskType } from '../schemas/account.js';
import { parseInput } from '../schemas/common.js';
import {
  TaskCollectionSchema,
  TaskCompleteItemSchema,
  TaskCreateParamsSchema,
  TaskListParamsSchema,
  TaskRefSchema,
  TaskSchema,
  TaskUpdateItemSchema,
  TaskUpdateParamsSchema,
  type Task,
  type TaskCompleteItem,
  type TaskCreateParams,
  type TaskListParams,
  type TaskRef,
  type TaskUpdateItem,
  type TaskUpdateParams,
} from '../schemas/task.js';
import { APIResource } from './resource.js';

/**
 * Tasks (to-dos with a deadline) of leads, contacts, companies and customers, or standalone.
 * Kommo has no task DELETE and no "reopen" endpoint.
 *
 * @example
 * ```ts
 * const task = await kommo.tasks.create({
 *   text: 'Call back about the quote',
 *   complete_till: Math.floor(Date.now() / 1000) + 3600,
 *   entity_type: 'leads',
 *   entity_id: leadId,
 *   task_type_id: FOLLOW_UP_TASK_TYPE_ID,
 * });
 * await kommo.tasks.complete(task.id, 'Reached the client, demo booked');
 * ```
 * @see https://developers.kommo.com/reference/tasks-list
 */
export class Tasks extends APIResource {
  /**
   * Lists tasks. `await` gives the first page; `for await` walks every task lazily.
   *
   * @example
   * ```ts
   * const open = kommo.tasks.list({ filter: { is_completed: false, entity_type: 'leads', entity_id: 42 } });
   * for await (const task of open) console.log(task.text, task.complete_till);
   * ```
   * @throws {@link RequestValidationError} (on first use) for invalid params.
   */
  list(params?: TaskListParams, options?: ListOptions): PagePromise<Task> {
    return listPages<Task>(
      this._client,
      () => {
        const p = parseInput(TaskListParamsSchema, params ?? {}, 'task list params');
        return {
          path: '/api/v4/tasks',
          query: { filter: p.filter, order: p.order },
          key: 'tasks',
          schema: TaskCollectionSchema,
          what: 'tasks',
          page: p.page,
          limit: p.limit,
        };
      },
      options,
    );
  }

  /**
   * Reads one task.
   *
   * @throws {@link NotFoundError} when no task has this id (Kommo answers 204).
   */
  async get(id: number, options?: RequestOptions): Promise<Task> {
    return getOne(
      this._client,
      { path: path`/api/v4/tasks/${id}` },
      TaskSchema,
      `task ${id}`,
      options,
    );
  }

  /**
   * Creates one task. `text` and `complete_till` (unix seconds) are required; `entity_type`
   * and `entity_id` go together.
   *
   * @throws {@link RequestValidationError} before sending, for invalid input.
   */
  async create(params: TaskCreateParams, options?: RequestOptions): Promise<TaskRef> {
    const body = parseInput(TaskCreateParamsSchema, params, 'task');
    return sendWriteOne(
      this._client,
      { method: 'POST', path: '/api/v4/tasks', body: [body] },
      'tasks',
      TaskRefSchema,
      'task',
      options,
    );
  }

  /**
   * Creates any number of tasks in chunks; refs come back in input order.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async createMany(items: readonly TaskCreateParams[], options?: BatchOptions): Promise<TaskRef[]> {
    const bodies = parseInput(z.array(TaskCreateParamsSchema), items, 'tasks');
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'tasks',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'POST', path: '/api/v4/tasks', body: chunk },
            'tasks',
            TaskRefSchema,
            'tasks',
            opts,
          ),
      },
      options,
    );
  }

  /** Updates one task with exactly the fields you pass. */
  async update(id: number, params: TaskUpdateParams, options?: RequestOptions): Promise<TaskRef> {
    assertId(id);
    const body = parseInput(TaskUpdateParamsSchema, params, 'task update');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/tasks/${id}`, body },
      'tasks',
      TaskRefSchema,
      'task',
      options,
    );
  }

  /**
   * Updates any number of tasks (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async updateMany(items: readonly TaskUpdateItem[], options?: BatchOptions): Promise<TaskRef[]> {
    const bodies = parseInput(z.array(TaskUpdateItemSchema), items, 'task updates');
    return this.#patchMany(bodies, options);
  }

  /**
   * Completes a task, with an optional result text shown in the card's feed. Sends
   * `PATCH /api/v4/tasks/{id}` with `{ is_completed: true, result: { text } }`.
   *
   * @example
   * ```ts
   * await kommo.tasks.complete(4747929, 'Reached the client, demo booked');
   * ```
   */
  async complete(id: number, result?: string, options?: RequestOptions): Promise<TaskRef> {
    assertId(id);
    const item = parseInput(TaskCompleteItemSchema, completeInput(id, result), 'task completion');
    return sendWriteOne(
      this._client,
      { method: 'PATCH', path: path`/api/v4/tasks/${id}`, body: completeBody(item) },
      'tasks',
      TaskRefSchema,
      'task',
      options,
    );
  }

  /**
   * Completes any number of tasks in chunks (`PATCH /api/v4/tasks`).
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async completeMany(
    items: readonly TaskCompleteItem[],
    options?: BatchOptions,
  ): Promise<TaskRef[]> {
    const parsed = parseInput(z.array(TaskCompleteItemSchema), items, 'task completions');
    return this.#patchMany(
      parsed.map((item) => ({ id: item.id, ...completeBody(item) })),
      options,
    );
  }

  /**
   * The account's task types (`GET /api/v4/account?with=task_types`): `1` follow-up, `2`
   * meeting, then custom types (usually with `code: null`). Kommo has no API to edit them;
   * cache the list.
   */
  async types(options?: RequestOptions): Promise<TaskType[]> {
    const account = await getOne(
      this._client,
      { path: '/api/v4/account', query: { with: 'task_types' } },
      AccountSchema,
      'account',
      options,
    );
    return account._embedded?.task_types ?? [];
  }

  #patchMany(
    bodies: ReadonlyArray<{ id: number; request_id?: string | undefined }>,
    options?: BatchOptions,
  ): Promise<TaskRef[]> {
    return runBatch(
      bodies,
      {
        maxChunkSize: 250,
        what: 'tasks',
        requestIds: refRequestIds,
        send: (chunk, opts) =>
          sendWrite(
            this._client,
            { method: 'PATCH', path: '/api/v4/tasks', body: chunk },
            'tasks',
            TaskRefSchema,
            'tasks',
            opts,
          ),
      },
      options,
    );
  }
}

function completeInput(id: number, result: string | undefined): TaskCompleteItem {
  return result === undefined ? { id } : { id, result };
}

function completeBody(item: { result?: string | undefined }): {
  is_completed: true;
  result?: { text: string };
} {
  return item.result === undefined
    ? { is_completed: true }
    : { is_completed: true, result: { text: item.result } };
}
