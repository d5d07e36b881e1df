/**
 * `kommo.tasks`: list, read, create, update and complete tasks; the account's task types.
 *
 * @see https://developers.kommo.com/reference/tasks-list
 * @module
 */

import type { BatchOptions } from '../core/batch.js';
import type { RequestOptions } from '../core/options.js';
import { getOne, type ListOptions, type PagePromise } from '../core/pagination.js';
import { parseInput } from '../core/schema.js';
import type { TaskType } from '../schemas/account.js';
import type * as s from '../schemas/task.js';
import { RecordResource } from './bases.js';
import { route } from './resource.js';

const tasks = route({
  path: '/api/v4/tasks',
  key: 'tasks',
  names: ['task', 'tasks'],
  schemas: () => import('../schemas/task.js').then((m) => m.taskRouteSchemas()),
});

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
export class Tasks extends RecordResource<s.TaskResourceTypes> {
  /** @internal */
  protected readonly _verbs = tasks.on(this._client);

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
  list(params?: s.TaskListParams, options?: ListOptions): PagePromise<s.Task> {
    return this._verbs.list(params, options);
  }

  /**
   * Updates any number of tasks (each with its `id`) in chunks.
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  updateMany(items: readonly s.TaskUpdateItem[], options?: BatchOptions): Promise<s.TaskRef[]> {
    return this._verbs.updateMany(items, options);
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
  async complete(id: number, result?: string, options?: RequestOptions): Promise<s.TaskRef> {
    const { complete } = await tasks.schemas();
    const item = parseInput(complete, completeInput(id, result), 'task completion');
    return this._verbs.update(id, completeBody(item), options);
  }

  /**
   * Completes any number of tasks in chunks (`PATCH /api/v4/tasks`).
   *
   * @throws {@link BatchError} when some items were not applied.
   */
  async completeMany(
    items: readonly s.TaskCompleteItem[],
    options?: BatchOptions,
  ): Promise<s.TaskRef[]> {
    const { completions } = await tasks.schemas();
    const parsed = parseInput(completions, items, 'task completions');
    return this._verbs.updateMany(
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
    const { AccountSchema } = await import('../schemas/account.js');
    const account = await getOne(this._client, {
      path: '/api/v4/account',
      query: { with: 'task_types' },
      schema: AccountSchema,
      what: 'account',
      options,
    });
    return account._embedded?.task_types ?? [];
  }
}

function completeInput(id: number, result: string | undefined): s.TaskCompleteItem {
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
