import { z } from "zod";
import { DeviceId, Seq, UserId } from "./ids.js";

/** Longest todo text, in characters (after trimming). */
export const TODO_TEXT_MAX = 1000;

export const TODO_OBJECT_TYPE = "objects.todos";

export const TodoId = z.uuid();
export type TodoId = z.infer<typeof TodoId>;

/**
 * C0 control characters other than tab (U+0009) and line feed (U+000A): they draw nothing, some
 * end a string early for the code that stores or shows it (SQLite's `length()` stops at U+0000),
 * and a terminal obeys an escape sequence (U+001B) in text it prints.
 */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x09 && unit !== 0x0a) return true;
  }
  return false;
}

/**
 * Half of a surrogate pair standing alone is no character: UTF-8 cannot encode it, so a store
 * would keep U+FFFD instead and the list would no longer say what the answer said.
 * (In a `u` regex a whole pair is one code point, never a `Surrogate`.)
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Nothing but white space and characters Unicode asks to be drawn as nothing
 * (`Default_Ignorable_Code_Point`: zero-width space and joiners, the byte order mark, soft
 * hyphens, bidirectional controls, variation selectors, Hangul fillers…): a todo that looks empty.
 */
const INVISIBLE_ONLY = /^[\s\p{Default_Ignorable_Code_Point}]*$/u;

/**
 * A todo's text, trimmed: 1–TODO_TEXT_MAX UTF-16 code units, well-formed Unicode, no control
 * characters but tab and newline, and something visible. The server refuses anything else with
 * 400; the web app checks the same rule before it queues a write.
 */
export const TodoText = z
  .string()
  .trim()
  .min(1, "text must not be empty")
  .max(TODO_TEXT_MAX, `text must be at most ${TODO_TEXT_MAX} characters`)
  .refine((text) => !hasControlCharacter(text), "text must not contain control characters (other than tab and newline)")
  .refine((text) => !LONE_SURROGATE.test(text), "text must be well-formed Unicode (it has half of a surrogate pair on its own)")
  .refine((text) => text.length === 0 || !INVISIBLE_ONLY.test(text), "text must contain something visible, not only invisible characters");

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
  /** Starts the todo as done (false when left out): an undone delete comes back as it was. */
  done: z.boolean().optional(),
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

// ---- exactly once, and conflicts

/**
 * The header that makes a write safe to send again: the server remembers, per user and for a
 * bounded time, the answer it gave to each key, and answers a repeat with that same answer
 * without writing anything (see docs/protocol.md). Any write route takes it.
 */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";

/** A client-chosen key (a UUID is ideal): 8–128 visible ASCII characters. */
export const IdempotencyKey = z
  .string()
  .min(8, "Idempotency-Key must be at least 8 characters")
  .max(128, "Idempotency-Key must be at most 128 characters")
  .regex(/^[\x21-\x7e]+$/, "Idempotency-Key must be visible ASCII characters only");

/** Set on an answer that repeats the one given to an earlier request with the same key. */
export const IDEMPOTENT_REPLAY_HEADER = "idempotent-replayed";

/**
 * Optional on every todo write: the id of the account the write was made as. A write whose session
 * is another account's (a browser that signed in as someone else since the write was queued) is
 * refused with 401 `unauthorized` and nothing is written, so a queue kept for one account is never
 * applied to another. Any write route takes it.
 */
export const WRITE_USER_HEADER = "tandem-user";

/**
 * `If-Match` on `PATCH` and `DELETE /api/todos/:id` names the version the change was based on:
 * `"3"` (an entity tag) or `3`. When the todo is at another version now, the write is refused
 * with 409 `conflict` and the current todo. Without it the write applies to whatever is there.
 */
export const BaseVersion = z
  .string()
  .regex(/^\s*(?:W\/)?"?[1-9][0-9]{0,14}"?\s*$/, 'If-Match must be the version a change is based on, like "3"')
  .transform((value) => Number(value.replace(/[^0-9]/g, "")));

/** The `If-Match` value for a change based on `version`. */
export function ifMatch(version: number): string {
  return `"${version}"`;
}
