import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CloseCode, TodoListResponse } from "@tandem/protocol";
import { ApiClient } from "../test/ApiClient.js";
import { Platform, type Release } from "../test/deploy/Platform.js";
import { ROUTED_ORIGIN, RoutedApiClient } from "../test/deploy/RoutedApiClient.js";
import { RoutedSocket } from "../test/deploy/RoutedSocket.js";
import { listeningAddresses } from "../test/deploy/listeningAddresses.js";

/**
 * The project deployed as a Heroku-style platform deploys it (see docs/deploy.md): `git push`
 * of the committed HEAD to a bare repository whose hook builds the commit with the platform's
 * steps (npm ci, npm run build, npm prune --omit=dev) and runs the Procfile's `web` line with
 * the real foreman on a port of its choosing. A second push builds and starts a new release,
 * then SIGTERMs the old one. A device that was connected throughout loses nothing: its socket
 * is closed with 1012, it reconnects to the new release with `?since=`, and catches up.
 *
 * Slow by nature: each release compiles better-sqlite3 from source, about two minutes a push on
 * an idle 2-core machine (five to six minutes for the whole test). The timeouts are far above
 * that, for a busy machine: 8 minutes a push (Platform), 20 for the test. Phase times are printed.
 */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PASSWORD = "correct horse battery";

let platform: Platform | undefined;
const sockets: RoutedSocket[] = [];

afterAll(async () => {
  const started = performance.now();
  for (const socket of sockets) socket.terminate();
  await platform?.destroy();
  console.warn(`[deploy] teardown (stop releases, remove ${platform?.root ?? "nothing"}): ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 120_000);

function timer() {
  let last = performance.now();
  const phases: string[] = [];
  return {
    phase(name: string): void {
      const now = performance.now();
      phases.push(`${name}: ${((now - last) / 1000).toFixed(1)} s`);
      console.warn(`[deploy] ${phases.at(-1)}`);
      last = now;
    },
    summary: () => phases.join("\n"),
  };
}

function report(release: Release): void {
  console.warn(`[deploy] ${release.version} (${release.sha.slice(0, 7)}) on port ${release.port}, push took ${(release.ms / 1000).toFixed(1)} s:\n  ${release.steps.join("\n  ")}`);
}

async function untilHealthy(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/healthz did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function addTodo(api: ApiClient, text: string): Promise<void> {
  const res = await api.post("/api/todos", { text });
  if (res.status !== 201) throw new Error(`POST /api/todos: ${res.status} ${JSON.stringify(res.body)}`);
}

describe("deploying to a Heroku-style platform", () => {
  it("git push builds and starts the app; the next push replaces it and no todo or event is lost", async () => {
    // The test needs Debian's foreman (CI installs it, .ci/run): say so rather than fail obscurely.
    execFileSync("foreman", ["version"], { stdio: "ignore" });
    const t = timer();
    platform = await Platform.create({
      repo: REPO_ROOT,
      config: {
        NODE_ENV: "production",
        // The address browsers use; the router forwards it to whichever release is current.
        PUBLIC_URL: ROUTED_ORIGIN,
        SESSION_SECRET: randomBytes(32).toString("hex"),
        // The platform's disk is ephemeral; here both releases share DATA_DIR, standing in
        // for the database add-on that a real deployment uses (MONGODB_URI).
        ALLOW_EMBEDDED_DB: "1",
        LOG_LEVEL: "info",
      },
    });
    t.phase("clone HEAD and create the platform");

    // 1. The first push: build, start, and the release answers.
    const v1 = await platform.push((step) => console.warn(`[deploy]   ${step}`));
    report(v1);
    t.phase("push 1 (build and start v1)");
    expect(v1.version).toBe("v1");
    await untilHealthy(v1.url);
    // The router reaches the process from outside its container: all interfaces, not loopback.
    expect(listeningAddresses(v1.port).some((a) => a === "0.0.0.0" || a === "::")).toBe(true);

    // 2. A device signs up through the router, opens its socket, writes.
    const email = `deploy-${Date.now()}@example.com`;
    const api = new RoutedApiClient(v1.url, { deviceId: "device-deploy-1" });
    await api.signup(email, PASSWORD);
    expect(api.cookie).toBeDefined();
    // Through the router, the production cookie carries the __Host- prefix.
    expect(api.cookie).toMatch(/^__Host-tandem\.sid=/);
    // Straight to the process, without the router's X-Forwarded-Proto, a production server
    // refuses to sign in at all (its Secure cookie could not be set), and hands out nothing.
    const direct = new ApiClient(v1.url);
    expect((await direct.post("/api/auth/login", { email, password: PASSWORD })).status).toBe(403);
    expect(direct.cookie).toBeUndefined();

    const s1 = await RoutedSocket.open(api);
    sockets.push(s1);
    // On the public origin, whatever host the request named.
    expect(s1.grant.uri.startsWith(`${ROUTED_ORIGIN.replace(/^https:/, "wss:")}/ws?ticket=`)).toBe(true);
    for (const text of ["one", "two", "three"]) await addTodo(api, text);
    await s1.untilMessages(3);
    t.phase("sign up, open a socket, write 3 todos on v1");

    // 3. The second push. While v2 builds, v1 keeps serving.
    await platform.commitEmpty("Release 2");
    const pushing = platform.push((step) => console.warn(`[deploy]   ${step}`));
    for (const text of ["four", "five"]) await addTodo(api, text);
    await s1.untilMessages(5);
    const before = TodoListResponse.parse((await api.get("/api/todos")).body);
    const v2 = await pushing;
    report(v2);
    t.phase("push 2 (build and start v2, stop v1)");
    expect(v2.version).toBe("v2");
    expect(v2.port).not.toBe(v1.port);
    // The old release got SIGTERM (twice: from the hook and from foreman) and exited cleanly.
    const stopped = /Stopped v1 in (\d+) ms: web\.1 exited with code (\d+)/.exec(v2.steps.join("\n"));
    expect(stopped, `${v2.steps.join("\n")}\n--- v1's log:\n${platform.webLog("v1")}`).not.toBeNull();
    expect(Number(stopped?.[2])).toBe(0);
    const stopMs = Number(stopped?.[1]);
    // The app's own account of its drain (foreman adds up to a second of polling on top).
    const drainMs = Number(/"durationMs":(\d+),"exitCode":0,"msg":"stopped"/.exec(platform.webLog("v1"))?.[1]);
    console.warn(`[deploy] v1 gone ${stopMs} ms after SIGTERM (foreman included); the app drained in ${drainMs} ms`);
    expect(stopMs).toBeLessThan(10_000);
    expect(drainMs).toBeLessThan(10_000);

    // 4. The device was told to reconnect, and does, to the new release.
    expect((await s1.untilClosed()).code).toBe(CloseCode.SERVICE_RESTART);
    const api2 = new RoutedApiClient(v2.url, { deviceId: "device-deploy-1" }).withCookie(api.cookie);
    // The session outlived the release (shared store, same SESSION_SECRET): no sign-in again.
    const after = TodoListResponse.parse((await api2.get("/api/todos")).body);
    expect(after).toEqual(before);
    expect(after.todos.map((todo) => todo.text).sort()).toEqual(["five", "four", "one", "three", "two"]);
    // Another device writes while this one is still disconnected: the socket must catch it up.
    await addTodo(new RoutedApiClient(v2.url, { deviceId: "device-deploy-2" }).withCookie(api.cookie), "six");
    const s2 = await RoutedSocket.open(api2, { since: Math.max(...s1.seqs()) });
    sockets.push(s2);
    await addTodo(api2, "seven");
    await s2.untilMessages(2);
    t.phase("reconnect to v2, catch up, write");

    // Every event exactly once, in order, across the two releases; every todo is there.
    expect([...s1.seqs(), ...s2.seqs()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const final = TodoListResponse.parse((await api2.get("/api/todos")).body);
    expect(final.todos).toHaveLength(7);
    expect(final.seq).toBe(7);
    console.warn(`[deploy] phases:\n${t.summary()}`);
  }, 20 * 60_000);
});
