import { TODO_OBJECT_TYPE } from "@tandem/protocol";
import type { ChangeEvent, ChangeEventName, DeviceId, Seq, Todo } from "@tandem/protocol";
import { deleteEvent, upsertEvent } from "./changeEvents.js";

/**
 * How the SQLite change log stores an event: only what its row's key (user id, seq) and the
 * event's constant parts do not already say. The full event repeats the user id twice and the
 * device twice and names its object type, which took a row to ~420 bytes; at ~200 a leaf of the
 * log's B-tree holds twice the rows and splits half as often, and the split pages were most of a
 * change's cost (see bench/README.md, round 5). `fromLogEntry` rebuilds the event with the same
 * builders that made it, so a catch-up hands out exactly what was sent live.
 *
 * In every event this store makes, the todo's `device` is the change's device (a write stamps the
 * todo with it), so one `d` stands for both.
 */
interface LogEntry {
  e: ChangeEventName;
  r: string;
  d: DeviceId | null;
  id: string;
  /** The todo as the change left it; absent for a delete. */
  text?: string;
  done?: boolean;
  createdAt?: string;
  updatedAt?: string;
  version?: number;
}

export function toLogEntry(event: ChangeEvent): string {
  const { meta, object } = event;
  const entry: LogEntry = { e: meta.eventName, r: meta.requestId, d: meta.device, id: object.id };
  if ("text" in object) {
    entry.text = object.text;
    entry.done = object.done;
    entry.createdAt = object.createdAt;
    entry.updatedAt = object.updatedAt;
    entry.version = object.version;
  }
  return JSON.stringify(entry);
}

export function fromLogEntry(userId: string, seq: Seq, json: string): ChangeEvent {
  const entry = JSON.parse(json) as LogEntry;
  const ctx = { device: entry.d, requestId: entry.r };
  if (entry.e === "delete") return deleteEvent(userId, entry.id, seq, ctx);
  if (entry.text === undefined || entry.done === undefined || entry.createdAt === undefined || entry.updatedAt === undefined || entry.version === undefined) {
    throw new Error(`change log entry ${userId}/${seq} lacks its todo`);
  }
  const todo: Todo = {
    id: entry.id,
    text: entry.text,
    done: entry.done,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    device: entry.d,
    userId,
    objectType: TODO_OBJECT_TYPE,
    version: entry.version,
  };
  return upsertEvent(entry.e, todo, seq, ctx);
}
