import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, hasRedis, startRedis, startServerProcess } from "./index.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tandem-testkit-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A script for `startServerProcess` to run. */
function script(name: string, source: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe("freePort", () => {
  it("gives a port that can be listened on at once", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(port).toBeGreaterThan(0);
  });
});

describe("startServerProcess", () => {
  const healthz = `
    import http from "node:http";
    http.createServer((req, res) => { res.statusCode = req.url === "/healthz" ? 200 : 404; res.end(process.env.GREETING ?? ""); })
      .listen(Number(process.env.PORT), process.env.HOST, () => console.log("up"));`;

  it("is ready when /healthz answers 200, on a free port, with the env given", async () => {
    const server = await startServerProcess({ entry: script("healthz.mjs", healthz), env: { GREETING: "hello" } });
    try {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("hello");
      expect(server.lines).toContain("up");
    } finally {
      expect((await server.kill()).signal).toBe("SIGTERM");
    }
  });

  it("reads the port from a line when told to (PORT=0)", async () => {
    const entry = script("portLine.mjs", `
      import http from "node:http";
      const s = http.createServer((req, res) => res.end()).listen(0, "127.0.0.1", () => console.log("listening on " + s.address().port));`);
    const server = await startServerProcess({ entry, env: { PORT: "0" }, portFromLine: (line) => Number(/listening on (\d+)/.exec(line)?.[1]) || undefined });
    try {
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.kill();
    }
  });

  it("rejects with the process's output when it exits before it serves", async () => {
    const entry = script("fails.mjs", `console.error("no DATA_DIR"); process.exit(3);`);
    await expect(startServerProcess({ entry, env: {} })).rejects.toThrow(/exited with 3 before it served:\nno DATA_DIR/);
  });

  it("rejects when the entry was not built", async () => {
    await expect(startServerProcess({ entry: path.join(dir, "missing.js"), env: {} })).rejects.toThrow(/missing\.js is missing: run `npm run build` first/);
  });
});

describe.runIf(hasRedis())("startRedis", () => {
  it("starts a server (ready once it answers PING), restarts it on the same port, and stops it", async () => {
    const redis = await startRedis();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(redis.running).toBe(true);
      await redis.restart();
      expect(redis.running).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(redis.running).toBe(false);
    expect(await accepts(redis.port)).toBe(false);
  });
});

/** Whether something accepts a TCP connection on the loopback port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
