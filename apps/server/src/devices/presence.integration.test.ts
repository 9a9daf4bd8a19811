import { describe, expect, it } from "vitest";
import { CloseCode, CreateTokenResponse, DeviceListResponse, SignOutReason, type Device } from "@tandem/protocol";
import { useTwoInstances } from "../../test/twoInstances.js";
import { ApiClient } from "../../test/ApiClient.js";
import { SocketClient } from "../../test/SocketClient.js";
import { uniqueEmail } from "../../test/testServer.js";

/**
 * Presence with two server processes on one database and one real redis-server: a device's
 * sockets count wherever they are open, and when an instance dies without a word (SIGKILL) its
 * devices go offline by themselves, told to the user's sockets on the survivor.
 */
const PING_INTERVAL_MS = 500;
const pair = useTwoInstances({ PING_INTERVAL_MS: String(PING_INTERVAL_MS) });

async function devicesOn(client: ApiClient): Promise<Device[]> {
  const res = await client.get("/api/account/devices");
  expect(res.status).toBe(200);
  return DeviceListResponse.parse(res.body).devices;
}

async function open(client: ApiClient): Promise<SocketClient> {
  const socket = await SocketClient.open(client);
  pair.sockets.push(socket);
  return socket;
}

describe("presence across instances", () => {
  it("counts sockets on every instance, revokes on every instance, and forgets a killed instance's sockets", async () => {
    const email = uniqueEmail("presence");
    const password = "correct horse battery";
    const laptopOnB = new ApiClient(pair.b.url);
    await laptopOnB.signup(email, password);
    const desktopOnB = new ApiClient(pair.b.url);
    expect((await desktopOnB.post("/api/auth/login", { email, password })).status).toBe(200);
    const created = await new ApiClient(pair.a.url).post("/api/auth/tokens", { email, password, name: "phone" });
    const appOnA = new ApiClient(pair.a.url);
    appOnA.bearer = CreateTokenResponse.parse(created.body).token;
    const tokenId = CreateTokenResponse.parse(created.body).info.id;

    const watcher = await open(laptopOnB);
    const desktopSocket = await open(desktopOnB);
    await open(appOnA);
    await open(appOnA);
    // Announced by A, heard on B.
    await watcher.until(() => watcher.roster.some((m) => m.change === "online" && m.deviceId === tokenId), "the token online");
    const online = await devicesOn(laptopOnB);
    expect(online.find((d) => d.id === tokenId)?.online).toBe(2);
    expect(online.filter((d) => d.kind === "session").map((d) => d.online)).toEqual([1, 1]);
    // A sees B's sockets too.
    expect((await devicesOn(appOnA)).filter((d) => d.kind === "session").map((d) => d.online)).toEqual([1, 1]);

    // Revoked through A, closed on B.
    const desktopId = (await devicesOn(desktopOnB)).find((d) => d.current)!.id;
    expect((await appOnA.delete(`/api/account/devices/${desktopId}`)).status).toBe(204);
    expect(await desktopSocket.untilClosed()).toEqual({ code: CloseCode.SIGNED_OUT, reason: SignOutReason.DEVICE_REVOKED });

    // A dies holding both of the token's sockets: B says the token is offline, on its own.
    await pair.a.kill("SIGKILL");
    await watcher.until(() => watcher.roster.some((m) => m.change === "offline" && m.deviceId === tokenId), "the token offline", 10_000);
    const after = await devicesOn(laptopOnB);
    expect(after.find((d) => d.id === tokenId)?.online).toBe(0);
    expect(after.find((d) => d.current)?.online).toBe(1);
  }, 60_000);
});
