import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The processes of a session, read from /proc (Linux). A process started with setsid (foreman,
 * by the deploy hook) or with `detached: true` (git push, by the test) leads its own session, so
 * its pid names everything it started, however deep.
 *
 * Zombies are left out: this machine's init does not reap orphans, so a foreman that exited
 * stays a zombie, which `kill -0` would still report as alive.
 */
export function liveInSession(sid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
    const [state, , , session] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state !== "Z" && Number(session) === sid) pids.push(Number(entry));
  }
  return pids;
}

/**
 * SIGTERM to the session's process group, SIGKILL to whatever is left of the session after
 * `graceMs`. Resolves once nothing in it is alive (or after a last short wait). Never throws.
 */
export async function stopSession(sid: number, graceMs: number): Promise<void> {
  if (liveInSession(sid).length === 0) return;
  signal(-sid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (liveInSession(sid).length > 0 && Date.now() < deadline) await sleep(50);
  for (const pid of liveInSession(sid)) signal(pid, "SIGKILL");
  const last = Date.now() + 2_000;
  while (liveInSession(sid).length > 0 && Date.now() < last) await sleep(50);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}
