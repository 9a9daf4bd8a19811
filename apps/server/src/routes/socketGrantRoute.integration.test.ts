import { describe, expect, it } from "vitest";
import { ErrorBody } from "@tandem/protocol";
import { startTestServer, uniqueEmail } from "../../test/testServer.js";

/** `GET /api/websocket`'s per-user budget (the grant itself: sockets/sockets.integration.test.ts). */
describe("GET /api/websocket, per user", () => {
  it("grants at most SOCKET_TICKETS_PER_USER per ticket lifetime to a user, then 429 with Retry-After; others are unaffected", async () => {
    const limited = await startTestServer({ SOCKET_TICKETS_PER_USER: "3" });
    try {
      const email = uniqueEmail();
      const greedy = limited.client({ deviceId: "device-greedy-1" });
      await greedy.signup(email, "right password");
      // The same user signed in on another device shares the budget: it is per user, not per session.
      const sameUser = limited.client({ deviceId: "device-greedy-2" });
      expect((await sameUser.post("/api/auth/login", { email, password: "right password" })).status).toBe(200);
      expect(sameUser.cookie).not.toBe(greedy.cookie);
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await (i % 2 === 0 ? greedy : sameUser).get("/api/websocket")).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);

      const refused = await greedy.get("/api/websocket");
      const body = ErrorBody.parse(refused.body);
      expect(body.error.code).toBe("too_many_requests");
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil(limited.config.SOCKET_TICKET_TTL_MS / 1000));
      expect(body.error.message).toBe(`too many socket grants, try again in ${retryAfter} s`);

      const other = limited.client({ deviceId: "device-other-1" });
      await other.signup(uniqueEmail());
      expect((await other.get("/api/websocket")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
