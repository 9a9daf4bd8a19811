import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../store/sqlite/SqliteStore.js";
import { LAST_USED_RESOLUTION_MS, hashToken, looksLikeToken, newTokenSecret, useToken } from "./apiTokens.js";

let store: SqliteStore;
let userId: string;
beforeEach(async () => {
  store = new SqliteStore({ file: ":memory:" });
  await store.init();
  userId = (await store.users.create({ email: "t@example.com", passwordHash: "h" })).id;
});
afterEach(() => store.close());

const LATER = new Date(Date.now() + 365 * 86_400_000).toISOString();
async function createToken(tokenHash: string) {
  const now = new Date().toISOString();
  const info = await store.tokens.create({ userId, name: "cli", tokenHash, createdAt: now, expiresAt: LATER }, { maxLive: 50, now });
  if (info === null) throw new Error("token refused");
  return info;
}

describe("API tokens", () => {
  it("are 256 random bits behind a recognisable prefix, stored only as their SHA-256", () => {
    const secret = newTokenSecret();
    expect(secret).toMatch(/^tdm_[A-Za-z0-9_-]{43}$/);
    expect(looksLikeToken(secret)).toBe(true);
    expect(newTokenSecret()).not.toBe(secret);
    expect(hashToken(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(secret)).not.toContain(secret.slice(4));
  });

  it("find the live token a secret names, and nothing for another secret", async () => {
    const secret = newTokenSecret();
    const info = await createToken(hashToken(secret));
    expect(await useToken(store.tokens, secret)).toMatchObject({ id: info.id, userId, name: "cli" });
    expect(await useToken(store.tokens, newTokenSecret())).toBeNull();
  });

  it("record a use at most once per resolution", async () => {
    const secret = newTokenSecret();
    const info = await createToken(hashToken(secret));
    const t0 = new Date("2026-05-01T12:00:00.000Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect((await useToken(store.tokens, secret, t0))?.lastUsedAt).toBe(t0.toISOString());
    // Within the resolution nothing is written: the stored use stays the first one.
    expect((await useToken(store.tokens, secret, at(LAST_USED_RESOLUTION_MS - 1)))?.lastUsedAt).toBe(t0.toISOString());
    expect((await store.tokens.list(userId, t0.toISOString()))[0]?.lastUsedAt).toBe(t0.toISOString());
    const later = at(LAST_USED_RESOLUTION_MS);
    expect((await useToken(store.tokens, secret, later))?.lastUsedAt).toBe(later.toISOString());
    expect(await store.tokens.list(userId, t0.toISOString())).toEqual([{ ...info, lastUsedAt: later.toISOString() }]);
  });
});
