import { isUnauthorized } from "../api/errors";
import type { Environment } from "../environment";
import { backoffDelay } from "./backoff";
import type { ChangeFollower } from "./ChangeFollower";
import type { ConnectionStatus } from "./connectionStatus";
import { socketLockName, tabChannelName, type TabChannel, type TabCoordination, type TabMessage } from "./tabChannel";

/** What the leader's connection must do: a Reconnector does all of it. */
export interface LeaderConnection {
  start(): void;
  dispose(): void;
  failed(error: unknown): void;
  sessionEnded(): void;
  /** Skip the rest of a backoff wait: another tab saw the network come back or came forward. */
  wake(): void;
  /** The person asked to try again now ("Try now"). */
  tryNow(): void;
}

export interface SocketLeaderOptions {
  userId: string;
  coordination: TabCoordination;
  /** This tab's follower: fed by its own socket while it leads, by the leader's frames otherwise. */
  follower: ChangeFollower;
  /** Builds the socket's reconnector once this tab leads; its status and frames go to `events`. */
  connect(events: { onStatus(status: ConnectionStatus, at: number, signOutReason?: string | null): void; onMessage(data: string): void }): LeaderConnection;
  /** Hands a text frame to this tab's follower. */
  deliver(data: string): void;
  /** This tab's connection status (epoch ms): its own socket's while it leads, the leader's otherwise. */
  /** `signOutReason`: why the server ended the session, when this tab's own socket heard it. */
  onStatus(status: ConnectionStatus, at: number, signOutReason?: string | null): void;
  env: Environment;
}

/**
 * This tab's part in sharing one socket between the tabs of a browser signed in as one user:
 *
 * - `electing`: the lock was asked for and the browser has not answered yet;
 * - `follower`: another tab holds the lock and the socket. Its frames arrive on the channel and
 *   go to this tab's own follower; its status is this tab's status. This tab loads its own
 *   snapshot to start from (frames arriving meanwhile are `held`, then replayed over it: the
 *   seq drops those it already has), and loads another, after a backoff, if a refetch fails.
 * - `leader`: this tab holds the lock, so it holds the socket (a Reconnector) and passes every
 *   frame and status on to the others. It opens the socket from its follower's last seq, so a
 *   tab that takes over from a closed leader replays what was sent in between: nothing is missed.
 * - `stopped`: disposed.
 *
 * Every tab keeps its own follower, so each tab applies changes and skips its own echoes by its
 * own device id, exactly as a tab with its own socket would (see deviceId.ts for why the id is
 * per tab). The lock, not a message, decides the leader: the browser grants it to one tab at a
 * time and frees it when that tab closes or crashes, which the tab itself may never report.
 */
type Role =
  | { readonly kind: "electing" }
  | { readonly kind: "follower"; held: string[] | null; failures: number; cancelRetry: (() => void) | null }
  | { readonly kind: "leader"; readonly connection: LeaderConnection }
  | { readonly kind: "stopped" };

export class SocketLeader {
  private role: Role = { kind: "electing" };
  /** The last status reported to this tab: what a leader answers a `hello` with. */
  private status: ConnectionStatus = "idle";
  private channel: TabChannel | null = null;
  private release: () => void = () => {};
  private unsubscribes: Array<() => void> = [];

  constructor(private readonly options: SocketLeaderOptions) {}

  get kind(): Role["kind"] {
    return this.role.kind;
  }

  start(): void {
    const { coordination, userId, env } = this.options;
    this.channel = coordination.open(tabChannelName(userId), (message) => this.received(message));
    this.unsubscribes = [env.on("online", () => this.networkBack()), env.on("visible", () => this.networkBack())];
    this.report("connecting", env.now());
    this.release = coordination.acquire(socketLockName(userId), {
      waiting: () => this.becomeFollower(),
      granted: () => this.becomeLeader(),
    });
  }

  /** Stops for good; a leader closes its socket first, then frees the lock for the next tab. */
  dispose(): void {
    const role = this.role;
    if (role.kind === "stopped") return;
    this.role = { kind: "stopped" };
    if (role.kind === "follower") role.cancelRetry?.();
    if (role.kind === "leader") role.connection.dispose();
    this.release();
    this.channel?.close();
    this.channel = null;
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.unsubscribes = [];
    if (role.kind !== "leader") this.options.onStatus("idle", this.options.env.now());
  }

  /** The follower's stream failed (a refetch): the leader reconnects, a follower reloads. */
  failed(error: unknown): void {
    const role = this.role;
    if (role.kind === "leader") role.connection.failed(error);
    else if (role.kind === "follower") this.catchUpFailed(role, error);
  }

  /**
   * The person signed out in this tab: tell the others why before this tab lets go of the socket,
   * so the tab that takes it over ends its session with that reason instead of meeting a 401.
   */
  announceSignedOut(reason: string): void {
    this.channel?.post({ type: "status", status: "signedOut", at: this.options.env.now(), reason });
  }

  /** A request of this tab was answered 401: the session is over (the leader tells every tab). */
  sessionEnded(): void {
    const role = this.role;
    if (role.kind === "leader") role.connection.sessionEnded();
    else if (role.kind !== "stopped") this.report("signedOut", this.options.env.now());
  }

  private becomeFollower(): void {
    if (this.role.kind !== "electing") return;
    const role: Role = { kind: "follower", held: null, failures: 0, cancelRetry: null };
    this.role = role;
    this.channel?.post({ type: "hello" });
    void this.catchUp(role);
  }

  private becomeLeader(): void {
    const previous = this.role;
    if (previous.kind === "stopped" || previous.kind === "leader") return;
    if (previous.kind === "follower") previous.cancelRetry?.();
    // A snapshot this tab was loading as a follower is abandoned: the socket starts its own.
    this.options.follower.interrupted();
    const connection = this.options.connect({
      onStatus: (status, at, signOutReason) => {
        this.report(status, at, signOutReason);
        // `idle` only means this tab let go; the next leader reports for itself.
        if (status !== "idle") this.channel?.post({ type: "status", status, at, reason: signOutReason ?? null });
      },
      onMessage: (data) => {
        this.options.deliver(data);
        this.channel?.post({ type: "frame", data });
      },
    });
    this.role = { kind: "leader", connection };
    connection.start();
  }

  private received(message: TabMessage): void {
    const role = this.role;
    switch (message.type) {
      case "frame":
        // A leader reads its own socket only; frames an old leader sent are replayed by it.
        if (role.kind !== "follower") return;
        if (role.held !== null) role.held.push(message.data);
        else this.options.deliver(message.data);
        return;
      case "status":
        if (role.kind === "follower" || (message.status === "signedOut" && role.kind !== "stopped")) this.report(message.status, message.at, message.reason ?? null);
        return;
      case "hello":
        if (role.kind === "leader") this.channel?.post({ type: "status", status: this.status, at: this.options.env.now() });
        return;
      case "wake":
        if (role.kind === "leader") role.connection.wake();
        return;
    }
  }

  private report(status: ConnectionStatus, at: number, signOutReason: string | null = null): void {
    this.status = status;
    this.options.onStatus(status, at, signOutReason);
  }

  /** Loads a snapshot for the follower (unless it is live), holding back frames meanwhile. */
  private async catchUp(role: Extract<Role, { kind: "follower" }>): Promise<void> {
    const { follower, deliver } = this.options;
    // Live already: from a snapshot (nothing to do), or from the list kept in the browser, which
    // is only as current as its seq, and which no stream of this tab's own brings up to date.
    if (this.role !== role || (follower.state.kind === "live" && !follower.resumed)) return;
    role.held = [];
    try {
      if (follower.resumed) await follower.refresh();
      else await follower.since();
    } catch (error) {
      if (this.role === role) this.catchUpFailed(role, error);
      return;
    }
    if (this.role !== role) return;
    const held = role.held;
    role.held = null;
    role.failures = 0;
    for (const data of held) deliver(data);
  }

  private catchUpFailed(role: Extract<Role, { kind: "follower" }>, error: unknown): void {
    role.held = null;
    if (isUnauthorized(error)) {
      this.report("signedOut", this.options.env.now());
      return;
    }
    role.cancelRetry?.();
    const delay = backoffDelay(role.failures, this.options.env.random);
    role.failures += 1;
    role.cancelRetry = this.options.env.setTimer(() => {
      role.cancelRetry = null;
      void this.catchUp(role);
    }, delay);
  }

  /** "Try now" in this tab: the leader's own socket retries at once; a follower asks the leader to. */
  tryNow(): void {
    const role = this.role;
    if (role.kind === "leader") role.connection.tryNow();
    else this.networkBack();
  }

  /** `online` or `visible` in this tab: a follower retries now and wakes the leader. */
  private networkBack(): void {
    const role = this.role;
    if (role.kind !== "follower") return;
    this.channel?.post({ type: "wake" });
    if (role.cancelRetry === null) return;
    role.cancelRetry();
    role.cancelRetry = null;
    role.failures = 0;
    void this.catchUp(role);
  }
}
