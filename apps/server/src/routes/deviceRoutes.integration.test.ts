import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, CreateTokenResponse, DeviceListResponse, DeviceResponse, ErrorBody, SignOutReason, type Device } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import type { ApiClient } from "../../test/ApiClient.js";
import { SocketClient } from "../../test/SocketClient.js";

let t: TestServer;
const sockets: SocketClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ LOGIN_MAX_FAILURES_PER_IP: "1000" });
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await t.close();
});

const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const PASSWORD = "correct horse battery";
const errorCode = (body: unknown) => ErrorBody.parse(body).error.code;

/** One person: a laptop (Chrome), a desktop (Firefox) and a native app's token. */
async function person() {
  const email = uniqueEmail("devices");
  const laptop = t.client();
  expect((await laptop.request("POST", "/api/auth/signup", { json: { email, password: PASSWORD }, headers: { "user-agent": CHROME_LINUX } })).status).toBe(201);
  const desktop = t.client();
  expect((await desktop.request("POST", "/api/auth/login", { json: { email, password: PASSWORD }, headers: { "user-agent": FIREFOX_WINDOWS } })).status).toBe(200);
  const created = await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "Phone app" });
  expect(created.status).toBe(201);
  const app = t.client();
  app.bearer = CreateTokenResponse.parse(created.body).token;
  return { email, laptop, desktop, app };
}

async function devicesOf(client: ApiClient): Promise<Device[]> {
  const res = await client.get("/api/account/devices");
  expect(res.status).toBe(200);
  return DeviceListResponse.parse(res.body).devices;
}

async function open(client: ApiClient): Promise<SocketClient> {
  const socket = await SocketClient.open(client);
  sockets.push(socket);
  return socket;
}

describe("the devices roster", () => {
  it("lists each sign-in and token, named, with the current one marked, most recently seen first", async () => {
    const { laptop, desktop, app } = await person();
    const devices = await devicesOf(laptop);
    expect(devices.map((d) => [d.kind, d.name, d.current, d.online])).toEqual([
      ["token", "Phone app", false, 0],
      ["session", "Firefox on Windows", false, 0],
      ["session", "Chrome on Linux", true, 0],
    ]);
    // Each client sees itself as current; a token is a device of its own.
    expect((await devicesOf(desktop)).find((d) => d.current)?.name).toBe("Firefox on Windows");
    expect((await devicesOf(app)).find((d) => d.current)?.kind).toBe("token");
    for (const d of devices) expect(Date.parse(d.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(d.createdAt));
  });

  it("answers 401 without a credential and shows nobody else's devices", async () => {
    expect((await t.client().get("/api/account/devices")).status).toBe(401);
    const alice = await person();
    const bob = await person();
    const bobs = await devicesOf(bob.laptop);
    const alices = await devicesOf(alice.laptop);
    expect(bobs.some((d) => alices.some((a) => a.id === d.id))).toBe(false);
    const foreign = bobs[0]!.id;
    expect((await alice.laptop.patch(`/api/account/devices/${foreign}`, { name: "mine now" })).status).toBe(404);
    expect((await alice.laptop.delete(`/api/account/devices/${foreign}`)).status).toBe(404);
    expect((await devicesOf(bob.laptop)).map((d) => d.name)).toEqual(bobs.map((d) => d.name));
  });

  it("counts a device's open sockets and tells every socket of the user when it comes and goes", async () => {
    const { laptop, desktop } = await person();
    const watcher = await open(laptop);
    const desktopId = (await devicesOf(desktop)).find((d) => d.current)!.id;
    const first = await open(desktop);
    const second = await open(desktop);
    await watcher.until(() => watcher.roster.some((m) => m.change === "online" && m.deviceId === desktopId), "online");
    expect((await devicesOf(laptop)).find((d) => d.id === desktopId)?.online).toBe(2);
    first.close();
    second.close();
    await watcher.until(() => watcher.roster.some((m) => m.change === "offline" && m.deviceId === desktopId), "offline");
    expect((await devicesOf(laptop)).find((d) => d.id === desktopId)?.online).toBe(0);
  });

  it("tells the user's sockets when a device is added, by a sign-in or a new token", async () => {
    const { email, laptop } = await person();
    const watcher = await open(laptop);
    const tablet = t.client();
    expect((await tablet.post("/api/auth/login", { email, password: PASSWORD })).status).toBe(200);
    const tabletId = (await devicesOf(tablet)).find((d) => d.current)!.id;
    const created = CreateTokenResponse.parse((await t.client().post("/api/auth/tokens", { email, password: PASSWORD, name: "cli" })).body);
    await watcher.until(() => watcher.roster.filter((m) => m.change === "added").length === 2, "two added");
    expect(watcher.roster.filter((m) => m.change === "added").map((m) => m.deviceId)).toEqual([tabletId, created.info.id]);
  });

  it("renames a session or a token, and refuses an empty or unknown name", async () => {
    const { laptop, desktop, app } = await person();
    const watcher = await open(desktop);
    const [token, , mine] = await devicesOf(laptop);
    const renamed = await laptop.patch(`/api/account/devices/${mine!.id}`, { name: "  Work laptop " });
    expect(renamed.status).toBe(200);
    expect(DeviceResponse.parse(renamed.body).device).toMatchObject({ id: mine!.id, name: "Work laptop", current: true });
    expect((await laptop.patch(`/api/account/devices/${token!.id}`, { name: "Pixel" })).status).toBe(200);
    expect((await devicesOf(app)).find((d) => d.current)?.name).toBe("Pixel");
    await watcher.until(() => watcher.roster.filter((m) => m.change === "renamed").length === 2, "two renames");

    const empty = await laptop.patch(`/api/account/devices/${mine!.id}`, { name: "  " });
    expect(empty.status).toBe(400);
    expect(errorCode(empty.body)).toBe("validation_failed");
    expect((await laptop.patch("/api/account/devices/no-such-device", { name: "x" })).status).toBe(404);
  });
});

describe("signing devices out", () => {
  it("revokes one device at once: its requests answer 401 and its sockets close with 4001", async () => {
    const { laptop, desktop, app } = await person();
    const desktopSocket = await open(desktop);
    const appSocket = await open(app);
    const watcher = await open(laptop);
    const devices = await devicesOf(laptop);
    for (const d of devices.filter((d) => !d.current)) {
      expect((await laptop.delete(`/api/account/devices/${d.id}`)).status).toBe(204);
      expect((await laptop.delete(`/api/account/devices/${d.id}`)).status).toBe(404);
    }
    expect(await desktopSocket.untilClosed()).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.DEVICE_REVOKED });
    expect(await appSocket.untilClosed()).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.DEVICE_REVOKED });
    expect((await desktop.get("/api/todos")).status).toBe(401);
    expect((await app.get("/api/todos")).status).toBe(401);
    await watcher.until(() => watcher.roster.filter((m) => m.change === "revoked").length === 2, "two revocations");
    expect((await devicesOf(laptop)).map((d) => d.current)).toEqual([true]);
  });

  it("signing out the current device is signing out", async () => {
    const { laptop, desktop } = await person();
    const socket = await open(laptop);
    const mine = (await devicesOf(laptop)).find((d) => d.current)!;
    const res = await laptop.delete(`/api/account/devices/${mine.id}`);
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join(";")).toMatch(/Expires=Thu, 01 Jan 1970/i);
    expect(await socket.untilClosed()).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.SIGNED_OUT });
    expect((await laptop.get("/api/auth/me")).status).toBe(401);
    expect((await desktop.get("/api/auth/me")).status).toBe(200);
  });

  it("signs out everywhere else, keeping the current device", async () => {
    const { laptop, desktop, app } = await person();
    const desktopSocket = await open(desktop);
    const mine = await open(laptop);
    expect((await laptop.delete("/api/account/devices")).status).toBe(204);
    expect((await desktopSocket.untilClosed()).code).toBe(CloseCode.SIGNED_OUT);
    expect((await desktop.get("/api/auth/me")).status).toBe(401);
    expect((await app.get("/api/auth/me")).status).toBe(401);
    expect((await laptop.get("/api/auth/me")).status).toBe(200);
    expect(mine.closed).toBeUndefined();
    expect((await devicesOf(laptop)).length).toBe(1);
  });

  it("from a token, keeps that token and signs out the rest", async () => {
    const { laptop, app } = await person();
    expect((await app.delete("/api/account/devices")).status).toBe(204);
    expect((await laptop.get("/api/auth/me")).status).toBe(401);
    expect((await devicesOf(app)).map((d) => [d.kind, d.current])).toEqual([["token", true]]);
  });
});
