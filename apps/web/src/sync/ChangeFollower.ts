import type { DeviceId, RelayedChangeEvent, ServerMessage, TodoListResponse } from "@tandem/protocol";
import { decide } from "./sequencer";

/**
 * Where the follower puts what it learns; in the app, state actions (`stateSink` in liveSync.ts).
 */
export interface FollowerSink {
  /** Read just before a snapshot request leaves; handed back with its answer. */
  snapshotMark(): number;
  snapshotLoaded(snapshot: TodoListResponse, mark: number): void;
  /** Merged by the todo's `version`, so a change that arrives twice or late is harmless. */
  changeReceived(event: RelayedChangeEvent): void;
  /** The follower just confirmed it is up to date with the server (epoch ms). */
  synced(at: number): void;
}

/**
 * How far the follower has the list, as one tagged state:
 *
 * - `snapshot`: it has no base to follow from; the next stream starts with a snapshot
 *   (`GET /api/todos`). The state at sign-in, and again after a refetch was abandoned.
 * - `live`: it holds every change up to `lastSeq` (applied, skipped as its own, or in a snapshot)
 *   and applies the next ones as they come.
 * - `refetching`: a message showed that changes were missed; a snapshot is on its way and the
 *   messages arriving meanwhile wait in `buffered`, to be replayed over it.
 *
 * A state object is replaced, never edited (except `buffered`, which only grows), so a snapshot
 * answer checks that the state it was requested in is still the current one before using it.
 */
export type FollowState =
  | { readonly kind: "snapshot" }
  | { readonly kind: "live"; readonly lastSeq: number }
  | { readonly kind: "refetching"; readonly buffered: ServerMessage[] };

export interface ChangeFollowerOptions {
  deviceId: DeviceId;
  fetchSnapshot(): Promise<TodoListResponse>;
  sink: FollowerSink;
  now(): number;
  /** A refetch failed: the stream cannot go on from here (a 401 means the session is over). */
  onRefetchFailed(error: unknown): void;
}

/**
 * Keeps the app's copy of the list following the server: a snapshot, then every change after
 * its seq, in order, exactly once. It is fed messages (`receive`) and told when their stream
 * breaks (`interrupted`); where they come from — this tab's socket, or one day another tab's —
 * is not its business.
 */
export class ChangeFollower {
  private current: FollowState = { kind: "snapshot" };
  /** Resumed from a list kept in the browser: see `resumeFrom`. */
  private applyOwn = false;

  constructor(private readonly options: ChangeFollowerOptions) {}

  get state(): FollowState {
    return this.current;
  }

  /** The list is the one kept in the browser, at its seq; no snapshot has replaced it since. */
  get resumed(): boolean {
    return this.applyOwn;
  }

  /**
   * Loads a snapshot over a list resumed from the browser's copy, for a tab with no stream of its
   * own (it follows another tab's socket): no stream replays what changed after the kept seq.
   * Messages that arrive meanwhile are dropped here: the caller holds them and hands them over after.
   */
  async refresh(): Promise<void> {
    this.current = { kind: "snapshot" };
    await this.loadSnapshot();
  }

  /**
   * The seq a new stream should start after (a socket's `since`), loading a snapshot first when
   * there is no base. Called as a stream starts, after `interrupted` ended the one before. Null
   * when that stream was interrupted in turn while the snapshot was on its way.
   */
  async since(): Promise<number | null> {
    if (this.current.kind === "live") return this.current.lastSeq;
    const loaded = await this.loadSnapshot();
    return loaded === null ? null : loaded.lastSeq;
  }

  /**
   * Starts from a list kept in the browser, current at `seq`, instead of a snapshot: the next
   * stream catches up from there. That list may predate this tab's own last writes (it is saved
   * a moment after they land), so this tab's own changes are applied too rather than skipped as
   * already shown: a change merges by version, so applying one twice is harmless.
   */
  resumeFrom(seq: number): void {
    if (this.current.kind !== "snapshot") return;
    this.current = { kind: "live", lastSeq: seq };
    this.applyOwn = true;
  }

  /** One message from the server, in the order the server sent it. */
  receive(message: ServerMessage): void {
    switch (this.current.kind) {
      case "refetching":
        this.current.buffered.push(message);
        return;
      case "snapshot":
        // No base to apply it to: the stream is being replaced, and the snapshot the next one
        // starts with covers this message.
        return;
      case "live":
        this.handle(message, this.current.lastSeq);
        this.options.sink.synced(this.options.now());
    }
  }

  /**
   * The stream broke (its socket closed or was replaced): what waited for a refetch is dropped
   * and a snapshot still on its way will be ignored. `live` survives: the next stream replays
   * from its seq.
   */
  interrupted(): void {
    if (this.current.kind !== "live") this.current = { kind: "snapshot" };
  }

  private handle(message: ServerMessage, lastSeq: number): void {
    const decision = decide(message, lastSeq, this.options.deviceId);
    switch (decision.action) {
      case "apply":
        this.options.sink.changeReceived(decision.event);
        this.current = { kind: "live", lastSeq: decision.seq };
        break;
      case "applyUnsequenced":
        this.options.sink.changeReceived(decision.event);
        break;
      case "skipOwn":
        if (this.applyOwn && message.type === "change") this.options.sink.changeReceived(message);
        this.current = { kind: "live", lastSeq: decision.seq };
        break;
      case "duplicate":
        break;
      case "refetch":
        void this.refetch();
        break;
    }
  }

  /** Refetches the list while the stream stays open; its messages wait and are replayed after. */
  private async refetch(): Promise<void> {
    const refetching = { kind: "refetching", buffered: [] as ServerMessage[] } as const;
    this.current = refetching;
    let loaded: { lastSeq: number } | null;
    try {
      loaded = await this.loadSnapshot();
    } catch (error) {
      if (this.current !== refetching) return;
      this.current = { kind: "snapshot" };
      this.options.onRefetchFailed(error);
      return;
    }
    if (loaded === null) return;
    for (const message of refetching.buffered) {
      // A replayed message may itself reveal a gap: the rest then waits for that refetch.
      // (Read through `state`: the compiler would keep `current` narrowed across the await.)
      const state = this.state;
      if (state.kind === "refetching") state.buffered.push(message);
      else if (state.kind === "live") this.handle(message, state.lastSeq);
    }
  }

  /** Fetches and adopts a snapshot, unless the state it was asked for in is gone by then. */
  private async loadSnapshot(): Promise<{ lastSeq: number } | null> {
    const { sink } = this.options;
    const askedIn = this.current;
    const mark = sink.snapshotMark();
    const snapshot = await this.options.fetchSnapshot();
    if (this.current !== askedIn) return null;
    sink.snapshotLoaded(snapshot, mark);
    const live = { kind: "live", lastSeq: snapshot.seq } as const;
    this.current = live;
    // The snapshot holds this tab's own writes up to its seq; later ones arrive in their answers.
    this.applyOwn = false;
    sink.synced(this.options.now());
    return live;
  }
}
