import type { Request, Router } from "express";
import {
  BaseVersion,
  ClearCompletedQuery,
  CreateTodoBody,
  TodoId,
  ToggleAllBody,
  UpdateTodoBody,
  type ClearCompletedResponse,
  type TodoListResponse,
  type TodoResponse,
  type ToggleAllResponse,
} from "@tandem/protocol";
import type { ChangeContext } from "../todos/todoChanges.js";
import type { TodoService } from "../todos/TodoService.js";
import { AppError } from "../errors.js";
import { deviceIdOf } from "../http/deviceId.js";
import { parse } from "../http/validate.js";
import { sendJsonInSlices } from "../http/sendJsonInSlices.js";
import { principalOf, requireAuth } from "../http/authenticate.js";
import type { idempotentWrites } from "../http/idempotency.js";

/** Who wrote: the device id header (validated; optional) and the request id for the event's meta. */
function changeContext(req: Request): ChangeContext {
  return { device: deviceIdOf(req), requestId: String(req.id) };
}

const noSuchTodo = () => new AppError("not_found", "no such todo");

/** A malformed id cannot name any todo: 404, exactly as for someone else's todo. */
function todoIdParam(req: Request): string {
  const id = TodoId.safeParse(req.params.id);
  if (!id.success) throw noSuchTodo();
  return id.data;
}

/** The version an `If-Match` header says a change was based on; undefined without one. */
function baseVersionOf(req: Request): number | undefined {
  const raw = req.headers["if-match"];
  return raw === undefined ? undefined : parse(BaseVersion, raw, "If-Match header");
}

/**
 * Adds `/todos…` to the API router itself rather than mounting a router of their own: a mounted
 * router rewrites the URL and walks another middleware stack on every request, which on the
 * write path was a measurable share of Express's cost.
 */
export function addTodoRoutes(router: Router, todos: TodoService, write: ReturnType<typeof idempotentWrites>): void {

  // A list at TODOS_MAX_PER_USER is megabytes of JSON: it goes out a slice per turn.
  router.get("/todos", requireAuth, async (req, res) => {
    await sendJsonInSlices(res, (await todos.list(principalOf(req).user.id)) satisfies TodoListResponse, "todos");
  });

  // Every write goes through `write`: exactly once for a client that sends an Idempotency-Key.
  router.post("/todos", requireAuth, write(async (req) => {
    const ctx = changeContext(req);
    const body = parse(CreateTodoBody, req.body);
    const { todo, event } = await todos.create(principalOf(req).user.id, body, ctx);
    return { status: event === null ? 200 : 201, body: { todo } satisfies TodoResponse };
  }));

  router.post("/todos/toggle-all", requireAuth, write(async (req) => {
    const ctx = changeContext(req);
    const { done } = parse(ToggleAllBody, req.body);
    const { todos: changed, seq } = await todos.setAllDone(principalOf(req).user.id, done, ctx);
    return { status: 200, body: { todos: changed, seq } satisfies ToggleAllResponse, listKey: "todos" };
  }));

  router.delete("/todos", requireAuth, write(async (req) => {
    const ctx = changeContext(req);
    parse(ClearCompletedQuery, req.query, "query (only ?done=true is supported)");
    const { deleted, seq } = await todos.clearCompleted(principalOf(req).user.id, ctx);
    return { status: 200, body: { deleted, seq } satisfies ClearCompletedResponse };
  }));

  router.patch("/todos/:id", requireAuth, write(async (req) => {
    const ctx = changeContext(req);
    const id = todoIdParam(req);
    const patch = parse(UpdateTodoBody, req.body);
    const result = await todos.update(principalOf(req).user.id, id, patch, ctx, baseVersionOf(req));
    if (!result) throw noSuchTodo();
    return { status: 200, body: { todo: result.todo } satisfies TodoResponse };
  }));

  router.delete("/todos/:id", requireAuth, write(async (req) => {
    const ctx = changeContext(req);
    const id = todoIdParam(req);
    if (!(await todos.remove(principalOf(req).user.id, id, ctx, baseVersionOf(req)))) throw noSuchTodo();
    return { status: 204 };
  }));
}
