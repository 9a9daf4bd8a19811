import type { Environment } from "../environment";
import type { Outbox } from "../sync/Outbox";

/** How long "send them first" waits for queued writes to reach the server before it gives up. */
export const SIGN_OUT_FLUSH_MS = 10_000;

/** What to do at sign-out with changes the server has not received. */
export type UnsentChoice = "send" | "discard";

/** Lets the outbox send what it holds, for at most SIGN_OUT_FLUSH_MS. */
export async function sendWithinSignOutWait(outbox: Outbox, env: Environment): Promise<void> {
  let cancel = () => {};
  const timeout = new Promise<void>((resolve) => {
    cancel = env.setTimer(resolve, SIGN_OUT_FLUSH_MS);
  });
  await Promise.race([outbox.flush(), timeout]);
  cancel();
}

/** "Send them first" ran out of time with `count` changes unsent: the person stays signed in. */
export function stillUnsentMessage(count: number): string {
  return `${changes(count)} could not be sent yet. Stay signed in until they are, or sign out and discard them.`;
}

/** The session ended elsewhere with `count` changes unsent: they wait, in this browser, for this user. */
export function keptForNextSignInMessage(count: number): string {
  return `${changes(count)} not sent yet ${count === 1 ? "is" : "are"} kept in this browser and will be sent when you sign in again.`;
}

function changes(count: number): string {
  return count === 1 ? "1 change" : `${count} changes`;
}
