import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { expressServer } from "./expressServer.js";

const servers: { close(cb: () => void): void }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function listen(app: express.Express) {
  const server = expressServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("expressServer", () => {
  it("builds each request and response with Express's prototypes, which Express then leaves in place", async () => {
    const app = express();
    const server = expressServer(app);
    servers.push(server);
    const built: object[] = [];
    // Runs before the app: what Node constructed, not what Express turned it into.
    server.prependListener("request", (req, res) => built.push(Object.getPrototypeOf(req) as object, Object.getPrototypeOf(res) as object));
    const handled: object[] = [];
    app.get("/", (req, res) => {
      handled.push(Object.getPrototypeOf(req) as object, Object.getPrototypeOf(res) as object);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(res.status).toBe(200);
    expect(built).toEqual([app.request, app.response]);
    // Identity, not just equality: had Express given them another prototype per request (the cost
    // this module exists to avoid), the route would see different objects from the ones Node built.
    expect(handled[0]).toBe(built[0]);
    expect(handled[1]).toBe(built[1]);
  });

  it("keeps Express's request and response API, and what the app adds to app.request", async () => {
    const app = express();
    app.set("trust proxy", 1);
    const { url } = await listen(app);
    Object.defineProperty(app.request, "shout", { get(this: express.Request) { return this.path.toUpperCase(); } });
    app.get("/things/:id", (req, res) => {
      res.status(203).json({
        id: req.params.id,
        q: req.query.q,
        ip: req.ip,
        protocol: req.protocol,
        accepts: req.accepts(["text/html", "application/json"]),
        shout: (req as unknown as { shout: string }).shout,
        app: req.app === app && res.app === app,
      });
    });
    const res = await fetch(`${url}/things/42?q=yes`, {
      headers: { accept: "application/json", "content-type": "application/json", "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https" },
    });
    expect(res.status).toBe(203);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      id: "42",
      q: "yes",
      ip: "203.0.113.9",
      protocol: "https",
      accepts: "application/json",
      shout: "/THINGS/42",
      app: true,
    });
  });

  it("still serves the next request on a keep-alive connection, and Express's 404", async () => {
    const app = express();
    app.get("/a", (_req, res) => res.send("a"));
    const { url } = await listen(app);
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${url}/a`)).text()).toBe("a");
    expect((await fetch(`${url}/missing`)).status).toBe(404);
  });
});
