import { describe, expect, it } from "vitest";
import { ApiError, NetworkError } from "../api/errors";
import { createAppState, type AppStateApi } from "../state/appState";
import type { PendingWrite, WriteResult } from "../state/pendingWrite";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { makeTodo } from "../testing/fixtures";
import { Outbox } from "./Outbox";
import { SERVER_FAULT_RETRIES } from "./writeOutcome";
import { memoryOutbox, type OutboxStore } from "./outboxStore";

/** A server stand-in: records what it was sent and answers each write as the test scripts. */
class FakeServer {
  readonly received: PendingWrite[] = [];
  /** Every request the outbox actually made, including those that never reached the server. */
  attempts = 0;
  /** Answers, consumed in order; when empty, writes succeed. */
  readonly script: Array<(write: PendingWrite) => WriteResult | Error> = [];
  private version = 1;

  constructor(private readonly env: FakeEnvironment) {}

  send = async (write: PendingWrite): Promise<WriteResult> => {
    this.attempts += 1;
    if (!this.env.online) throw new NetworkError();
    this.received.push(write);
    await Promise.resolve();
    const answer = this.script.shift()?.(write) ?? this.accept(write);
    if (answer instanceof Error) throw answer;
    return answer;
  };

  private accept(write: PendingWrite): WriteResult {
    switch (write.kind) {
      case "create":
        return { kind: "saved", todos: [makeTodo({ id: write.id, text: write.text, version: this.version++ })] };
      case "update":
        return { kind: "saved", todos: [makeTodo({ id: write.id, text: write.patch.text ?? "?", version: 2 })] };
      case "delete":
        return { kind: "deleted", ids: [write.id] };
      default:
        return { kind: "saved", todos: [] };
    }
  }
}

function setup(store: OutboxStore = memoryOutbox(), { hold = false, isStillSignedIn }: { hold?: boolean; isStillSignedIn?: () => boolean } = {}) {
  const appState: AppStateApi = createAppState();
  appState.getState().signedIn({ id: "user-1", email: "ada@example.com" });
  appState.getState().loadSnapshot([], 0);
  const env = new FakeEnvironment();
  const server = new FakeServer(env);
  let signedOut = 0;
  const outbox = new Outbox({
    appState,
    env,
    send: server.send,
    onUnauthorized: () => (signedOut += 1),
    store,
    ...(isStillSignedIn ? { isStillSignedIn } : {}),
  });
  void outbox.start({ hold });
  return { appState, env, server, outbox, store, signedOut: () => signedOut };
}

/** A store whose `add` the browser refuses (a full disk, a database that went away). */
function refusingStore(): OutboxStore {
  return { ...memoryOutbox(), add: () => Promise.reject(new DOMException("quota exceeded", "QuotaExceededError")) };
}

const texts = (appState: AppStateApi) => appState.getState().todos.map((item) => item.text);

describe("Outbox", () => {
  it("sends queued writes one at a time, in the order they were made", async () => {
    const { appState, server } = setup();
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    appState.getState().addTodo("c");
    await settle();
    expect(server.received.map((w) => w.kind === "create" && w.text)).toEqual(["a", "b", "c"]);
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().todos.map((item) => [item.text, item.pending])).toEqual([
      ["a", false],
      ["b", false],
      ["c", false],
    ]);
  });

  it("keeps writes queued while the network is down and flushes them in order on `online`", async () => {
    const { appState, env, server } = setup();
    env.emit("offline");
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    await settle();
    expect(texts(appState)).toEqual(["a", "b"]);
    expect(appState.getState().pending).toHaveLength(2);
    // Nothing is tried while the browser knows it is offline, and no timer spins.
    expect(server.attempts).toBe(0);
    expect(env.pendingDelays()).toEqual([]);

    env.emit("online");
    await settle();
    expect(server.received.map((w) => w.kind === "create" && w.text)).toEqual(["a", "b"]);
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().notices).toEqual([]);
  });

  it("keeps a write whose request got no answer, and resends it on `online`", async () => {
    const { appState, env, server } = setup();
    server.script.push(() => new NetworkError());
    appState.getState().addTodo("a");
    await settle();
    // The browser still claims to be online, so a backoff retry is scheduled too.
    expect(env.pendingDelays()).toEqual([250]);
    expect(appState.getState().pending).toHaveLength(1);
    env.emit("online");
    await settle();
    expect(appState.getState().pending).toEqual([]);
    expect(env.pendingDelays()).toEqual([]);
    expect(server.received).toHaveLength(2);
  });

  it("retries at once, skipping the backoff wait, when the connection goes live again", async () => {
    const { appState, env, server } = setup();
    server.script.push(() => new ApiError(503, "unavailable", "restarting"));
    appState.getState().addTodo("a");
    await settle();
    expect(env.pendingDelays()).toEqual([250]);
    appState.getState().connectionChanged("reconnecting", env.now());
    await settle();
    expect(server.received).toHaveLength(1);

    appState.getState().connectionChanged("live", env.now());
    await settle();
    expect(server.received).toHaveLength(2);
    expect(appState.getState().pending).toEqual([]);
    expect(env.pendingDelays()).toEqual([]);
  });

  it("retries a 503 after a backoff delay, and resends the same create id (idempotent)", async () => {
    const { appState, env, server } = setup();
    server.script.push(() => new ApiError(503, "unavailable", "down for a moment"));
    appState.getState().addTodo("a");
    await settle();
    expect(env.pendingDelays()).toEqual([250]);
    appState.getState().addTodo("b");
    await settle();
    expect(server.received).toHaveLength(1);

    env.advance(250);
    await settle();
    const [first, retry] = server.received;
    expect(first?.kind === "create" && retry?.kind === "create" && retry.id === first.id).toBe(true);
    expect(appState.getState().pending).toEqual([]);
  });

  it("honours Retry-After on a 429", async () => {
    const { appState, env, server } = setup();
    server.script.push(() => new ApiError(429, "too_many_requests", "slow down", [], 7));
    appState.getState().addTodo("a");
    await settle();
    expect(env.pendingDelays()).toEqual([7_000]);
  });

  it("keeps every write queued and shown through a 429, says nothing, and sends them in order after Retry-After", async () => {
    const { appState, env, server } = setup();
    server.script.push(() => new ApiError(429, "too_many_requests", "too many changes, try again in 2 s", [], 2));
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    await settle();
    appState.getState().addTodo("c");
    await settle();
    // One request was refused; nothing else was tried while the server asked us to wait.
    expect(server.attempts).toBe(1);
    expect(env.pendingDelays()).toEqual([2_000]);
    expect(appState.getState().pending.map((w) => w.kind === "create" && w.text)).toEqual(["a", "b", "c"]);
    expect(appState.getState().todos.map((item) => [item.text, item.pending])).toEqual([
      ["a", true],
      ["b", true],
      ["c", true],
    ]);
    expect(appState.getState().notices).toEqual([]);

    env.advance(1_999);
    await settle();
    expect(server.attempts).toBe(1);
    env.advance(1);
    await settle();
    expect(server.received.map((w) => w.kind === "create" && w.text)).toEqual(["a", "a", "b", "c"]);
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().notices).toEqual([]);
  });

  it("backs off further while the server keeps answering 429, never dropping a write", async () => {
    const { appState, env, server } = setup();
    for (let i = 0; i < 3; i++) server.script.push(() => new ApiError(429, "too_many_requests", "slow down", [], 1));
    appState.getState().addTodo("a");
    await settle();
    for (let i = 0; i < 3; i++) {
      const [delay] = env.pendingDelays();
      // At least what the server asked for, and the backoff when that is longer.
      expect(delay).toBeGreaterThanOrEqual(1_000);
      env.advance(delay ?? 0);
      await settle();
    }
    expect(server.attempts).toBe(4);
    expect(appState.getState().pending).toEqual([]);
    expect(texts(appState)).toEqual(["a"]);
    expect(appState.getState().notices).toEqual([]);
  });

  it("rolls back a create refused because the list is full, says so, and goes on with the next write", async () => {
    const { appState, server } = setup();
    const milk = makeTodo({ text: "milk" });
    appState.getState().loadSnapshot([milk], appState.getState().confirmed.revision);
    server.script.push(() => new ApiError(409, "limit_reached", "your list is full at 5,000 todos; delete some to make room"));
    appState.getState().addTodo("one too many");
    appState.getState().deleteTodo(milk.id);
    await settle();
    expect(appState.getState().notices.map((n) => n.message)).toEqual([
      "Couldn't add “one too many”: your list is full at 5,000 todos; delete some to make room",
    ]);
    expect(server.received.map((w) => w.kind)).toEqual(["create", "delete"]);
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().todos).toEqual([]);
  });

  it("rolls back a refused write, shows the server's message, and goes on with the next", async () => {
    const { appState, server } = setup();
    server.script.push(() => new ApiError(400, "validation_failed", "text must be at most 1000 characters"));
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    await settle();
    expect(texts(appState)).toEqual(["b"]);
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().notices.map((n) => n.message)).toEqual([
      "Couldn't add “a”: text must be at most 1000 characters",
    ]);
  });

  it("treats a 404 on delete as done: the todo is gone either way", async () => {
    const { appState, server } = setup();
    const milk = makeTodo();
    appState.getState().loadSnapshot([milk], appState.getState().confirmed.revision);
    server.script.push(() => new ApiError(404, "not_found", "no such todo"));
    appState.getState().deleteTodo(milk.id);
    await settle();
    expect(appState.getState().todos).toEqual([]);
    expect(appState.getState().confirmed.deleted[milk.id]).toBe(true);
    expect(appState.getState().notices).toEqual([]);
  });

  it("reports a 401 as the end of the session and stops sending", async () => {
    const { appState, server, signedOut } = setup();
    server.script.push(() => new ApiError(401, "unauthorized", "sign in"));
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    await settle();
    expect(signedOut()).toBe(1);
    expect(server.received).toHaveLength(1);
  });

  it("sends a 500'd write again a few times, then keeps it as failed and goes on", async () => {
    const { appState, env, server } = setup();
    for (let i = 0; i <= SERVER_FAULT_RETRIES; i++) server.script.push(() => new ApiError(500, "internal", "something broke"));
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    await settle();
    for (let i = 0; i < SERVER_FAULT_RETRIES; i++) {
      expect(appState.getState().failed).toEqual([]);
      env.advance(60_000);
      await settle();
    }
    expect(server.received.filter((w) => w.kind === "create" && w.text === "a")).toHaveLength(SERVER_FAULT_RETRIES + 1);
    expect(appState.getState().failed.map((f) => f.failure.code)).toEqual(["internal"]);
    expect(texts(appState)).toEqual(["b"]);
    expect(appState.getState().pending).toEqual([]);
  });

  it("shows a write only once the store holds it", async () => {
    let commit = () => {};
    const inner = memoryOutbox();
    const slowStore: OutboxStore = {
      ...inner,
      add: (write) => new Promise<void>((resolve, reject) => (commit = () => void inner.add(write).then(resolve, reject))),
    };
    const { appState, server } = setup(slowStore);
    await settle();
    appState.getState().addTodo("a");
    await settle();
    // Not committed yet: nothing shown, nothing sent.
    expect(texts(appState)).toEqual([]);
    expect(appState.getState().pending).toEqual([]);
    expect(server.attempts).toBe(0);
    commit();
    await settle();
    expect(texts(appState)).toEqual(["a"]);
    expect(server.received.map((w) => w.kind === "create" && w.text)).toEqual(["a"]);
  });

  it("shows a write the browser refused to store only together with the warning", async () => {
    const { appState } = setup(refusingStore(), { hold: true });
    await settle();
    let shownWithoutWarning = false;
    appState.subscribe((state) => {
      if (state.todos.length > 0 && state.notices.length === 0) shownWithoutWarning = true;
    });
    appState.getState().addTodo("a");
    await settle();
    expect(texts(appState)).toEqual(["a"]);
    expect(shownWithoutWarning).toBe(false);
  });

  it("still sends a write the browser refused to store, from this tab's memory, and says to keep the page open", async () => {
    const { appState, server, outbox } = setup(refusingStore());
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    await settle();
    expect(outbox.inMemory).toBe(true);
    expect(server.received.map((w) => w.kind === "create" && w.text)).toEqual(["a", "b"]);
    expect(appState.getState().pending).toEqual([]);
    expect(appState.getState().notices.map((n) => n.message)[0]).toContain("keep this page open");
  });

  it("records but sends nothing while held, and sends in order once released", async () => {
    const { appState, server, outbox } = setup(memoryOutbox(), { hold: true });
    appState.getState().addTodo("a");
    appState.getState().addTodo("b");
    await settle();
    expect(server.attempts).toBe(0);
    expect(appState.getState().pending).toHaveLength(2);
    outbox.release();
    await settle();
    expect(server.received.map((w) => w.kind === "create" && w.text)).toEqual(["a", "b"]);
  });

  it("sends nothing once the browser is signed in as someone else, and ends the session", async () => {
    let signedInHere = true;
    const { appState, server, signedOut } = setup(memoryOutbox(), { isStillSignedIn: () => signedInHere });
    appState.getState().addTodo("mine");
    await settle();
    signedInHere = false;
    appState.getState().addTodo("not with their cookie");
    await settle();
    expect(server.received.map((w) => w.kind === "create" && w.text)).toEqual(["mine"]);
    expect(signedOut()).toBe(1);
    expect(appState.getState().pending).toHaveLength(1);
  });

  it("stops for good once disposed", async () => {
    const { appState, server, outbox, env } = setup();
    outbox.dispose();
    appState.getState().addTodo("a");
    env.emit("online");
    await settle();
    expect(server.received).toEqual([]);
    expect(env.listenerCount()).toBe(0);
  });
});
