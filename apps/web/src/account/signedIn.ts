import type { User } from "@tandem/protocol";
import { isSessionGone } from "../api/errors";
import { DeviceRoster } from "../sync/DeviceRoster";
import type { CachedList } from "../sync/listCache";
import { saveListWhileSignedIn } from "../sync/listSaver";
import { startLiveSync, type LiveSync } from "../sync/liveSync";
import { Outbox } from "../sync/Outbox";
import { createWriteSender } from "../sync/sendWrite";
import type { AccountOptions } from "./Account";

/** What runs while this tab is signed in as `user`. */
export interface SignedIn {
  user: User;
  sync: LiveSync;
  outbox: Outbox;
  roster: DeviceRoster;
  /** Stops watching the app state for the end of the session, and saving the list. */
  unwatch(): void;
}

/**
 * Starts what a signed-in tab runs: the live sync (resuming from the kept list's seq when there
 * is one), the device roster, the user's durable outbox (not yet started: the caller starts it
 * once the screens are up) and the saving of the list. `onExpired` runs once when the
 * connection's status turns `signedOut`, the one path every end of the session takes.
 */
export function startSignedIn(options: AccountOptions, user: User, cached: CachedList | undefined, onExpired: () => void): SignedIn {
  const { appState, todos, account, env, storage } = options;
  const unwatchSession = appState.subscribe((state, previous) => {
    if (state.connectionStatus === "signedOut" && previous.connectionStatus !== "signedOut") onExpired();
  });
  const sync = startLiveSync({
    deviceId: options.deviceId,
    fetchSnapshot: () => todos.list(),
    fetchGrant: options.fetchGrant,
    openSocket: options.openSocket,
    appState,
    env,
    onDevicesChanged: () => roster.changed(),
    share: options.tabs ? { coordination: options.tabs, userId: user.id } : null,
    ...(cached ? { resumeFrom: cached.seq } : {}),
  });
  const roster = new DeviceRoster({
    appState,
    load: async () => {
      const [devices, tokens] = await Promise.all([account.devices(), account.tokens()]);
      return { devices, tokens };
    },
    onFailure: (error) => {
      if (isSessionGone(error)) sync.connection.sessionEnded();
    },
  });
  const outbox = new Outbox({
    appState,
    env,
    send: createWriteSender(todos, user.id),
    onUnauthorized: () => sync.connection.sessionEnded(),
    store: storage.outboxFor(user.id),
    lock: storage.drainLockFor(user.id),
    openChannel: (onMessage) => storage.openChannel(user.id, onMessage),
    isStillSignedIn: () => storage.lastUserId() === user.id,
  });
  const stopSaving = saveListWhileSignedIn({
    appState,
    user,
    follower: sync.follower,
    cache: storage.lists,
    env,
    keptUserId: () => storage.lastUserId(),
  });
  return {
    user,
    sync,
    outbox,
    roster,
    unwatch: () => {
      unwatchSession();
      stopSaving();
    },
  };
}
