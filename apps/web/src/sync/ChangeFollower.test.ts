import { resyncMessage, type TodoListResponse } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { NetworkError } from "../api/errors";
import { createAppState } from "../state/appState";
import { FakeEnvironment, settle } from "../testing/FakeEnvironment";
import { deleteEvent, makeTodo, MY_DEVICE, OTHER_DEVICE, upsertEvent, withoutSeq } from "../testing/fixtures";
import { ChangeFollower } from "./ChangeFollower";
import { stateSink } from "./liveSync";

function setup(initial: TodoListResponse = { todos: [], seq: 0 }) {
  const env = new FakeEnvironment();
  const appState = createAppState();
  appState.getState().signedIn({ id: "user-1", email: "ada@example.com" });
  const calls = { snapshots: 0, failures: [] as unknown[] };
  const server = { snapshot: async (): Promise<TodoListResponse> => initial };
  const follower = new ChangeFollower({
    deviceId: MY_DEVICE,
    fetchSnapshot: () => {
      calls.snapshots += 1;
      return server.snapshot();
    },
    sink: stateSink(appState),
    now: () => env.now(),
    onRefetchFailed: (error) => calls.failures.push(error),
  });
  const texts = () => appState.getState().todos.map((item) => item.text);
  return { env, appState, calls, server, follower, texts };
}

/** A follower that has loaded its first snapshot. */
async function following(initial?: TodoListResponse) {
  const ctx = setup(initial);
  await ctx.follower.since();
  return ctx;
}

/** Makes the next snapshot wait until the test answers it. */
function holdNextSnapshot(server: { snapshot: () => Promise<TodoListResponse> }) {
  let answer: (value: TodoListResponse) => void = () => {};
  server.snapshot = () => new Promise((resolve) => (answer = resolve));
  return (value: TodoListResponse) => answer(value);
}

describe("ChangeFollower: where a stream starts", () => {
  it("starts from a snapshot: it loads one and starts after its seq", async () => {
    const milk = makeTodo({ text: "milk" });
    const { follower, texts, calls, appState, env } = setup({ todos: [milk], seq: 12 });
    expect(follower.state).toEqual({ kind: "snapshot" });
    expect(await follower.since()).toBe(12);
    expect(texts()).toEqual(["milk"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 12 });
    expect(appState.getState().lastSyncAt).toBe(env.now());
    // Live, a new stream starts where the last one ended: no second snapshot.
    expect(await follower.since()).toBe(12);
    expect(calls.snapshots).toBe(1);
  });

  it("keeps its seq when a live stream is interrupted", async () => {
    const { follower } = await following({ todos: [], seq: 3 });
    follower.receive(upsertEvent(makeTodo(), 4, "create"));
    follower.interrupted();
    expect(follower.state).toEqual({ kind: "live", lastSeq: 4 });
  });

  it("ignores a snapshot that arrives after its stream was interrupted, and loads a fresh one", async () => {
    const { follower, server, texts } = setup();
    const answer = holdNextSnapshot(server);
    const first = follower.since();
    follower.interrupted();
    server.snapshot = async () => ({ todos: [makeTodo({ text: "fresh" })], seq: 9 });
    expect(await follower.since()).toBe(9);
    answer({ todos: [makeTodo({ text: "stale" })], seq: 4 });
    expect(await first).toBeNull();
    expect(texts()).toEqual(["fresh"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 9 });
  });
});

describe("ChangeFollower: applying messages", () => {
  it("applies other devices' changes and tracks their seq", async () => {
    const { follower, texts } = await following({ todos: [], seq: 3 });
    const todo = makeTodo({ text: "eggs", device: OTHER_DEVICE });
    follower.receive(upsertEvent(todo, 4, "create"));
    follower.receive(upsertEvent({ ...todo, text: "brown eggs", version: 2 }, 5));
    expect(texts()).toEqual(["brown eggs"]);
    follower.receive(deleteEvent(todo.id, 6));
    expect(texts()).toEqual([]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 6 });
  });

  it("ignores its own device's echoes, but they still advance the seq", async () => {
    const { follower, texts } = await following({ todos: [], seq: 3 });
    follower.receive(upsertEvent(makeTodo({ text: "mine", device: MY_DEVICE }), 4, "create"));
    expect(texts()).toEqual([]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 4 });
    // seq 5 is the next one: no gap is suspected after skipping our own seq 4.
    follower.receive(upsertEvent(makeTodo({ text: "theirs" }), 5, "create"));
    expect(texts()).toEqual(["theirs"]);
  });

  it("ignores duplicates (seq already seen)", async () => {
    const todo = makeTodo({ text: "v2", version: 2 });
    const { follower, texts, calls } = await following({ todos: [todo], seq: 7 });
    follower.receive(upsertEvent({ ...todo, text: "stale replay", version: 3 }, 7));
    expect(texts()).toEqual(["v2"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 7 });
    expect(calls.snapshots).toBe(1);
  });

  it("applies a relayed event without a seq by version alone: the next real change still counts", async () => {
    const todo = makeTodo({ text: "v1", device: OTHER_DEVICE });
    const { follower, texts, calls } = await following({ todos: [todo], seq: 7 });
    follower.receive(withoutSeq(upsertEvent({ ...todo, text: "v2 relayed", version: 2 }, 99)));
    expect(texts()).toEqual(["v2 relayed"]);
    follower.receive(withoutSeq(upsertEvent({ ...todo, text: "older, relayed late" }, 99)));
    expect(texts()).toEqual(["v2 relayed"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 7 });
    // Tandem's own seq 8 is neither a duplicate nor a gap after it.
    follower.receive(upsertEvent({ ...todo, text: "v3", version: 3 }, 8));
    expect(texts()).toEqual(["v3"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 8 });
    expect(calls.snapshots).toBe(1);
  });

  it("marks the list synced with every message it handles", async () => {
    const { follower, env, appState } = await following({ todos: [], seq: 3 });
    env.advance(1_000);
    follower.receive(upsertEvent(makeTodo(), 4, "create"));
    expect(appState.getState().lastSyncAt).toBe(env.now());
  });

  it("ignores messages while it has no base: the next stream's snapshot covers them", async () => {
    const { follower, texts, calls } = setup();
    follower.receive(upsertEvent(makeTodo({ text: "early" }), 1, "create"));
    await settle();
    expect(texts()).toEqual([]);
    expect(follower.state).toEqual({ kind: "snapshot" });
    expect(calls.snapshots).toBe(0);
  });
});

describe("ChangeFollower: refetching", () => {
  it("refetches on a gap, holding back messages until the snapshot is in, then replaying them", async () => {
    const a = makeTodo({ text: "a" });
    const { follower, server, calls, texts } = await following({ todos: [], seq: 1 });
    const b = makeTodo({ text: "b" });
    const answer = holdNextSnapshot(server);

    follower.receive(upsertEvent(a, 3, "create")); // seq 2 was missed
    expect(calls.snapshots).toBe(2);
    expect(follower.state.kind).toBe("refetching");
    follower.receive(upsertEvent(b, 4, "create")); // arrives while refetching
    follower.receive(upsertEvent(makeTodo({ text: "c" }), 5, "create"));
    expect(texts()).toEqual([]);

    answer({ todos: [a, b], seq: 4 });
    await settle();
    // The snapshot covered up to seq 4; only seq 5 is applied over it.
    expect(texts()).toEqual(["a", "b", "c"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 5 });
  });

  it("refetches on a resync message", async () => {
    const { follower, server, calls, texts } = await following({ todos: [], seq: 2 });
    server.snapshot = async () => ({ todos: [makeTodo({ text: "fresh" })], seq: 40 });
    follower.receive(resyncMessage(40));
    await settle();
    expect(calls.snapshots).toBe(2);
    expect(texts()).toEqual(["fresh"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 40 });
  });

  it("a replayed message that reveals another gap makes the rest wait for that refetch", async () => {
    const { follower, server, calls, texts } = await following({ todos: [], seq: 1 });
    const nine = makeTodo({ text: "nine" });
    const first = holdNextSnapshot(server);
    follower.receive(upsertEvent(makeTodo({ text: "x" }), 3, "create"));
    follower.receive(upsertEvent(nine, 9, "create"));
    follower.receive(upsertEvent(makeTodo({ text: "ten" }), 10, "create"));
    const second = holdNextSnapshot(server);
    first({ todos: [], seq: 3 });
    await settle();
    expect(calls.snapshots).toBe(3);
    expect(follower.state).toEqual({ kind: "refetching", buffered: [expect.anything()] });

    second({ todos: [nine], seq: 9 });
    await settle();
    expect(texts()).toEqual(["nine", "ten"]);
    expect(follower.state).toEqual({ kind: "live", lastSeq: 10 });
  });

  it("reports a failed refetch and goes back to needing a snapshot, dropping what waited", async () => {
    const { follower, server, calls, texts } = await following({ todos: [], seq: 2 });
    const failure = new NetworkError();
    server.snapshot = async () => {
      throw failure;
    };
    follower.receive(resyncMessage(9));
    follower.receive(upsertEvent(makeTodo({ text: "waiting" }), 10, "create"));
    await settle();
    expect(calls.failures).toEqual([failure]);
    expect(follower.state).toEqual({ kind: "snapshot" });
    expect(texts()).toEqual([]);
  });

  it("abandons a refetch when its stream is interrupted: the late snapshot and what waited are dropped", async () => {
    const { follower, server, texts, calls } = await following({ todos: [], seq: 2 });
    const answer = holdNextSnapshot(server);
    follower.receive(resyncMessage(9));
    follower.receive(upsertEvent(makeTodo({ text: "waiting" }), 10, "create"));
    follower.interrupted();
    expect(follower.state).toEqual({ kind: "snapshot" });
    answer({ todos: [makeTodo({ text: "late" })], seq: 9 });
    await settle();
    expect(texts()).toEqual([]);
    expect(follower.state).toEqual({ kind: "snapshot" });
    expect(calls.failures).toEqual([]);
  });
});
