import type { ChangeEvent, Seq, Todo } from "@tandem/protocol";

/**
 * A todo as storage keeps it: the protocol's `Todo` without its constant `objectType`.
 * Times are ISO strings, exactly as they go on the wire.
 */
export type TodoRecord = Omit<Todo, "objectType">;

/**
 * Which of the user's todos a change reads before it decides:
 * - `ids`: the rows with these ids, whoever owns them (todo ids are chosen by clients, so a create
 *   must see an id another user holds); the caller checks the owner;
 * - `done`: the user's rows whose `done` is this value, in list order; with `limit`, only the
 *   first `limit` of them (a bulk change works through a long list a slice at a time).
 *
 * With `count`, the change also sees how many todos the user has (a create checks the cap).
 */
export type TodoSelection = (
  | { readonly ids: readonly string[] }
  | { readonly done: boolean; readonly limit?: number }
) & { readonly count?: boolean };

/** What a change sees, read inside its transaction. */
export interface TodoChangeState {
  /** The user's seq now: the seq of their latest change, 0 before the first. */
  readonly seq: Seq;
  readonly todos: readonly TodoRecord[];
  /** How many todos the user has; present exactly when the selection asked for `count`. */
  readonly count?: number;
  /** The ids of the user's enabled webhook endpoints (see webhooks/outbox.ts), oldest first. */
  readonly webhooks: readonly string[];
}

/** What a change writes, all in the transaction that read its state. */
export interface TodoWrites<T> {
  /** What the caller of `change` gets back once it committed. */
  readonly result: T;
  /** New rows; `seq` (the seq of the create) orders rows created in the same millisecond. */
  readonly inserted?: readonly { readonly todo: TodoRecord; readonly seq: Seq }[];
  /** Rows replaced whole (text, done, updatedAt, device, version). */
  readonly updated?: readonly TodoRecord[];
  readonly deleted?: readonly string[];
  /**
   * Appended to the user's change log. Their seqs continue the state's seq, one by one: the last
   * becomes the user's seq. Empty when nothing changed, and then nothing else may be written.
   */
  readonly events: readonly ChangeEvent[];
  /** Log entries with a seq at or below this may be dropped (never the newest). */
  readonly trimThrough?: Seq;
  /**
   * The webhook outbox: deliveries to queue, each for one of the state's `webhooks` and one of
   * this change's events, committed with it (see WebhookStorage for how they go out).
   */
  readonly deliveries?: readonly OutboxDelivery[];
}

/** One event waiting to go to one endpoint. */
export interface OutboxDelivery {
  readonly endpointId: string;
  readonly seq: Seq;
  /** The request body, exactly as it will be signed and sent. */
  readonly body: string;
}

/** What a read asks for besides the seq: the todo list, and the log after a seq. */
export interface TodoQuery {
  readonly todos?: boolean;
  readonly eventsAfter?: Seq;
}

/** One consistent reading of a user's todos and change log. */
export interface TodoSnapshot {
  readonly seq: Seq;
  /** The user's todos in list order (oldest first), when asked for. */
  readonly todos: readonly TodoRecord[];
  /** The retained log entries with seq > `eventsAfter`, oldest first, when asked for. */
  readonly events: readonly ChangeEvent[];
}

/**
 * The narrow interface the todos domain (`todos/`) runs on, after tldraw's sync storage: a
 * consistent read, and a change that reads, decides and writes in one transaction. Adapters
 * know nothing of seqs being gapless, of what makes a change, or of how long the log is kept:
 * they read and write rows and events, and keep each change all-or-nothing and each user's
 * changes one after another (two concurrent changes of one user never both commit the same seq).
 */
export interface TodoStorage {
  read(userId: string, query: TodoQuery): Promise<TodoSnapshot>;
  /**
   * Reads `select` and the user's seq, hands them to `decide` (synchronous, no I/O), and commits
   * what it returns. `decide` may run more than once (an adapter retries a transaction that lost
   * a race), so it must be a function of its state alone. A throw from `decide` writes nothing
   * and rejects with it.
   */
  change<T>(userId: string, select: TodoSelection, decide: (state: TodoChangeState) => TodoWrites<T>): Promise<T>;
}
