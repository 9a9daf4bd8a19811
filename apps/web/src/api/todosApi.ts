import {
  ClearCompletedResponse,
  IDEMPOTENCY_KEY_HEADER,
  WRITE_USER_HEADER,
  ifMatch,
  TodoListResponse,
  TodoResponse,
  ToggleAllResponse,
  type CreateTodoBody,
  type TodoId,
  type ToggleAllBody,
  type UpdateTodoBody,
} from "@tandem/protocol";
import type { HttpClient } from "./http";

/** How a write is sent: its Idempotency-Key, the account it was made as, and for an edit the version it was based on. */
export interface WriteOptions {
  idempotencyKey?: string;
  /** Sent as `Tandem-User`: the server refuses the write (401) if the session is another account's. */
  madeAs?: string;
  /** Sent as `If-Match`: the server answers 409 `conflict` if the todo is at another version. */
  baseVersion?: number;
}

export interface TodosApi {
  list(): Promise<TodoListResponse>;
  create(body: CreateTodoBody, options?: WriteOptions): Promise<TodoResponse>;
  update(id: TodoId, body: UpdateTodoBody, options?: WriteOptions): Promise<TodoResponse>;
  remove(id: TodoId, options?: WriteOptions): Promise<void>;
  toggleAll(body: ToggleAllBody, options?: WriteOptions): Promise<ToggleAllResponse>;
  clearCompleted(options?: WriteOptions): Promise<ClearCompletedResponse>;
}

function writeHeaders({ idempotencyKey, madeAs, baseVersion }: WriteOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  if (idempotencyKey !== undefined) headers[IDEMPOTENCY_KEY_HEADER] = idempotencyKey;
  if (madeAs !== undefined) headers[WRITE_USER_HEADER] = madeAs;
  if (baseVersion !== undefined) headers["If-Match"] = ifMatch(baseVersion);
  return headers;
}

export function createTodosApi(http: HttpClient): TodosApi {
  const item = (id: TodoId) => `/api/todos/${encodeURIComponent(id)}`;
  return {
    list: () => http.json("GET", "/api/todos", TodoListResponse),
    create: (body, options) => http.json("POST", "/api/todos", TodoResponse, body, writeHeaders(options)),
    update: (id, body, options) => http.json("PATCH", item(id), TodoResponse, body, writeHeaders(options)),
    remove: (id, options) => http.empty("DELETE", item(id), undefined, writeHeaders(options)),
    toggleAll: (body, options) => http.json("POST", "/api/todos/toggle-all", ToggleAllResponse, body, writeHeaders(options)),
    clearCompleted: (options) => http.json("DELETE", "/api/todos?done=true", ClearCompletedResponse, undefined, writeHeaders(options)),
  };
}
