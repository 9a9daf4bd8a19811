import type { User } from "@tandem/protocol";
import type { Environment } from "../environment";
import type { AppStateApi } from "../state/appState";
import { sortedTodos } from "../state/confirmedTodos";
import type { ChangeFollower } from "./ChangeFollower";
import type { ListCache } from "./listCache";

/**
 * How long after a change the list is written to the browser: a burst of changes (a toggle-all
 * over many todos) is one write. A list saved a little late costs nothing: the next start catches
 * up from the seq saved with it.
 */
export const LIST_SAVE_DELAY_MS = 300;

/**
 * Keeps the user's confirmed list, with the seq it is current at, in the browser for the next
 * start. Only while the follower is live and no write of this tab is unanswered (so the seq and
 * the list belong together).
 * @returns stops saving
 */
export function saveListWhileSignedIn(options: {
  appState: AppStateApi;
  user: User;
  follower: ChangeFollower;
  cache: ListCache;
  env: Environment;
  /** Whose list this browser keeps now: another tab's sign-out (or sign-in) makes it not `user`. */
  keptUserId(): string | null;
}): () => void {
  const { appState, user, follower, cache, env, keptUserId } = options;
  let cancel: (() => void) | null = null;
  const save = () => {
    cancel = null;
    const state = follower.state;
    if (state.kind !== "live") return;
    // This tab's own events are skipped by the follower (their HTTP answer carries the change),
    // so while a write is unanswered the seq may already cover a change `confirmed` lacks:
    // saved together, the next start would resume past it. The answer's commit saves again.
    if (appState.getState().pending.length > 0) return;
    // Signed out in another tab meanwhile: that tab cleared the list, and it stays cleared.
    if (keptUserId() !== user.id) return;
    const todos = sortedTodos(appState.getState().confirmed);
    cache.save({ user, todos, seq: state.lastSeq, savedAt: env.now() }).catch(() => {
      // Not kept this time (quota, a closing database): the next start waits for the server instead.
    });
  };
  const unsubscribe = appState.subscribe((state, previous) => {
    if (state.confirmed === previous.confirmed || cancel !== null) return;
    cancel = env.setTimer(save, LIST_SAVE_DELAY_MS);
  });
  return () => {
    unsubscribe();
    cancel?.();
    cancel = null;
  };
}
