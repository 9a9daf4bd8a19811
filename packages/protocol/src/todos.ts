import { z } from "zod";
import { DeviceId, Seq, UserId } from "./ids.js";

/** Longest todo text, in characters (after trimming). */
export const TODO_TEXT_MAX = 1000;

export const TODO_OBJECT_TYPE = "objects.todos";

export const TodoId = z.uuid();
export type TodoId = z.infer<typeof TodoId>;

export const TodoText = z
  .string()
  .trim()
  .min(1, "text must not be empty")
  .max(TODO_TEXT_MAX, `text must be at most ${TODO_TEXT_MAX} characters`);

export const Todo = z.object({
  id: TodoId,
  text: z.string(),
  done: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Device id of the last writer; null when the writer sent none. */
  device: DeviceId.nullable(),
  userId: UserId,
  objectType: z.literal(TODO_OBJECT_TYPE),
  /** Starts at 1 and grows by one with every change of this todo. */
  version: z.number().int().min(1),
});
export type Todo = z.infer<typeof Todo>;

/**
 * A todo as the wire carries it, from its fields: every producer (the server's domain, its change
 * log, tests) builds it here, so the same todo is always the same JSON, field order included.
 */
export function todoObject(fields: Omit<Todo, "objectType">): Todo {
  return {
    id: fields.id,
    text: fields.text,
    done: fields.done,
    createdAt: fields.createdAt,
    updatedAt: fields.updatedAt,
    device: fields.device,
    userId: fields.userId,
    objectType: TODO_OBJECT_TYPE,
    version: fields.version,
  };
}

/** What a delete event carries: the todo is gone, only its identity stays. */
export const DeletedTodo = z.object({
  id: TodoId,
  userId: UserId,
  device: DeviceId.nullable(),
  objectType: z.literal(TODO_OBJECT_TYPE),
});
export type DeletedTodo = z.infer<typeof DeletedTodo>;

// ---- request bodies (strict: unknown fields are refused, so nothing can be mass-assigned)

export const CreateTodoBody = z.strictObject({
  text: TodoText,
  id: TodoId.optional(),
});
export type CreateTodoBody = z.infer<typeof CreateTodoBody>;

export const UpdateTodoBody = z
  .strictObject({
    text: TodoText.optional(),
    done: z.boolean().optional(),
  })
  .refine((b) => b.text !== undefined || b.done !== undefined, {
    message: "give text or done",
  });
export type UpdateTodoBody = z.infer<typeof UpdateTodoBody>;

export const ToggleAllBody = z.strictObject({ done: z.boolean() });
export type ToggleAllBody = z.infer<typeof ToggleAllBody>;

/** `DELETE /api/todos?done=true`: only clearing completed todos is offered. */
export const ClearCompletedQuery = z.strictObject({ done: z.literal("true") });

// ---- response bodies

export const TodoListResponse = z.object({ todos: z.array(Todo), seq: Seq });
export type TodoListResponse = z.infer<typeof TodoListResponse>;

export const TodoResponse = z.object({ todo: Todo });
export type TodoResponse = z.infer<typeof TodoResponse>;

/** `POST /api/todos/toggle-all`: the todos it changed, and the user's seq after them. */
export const ToggleAllResponse = z.object({ todos: z.array(Todo), seq: Seq });
export type ToggleAllResponse = z.infer<typeof ToggleAllResponse>;

/** `DELETE /api/todos?done=true`: the ids it removed, and the user's seq after them. */
export const ClearCompletedResponse = z.object({ deleted: z.array(TodoId), seq: Seq });
export type ClearCompletedResponse = z.infer<typeof ClearCompletedResponse>;
