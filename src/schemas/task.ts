/**
 * Tasks: answer schemas (lenient) and input schemas (strict). Task types come from the account
 * (`with=task_types`): `1` follow-up, `2` meeting, then the account's own ids.
 *
 * @see https://developers.kommo.com/reference/tasks-list
 * @module
 */

import { z } from 'zod';
import {
  IdSchema,
  IdsFilterSchema,
  LimitSchema,
  LinksSchema,
  PageSchema,
  RequestIdSchema,
  SortDirectionSchema,
  TimeFilterSchema,
  UnixTimeSchema,
  UserIdOrZeroSchema,
  UserIdsFilterSchema,
  WriteRefSchema,
  collectionSchema,
} from './common.js';
import { openEnum } from './custom-field-values.js';

/** Entity types a task can belong to. */
const TaskEntityTypeSchema = z.enum(['leads', 'contacts', 'companies', 'customers']);
/** Entity types a task can belong to. */
export type TaskEntityType = z.infer<typeof TaskEntityTypeSchema>;

/** The result of a completed task. */
const TaskResultSchema = z.looseObject({ text: z.string().nullish() });
/** The result of a completed task: `{ text }`. */
export type TaskResult = z.infer<typeof TaskResultSchema>;

/** A task as Kommo returns it. */
export const TaskSchema = z.looseObject({
  id: z.number(),
  created_by: z.number().nullish(),
  updated_by: z.number().nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
  responsible_user_id: z.number().nullish(),
  group_id: z.number().nullish(),
  /** `null` for a task not attached to any entity. */
  entity_id: z.number().nullish(),
  entity_type: openEnum<TaskEntityType>().nullish(),
  is_completed: z.boolean().nullish(),
  task_type_id: z.number().nullish(),
  text: z.string().nullish(),
  /** Seconds. */
  duration: z.number().nullish(),
  complete_till: z.number().nullish(),
  /**
   * `{ text }` when a result was given; Kommo sends an empty array `[]` when there is none
   * (read it with `typeof result === 'object' && !Array.isArray(result)`).
   */
  result: z.union([TaskResultSchema, z.array(z.unknown())]).nullish(),
  account_id: z.number().nullish(),
  _links: LinksSchema.nullish(),
});
/** A task. Unknown fields Kommo adds are kept. */
export type Task = z.infer<typeof TaskSchema>;

/** A page of tasks. */
export const TaskCollectionSchema = collectionSchema('tasks', TaskSchema);

/** What a task write returns. */
export const TaskRefSchema = WriteRefSchema;
/** What a task write returns (`id`, `request_id`, `updated_at`, `_links`; not the task). */
export type TaskRef = z.infer<typeof TaskRefSchema>;

/** Filters of the task list. */
const TaskFilterSchema = z
  .strictObject({
    id: IdsFilterSchema.optional(),
    responsible_user_id: UserIdsFilterSchema.optional(),
    /** Sent as `1`/`0`. */
    is_completed: z.boolean().optional(),
    /** Task type ids (`filter[task_type][]`). */
    task_type: IdsFilterSchema.optional(),
    entity_type: TaskEntityTypeSchema.optional(),
    /** Needs `entity_type`. */
    entity_id: IdsFilterSchema.optional(),
    updated_at: TimeFilterSchema.optional(),
  })
  .refine((f) => f.entity_id === undefined || f.entity_type !== undefined, {
    message: 'filter.entity_id needs filter.entity_type',
    path: ['entity_type'],
  });
/** Filters of `tasks.list`. */
export type TaskFilter = z.infer<typeof TaskFilterSchema>;

/** Params of `tasks.list`. */
export const TaskListParamsSchema = z.strictObject({
  page: PageSchema.optional(),
  limit: LimitSchema.optional(),
  filter: TaskFilterSchema.optional(),
  order: z
    .strictObject({
      created_at: SortDirectionSchema.optional(),
      complete_till: SortDirectionSchema.optional(),
      id: SortDirectionSchema.optional(),
    })
    .optional(),
});
/** Params of `tasks.list`. */
export type TaskListParams = z.infer<typeof TaskListParamsSchema>;

/** A result to write: `{ text }`. */
const TaskResultInputSchema = z.strictObject({ text: z.string().min(1) });

const taskWriteShape = {
  responsible_user_id: IdSchema.optional(),
  entity_id: IdSchema.optional(),
  entity_type: TaskEntityTypeSchema.optional(),
  is_completed: z.boolean().optional(),
  /** From `kommo.tasks.types()`; Kommo uses `1` (follow-up) when omitted. */
  task_type_id: IdSchema.optional(),
  /** Seconds. */
  duration: z.number().int().nonnegative().optional(),
  result: TaskResultInputSchema.optional(),
  created_by: UserIdOrZeroSchema.optional(),
  updated_by: UserIdOrZeroSchema.optional(),
  created_at: UnixTimeSchema.optional(),
  updated_at: UnixTimeSchema.optional(),
};

function entityPair(t: { entity_id?: number | undefined; entity_type?: string | undefined }) {
  return (t.entity_id === undefined) === (t.entity_type === undefined);
}
const ENTITY_PAIR = {
  message: 'entity_id and entity_type go together',
  path: ['entity_type'],
};

/** The body of a task create. */
export const TaskCreateParamsSchema = z
  .strictObject({
    ...taskWriteShape,
    text: z.string().min(1),
    /** Deadline, unix seconds. */
    complete_till: UnixTimeSchema,
    request_id: RequestIdSchema.optional(),
  })
  .refine(entityPair, ENTITY_PAIR);
/** The body of a task create: `text` and `complete_till` are required. */
export type TaskCreateParams = z.input<typeof TaskCreateParamsSchema>;

const taskUpdateShape = {
  ...taskWriteShape,
  text: z.string().min(1).optional(),
  complete_till: UnixTimeSchema.optional(),
};

/** The body of a task update: only the fields you pass are sent. */
export const TaskUpdateParamsSchema = z
  .strictObject(taskUpdateShape)
  .refine(entityPair, ENTITY_PAIR);
/** The body of `tasks.update`. */
export type TaskUpdateParams = z.input<typeof TaskUpdateParamsSchema>;

/** One item of `tasks.updateMany`. */
export const TaskUpdateItemSchema = z
  .strictObject({ ...taskUpdateShape, id: IdSchema, request_id: RequestIdSchema.optional() })
  .refine(entityPair, ENTITY_PAIR);
/** One item of `tasks.updateMany`. */
export type TaskUpdateItem = z.input<typeof TaskUpdateItemSchema>;

/** One item of `tasks.completeMany`. */
export const TaskCompleteItemSchema = z.strictObject({
  id: IdSchema,
  /** What came of it, shown in the card's feed. */
  result: z.string().min(1).optional(),
});
/** One item of `tasks.completeMany`: the task id and an optional result text. */
export type TaskCompleteItem = z.input<typeof TaskCompleteItemSchema>;

/** The public types of `kommo.tasks`, by what they are (see `RecordResource`). */
export interface TaskResourceTypes {
  item: Task;
  ref: TaskRef;
  create: TaskCreateParams;
  update: TaskUpdateParams;
}

/**
 * The schemas of `kommo.tasks` by what they check, for its route spec.
 *
 * @internal
 */
export function taskRouteSchemas() {
  return {
    item: TaskSchema,
    page: TaskCollectionSchema,
    ref: TaskRefSchema,
    list: TaskListParamsSchema,
    create: TaskCreateParamsSchema,
    update: TaskUpdateParamsSchema,
    updateItem: TaskUpdateItemSchema,
    complete: TaskCompleteItemSchema,
    completions: TaskCompleteItemSchema.array(),
  };
}
