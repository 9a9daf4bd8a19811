import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";
import { usableCores } from "./usableCores.js";

const base = { NODE_ENV: "test" };

describe("loadConfig: BCRYPT_MAX_CONCURRENT", () => {
  it("defaults to one fewer than the usable cores and than libuv's pool (4 unless UV_THREADPOOL_SIZE), at least 1", () => {
    const cores = usableCores();
    expect(loadConfig(base).BCRYPT_MAX_CONCURRENT).toBe(Math.max(1, Math.min(cores, 4) - 1));
    expect(loadConfig({ ...base, UV_THREADPOOL_SIZE: "1" }).BCRYPT_MAX_CONCURRENT).toBe(1);
    expect(loadConfig({ ...base, UV_THREADPOOL_SIZE: "64" }).BCRYPT_MAX_CONCURRENT).toBe(Math.max(1, Math.min(cores, 64) - 1));
  });

  it("takes an explicit value, and refuses one out of range", () => {
    expect(loadConfig({ ...base, BCRYPT_MAX_CONCURRENT: "6" }).BCRYPT_MAX_CONCURRENT).toBe(6);
    expect(() => loadConfig({ ...base, BCRYPT_MAX_CONCURRENT: "0" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, BCRYPT_MAX_CONCURRENT: "many" })).toThrow(/BCRYPT_MAX_CONCURRENT/);
  });
});

describe("loadConfig: TRUST_PROXY and PUBLIC_URL", () => {
  const production = {
    NODE_ENV: "production",
    SESSION_SECRET: "production-secret-0123456789abcdef0123",
    ALLOW_EMBEDDED_DB: "1",
    PUBLIC_URL: "https://todo.example.com",
  };

  it("trusts no proxy outside production and one hop in production, unless told otherwise", () => {
    expect(loadConfig(base).TRUST_PROXY).toBe(0);
    expect(loadConfig({ NODE_ENV: "development" }).TRUST_PROXY).toBe(0);
    expect(loadConfig(production).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ ...production, TRUST_PROXY: "0" }).TRUST_PROXY).toBe(0);
  });

  it("requires PUBLIC_URL in production, in a message naming it", () => {
    const { PUBLIC_URL: _omitted, ...withoutUrl } = production;
    expect(() => loadConfig(withoutUrl)).toThrow(/PUBLIC_URL is required/);
    expect(loadConfig(base).PUBLIC_URL).toBeUndefined();
  });

  it("keeps an origin and refuses anything more or less", () => {
    expect(loadConfig({ ...base, PUBLIC_URL: "https://Todo.Example.com/" }).PUBLIC_URL).toBe("https://todo.example.com");
    expect(loadConfig({ ...base, PUBLIC_URL: "http://localhost:3000" }).PUBLIC_URL).toBe("http://localhost:3000");
    for (const bad of ["todo.example.com", "https://todo.example.com/app", "https://todo.example.com/?a=1", "ftp://todo.example.com", "https://u:p@todo.example.com"]) {
      expect(() => loadConfig({ ...base, PUBLIC_URL: bad }), bad).toThrow(/invalid PUBLIC_URL/);
    }
  });
});

describe("loadConfig: WEBHOOK_SECRET and WEBHOOK_SECRET_PREVIOUS", () => {
  const whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const plain = "webhook-secret-0123456789abcdef0123456789";

  it("reads both forms, and a previous secret beside the current one", () => {
    const config = loadConfig({ ...base, WEBHOOK_SECRET: whsec, WEBHOOK_SECRET_PREVIOUS: plain });
    expect(config.WEBHOOK_SECRET?.text).toBe(whsec);
    expect(config.WEBHOOK_SECRET?.key).toHaveLength(24);
    expect(config.WEBHOOK_SECRET_PREVIOUS?.text).toBe(plain);
    expect(loadConfig(base).WEBHOOK_SECRET).toBeUndefined();
  });

  it("refuses a bad secret in one line naming the variable, and a previous secret on its own", () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error("expected a ConfigError");
    };
    expect(refusal({ WEBHOOK_SECRET: "whsec_not base64!" })).toMatch(/^invalid WEBHOOK_SECRET: a whsec_ secret must be whsec_ followed by standard base64/);
    expect(refusal({ WEBHOOK_SECRET: plain, WEBHOOK_SECRET_PREVIOUS: "short" })).toMatch(/^invalid WEBHOOK_SECRET_PREVIOUS: must be whsec_/);
    expect(refusal({ WEBHOOK_SECRET_PREVIOUS: plain })).toMatch(/^invalid WEBHOOK_SECRET_PREVIOUS: set it only beside WEBHOOK_SECRET/);
    for (const message of [refusal({ WEBHOOK_SECRET: "whsec_x" }), refusal({ WEBHOOK_SECRET_PREVIOUS: plain })]) expect(message).not.toContain("\n");
  });

  it("remembers webhook ids for at least the ten minutes a signature's timestamp is accepted", () => {
    expect(() => loadConfig({ ...base, WEBHOOK_IDEMPOTENCY_TTL_MS: String(9 * 60_000) })).toThrow(/invalid WEBHOOK_IDEMPOTENCY_TTL_MS/);
    expect(loadConfig({ ...base, WEBHOOK_IDEMPOTENCY_TTL_MS: String(10 * 60_000) }).WEBHOOK_IDEMPOTENCY_TTL_MS).toBe(600_000);
  });
});

describe("loadConfig: devices and mail", () => {
  it("defaults the token cap, the reset link's life and limits, and the sender; no SMTP unless given", () => {
    const c = loadConfig({});
    expect([c.TOKENS_MAX_PER_USER, c.PASSWORD_RESET_TTL_MS, c.PASSWORD_RESET_MAX_PER_EMAIL_PER_HOUR, c.PASSWORD_RESET_MAX_PER_IP_PER_HOUR]).toEqual([50, 1_800_000, 3, 20]);
    expect(c.MAIL_FROM).toBe("Tandem <no-reply@localhost>");
    expect(c.SMTP_URL).toBeUndefined();
    expect(loadConfig({ SMTP_URL: "smtps://u:p@mail.example.com:465" }).SMTP_URL).toBe("smtps://u:p@mail.example.com:465");
  });

  it("refuses a mail URL that is not SMTP, in a message naming it", () => {
    expect(() => loadConfig({ SMTP_URL: "http://mail.example.com" })).toThrow(/^invalid SMTP_URL: must start with smtp:\/\/ or smtps:\/\/$/);
    expect(() => loadConfig({ TOKENS_MAX_PER_USER: "0" })).toThrow(/TOKENS_MAX_PER_USER/);
  });
});
