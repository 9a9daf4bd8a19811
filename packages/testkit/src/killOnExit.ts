import type { ChildProcess } from "node:child_process";

/**
 * Kills `child` with SIGKILL if this process exits first, so a test run or a benchmark that dies
 * before its clean-up leaves no server behind. Nothing asynchronous runs in an exit handler,
 * hence the signal rather than a graceful stop.
 */
export function killOnExit(child: ChildProcess): void {
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));
}

/** Sends `signal` (once, if the child still runs) and resolves when it has exited. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  await exited;
}
