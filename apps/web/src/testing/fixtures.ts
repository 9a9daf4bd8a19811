import { deleteEvent as buildDeleteEvent, upsertEvent as buildUpsertEvent, type ChangeEvent, type Device, type Todo, type TodoId, type TokenInfo } from "@tandem/protocol";

export const USER_ID = "user-1";
export const MY_DEVICE = "web-this-tab";
export const OTHER_DEVICE = "web-other-tab";

let counter = 0;

/** A valid UUID that is different on every call, and readable in failure output. */
export function todoId(): TodoId {
  counter += 1;
  return `00000000-0000-4000-8000-${counter.toString().padStart(12, "0")}`;
}

export function makeTodo(overrides: Partial<Todo> = {}): Todo {
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString();
  return {
    id: todoId(),
    text: "milk",
    done: false,
    createdAt,
    updatedAt: createdAt,
    device: OTHER_DEVICE,
    userId: USER_ID,
    objectType: "objects.todos",
    version: 1,
    ...overrides,
  };
}

export function upsertEvent(todo: Todo, seq: number, eventName: "create" | "update" = "update"): ChangeEvent {
  return buildUpsertEvent(eventName, todo, seq, { requestId: `req-${seq}`, device: todo.device });
}

export function deleteEvent(id: TodoId, seq: number, device: string | null = OTHER_DEVICE): ChangeEvent {
  return buildDeleteEvent(USER_ID, id, seq, { requestId: `req-${seq}`, device });
}

export function makeDevice(overrides: Partial<Device> = {}): Device {
  counter += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString();
  return {
    id: `device-${counter}`,
    kind: "session",
    name: "Firefox on Linux",
    createdAt: at,
    lastSeenAt: at,
    current: false,
    online: 0,
    ...overrides,
  };
}

export function makeToken(overrides: Partial<TokenInfo> = {}): TokenInfo {
  counter += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString();
  return { id: `token-${counter}`, name: "Phone app", createdAt: at, lastUsedAt: null, expiresAt: "2026-04-01T00:00:00.000Z", ...overrides };
}
