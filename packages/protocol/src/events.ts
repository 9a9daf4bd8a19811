import { z } from "zod";
import { DeviceId, Seq, UserId } from "./ids.js";
import { DeletedTodo, Todo } from "./todos.js";

export const CHANGE_EVENT_NAMES = ["create", "update", "delete"] as const;
export const ChangeEventName = z.enum(CHANGE_EVENT_NAMES);
export type ChangeEventName = z.infer<typeof ChangeEventName>;

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

const UpsertEvent = z.object({
  object: Todo,
  meta: ChangeMeta(z.enum(["create", "update"])),
});

const DeleteEvent = z.object({
  object: DeletedTodo,
  meta: ChangeMeta(z.literal("delete")),
});

/**
 * The envelope every committed change produces. The relay sends it to the user's sockets
 * as one JSON text frame, and the webhook receiver accepts exactly this shape.
 */
export const ChangeEvent = z.union([UpsertEvent, DeleteEvent]).superRefine((event, ctx) => {
  if (event.object.userId !== event.meta.userId) {
    ctx.addIssue({ code: "custom", path: ["meta", "userId"], message: "must equal object.userId" });
  }
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;

/**
 * Sent first on a socket opened with `since=N` when N is older than the retained change log:
 * the client must refetch the list, then follow live events from `seq`.
 */
export const ResyncEvent = z.object({
  meta: z.object({ eventName: z.literal("resync"), seq: Seq }),
});
export type ResyncEvent = z.infer<typeof ResyncEvent>;

/** Everything the server sends down a socket. */
export const ServerMessage = z.union([ChangeEvent, ResyncEvent]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export function isResync(message: ServerMessage): message is ResyncEvent {
  return message.meta.eventName === "resync";
}
