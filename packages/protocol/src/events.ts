import { z } from "zod";
import { DeviceId, Seq, UserId } from "./ids.js";
import { DeletedTodo, TODO_OBJECT_TYPE, Todo } from "./todos.js";
import { DevicesMessage } from "./devices.js";

export const CHANGE_EVENT_NAMES = ["create", "update", "delete"] as const;
export const ChangeEventName = z.enum(CHANGE_EVENT_NAMES);
export type ChangeEventName = z.infer<typeof ChangeEventName>;

/**
 * What every server message starts with: `type` says what it is, so a client switches on one
 * field instead of digging into the message. Producers of webhooks that predate `type` may leave
 * it out of a change event; it is filled in when the event is read.
 */
export const CHANGE_MESSAGE = "change";
export const RESYNC_MESSAGE = "resync";

const ChangeMeta = <E extends z.ZodType<ChangeEventName>>(eventName: E) =>
  z.object({
    eventName,
    /** Id of the HTTP request that made the change (also in the server's logs). */
    requestId: z.string().min(1).max(128),
    userId: UserId,
    /** The user's change counter after this change: exactly one more than the change before. */
    seq: Seq.min(1),
    device: DeviceId.nullable(),
  });

const changeType = z.literal(CHANGE_MESSAGE).default(CHANGE_MESSAGE);

const UpsertEvent = z.object({
  type: changeType,
  object: Todo,
  meta: ChangeMeta(z.enum(["create", "update"])),
});

const DeleteEvent = z.object({
  type: changeType,
  object: DeletedTodo,
  meta: ChangeMeta(z.literal("delete")),
});

/**
 * The envelope every committed change produces: `{ type, object, meta }`. The relay sends it to
 * the user's sockets as one JSON text frame, and the webhook receiver accepts exactly this shape.
 */
export const ChangeEvent = z.union([UpsertEvent, DeleteEvent]).superRefine((event, ctx) => {
  if (event.object.userId !== event.meta.userId) {
    ctx.addIssue({ code: "custom", path: ["meta", "userId"], message: "must equal object.userId" });
  }
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;

/**
 * Sent first on a socket opened with `since=N` when N is older than the retained change log:
 * the client must refetch the list, then follow live events from `seq`. (`meta` repeats what
 * the message is for clients written before `type` existed.)
 */
export const ResyncMessage = z.object({
  type: z.literal(RESYNC_MESSAGE),
  seq: Seq,
  meta: z.object({ eventName: z.literal(RESYNC_MESSAGE), seq: Seq }),
});
export type ResyncMessage = z.infer<typeof ResyncMessage>;

/** The change stream: the messages a client's sync follows (`change`, `resync`). */
export const ServerMessage = z.union([ChangeEvent, ResyncMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/**
 * Everything the server sends down a socket: the change stream and the live roster (`devices`).
 * Switch on `type`; a client ignores a `type` it does not know (later servers may add some).
 */
export const SocketMessage = z.union([ChangeEvent, ResyncMessage, DevicesMessage]);
export type SocketMessage = z.infer<typeof SocketMessage>;

export function isResync(message: ServerMessage): message is ResyncMessage {
  return message.type === RESYNC_MESSAGE;
}

/** Who made a change: the writer's device (if it named one) and the request that carried it. */
export interface ChangeOrigin {
  device: DeviceId | null;
  requestId: string;
}

/**
 * The envelope of a created or updated todo: it carries the whole todo as it now is. The one
 * place (with {@link deleteEvent}) a change event is built, by the server and by its tests.
 */
export function upsertEvent(eventName: "create" | "update", todo: Todo, seq: Seq, origin: ChangeOrigin): ChangeEvent {
  return {
    type: CHANGE_MESSAGE,
    object: todo,
    meta: { eventName, requestId: origin.requestId, userId: todo.userId, seq, device: origin.device },
  };
}

/** The envelope of a deleted todo: the todo is gone, so only its identity travels. */
export function deleteEvent(userId: UserId, id: string, seq: Seq, origin: ChangeOrigin): ChangeEvent {
  return {
    type: CHANGE_MESSAGE,
    object: { id, userId, device: origin.device, objectType: TODO_OBJECT_TYPE },
    meta: { eventName: "delete", requestId: origin.requestId, userId, seq, device: origin.device },
  };
}

export function resyncMessage(seq: Seq): ResyncMessage {
  return { type: RESYNC_MESSAGE, seq, meta: { eventName: RESYNC_MESSAGE, seq } };
}
