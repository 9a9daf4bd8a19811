import {
  ClearCompletedResponse,
  TodoListResponse,
  TodoResponse,
  ToggleAllResponse,
  type CreateTodoBody,
  type TodoId,
  type ToggleAllBody,
  type UpdateTodoBody,
} from "@tandem/protocol";
import type { HttpClient } from "./http";

export interface TodosApi {
  list(): Promise<TodoListResponse>;
  create(body: CreateTodoBody): Promise<TodoResponse>;
  update(id: TodoId, body: UpdateTodoBody): Promise<TodoResponse>;
  remove(id: TodoId): Promise<void>;
  toggleAll(body: ToggleAllBody): Promise<ToggleAllResponse>;
  clearCompleted(): Promise<ClearCompletedResponse>;
}

export function createTodosApi(http: HttpClient): TodosApi {
  const item = (id: TodoId) => `/api/todos/${encodeURIComponent(id)}`;
  return {
    list: () => http.json("GET", "/api/todos", TodoListResponse),
    create: (body) => http.json("POST", "/api/todos", TodoResponse, body),
    update: (id, body) => http.json("PATCH", item(id), TodoResponse, body),
    remove: (id) => http.empty("DELETE", item(id)),
    toggleAll: (body) => http.json("POST", "/api/todos/toggle-all", ToggleAllResponse, body),
    clearCompleted: () => http.json("DELETE", "/api/todos?done=true", ClearCompletedResponse),
  };
}
