import type { Webhook } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { webhookStatus } from "./webhookStatus";

const base: Webhook = {
  id: "w1",
  url: "https://hooks.example/in",
  description: "",
  createdAt: "2026-12-01T10:00:00.000Z",
  disabled: null,
  lastDelivery: null,
  failingSince: null,
};
const at = "2026-12-01T11:00:00.000Z";

describe("webhookStatus", () => {
  it("is new before any attempt", () => {
    expect(webhookStatus(base)).toEqual({ kind: "new" });
  });

  it("is ok after a delivery, with its status", () => {
    expect(webhookStatus({ ...base, lastDelivery: { status: 204, error: null, at } })).toEqual({ kind: "ok", at, last: "HTTP 204" });
  });

  it("is failing since the first failure, with what the last attempt got", () => {
    const since = "2026-12-01T10:30:00.000Z";
    expect(webhookStatus({ ...base, failingSince: since, lastDelivery: { status: 500, error: null, at } })).toEqual({ kind: "failing", since, last: "HTTP 500" });
    expect(webhookStatus({ ...base, failingSince: since, lastDelivery: { status: null, error: "timed out after 10000 ms", at } })).toMatchObject({
      last: "timed out after 10000 ms",
    });
  });

  it("is disabled, with the server's reason, whatever else it says", () => {
    const disabled = { at, reason: "the endpoint answered 410 Gone" };
    expect(webhookStatus({ ...base, disabled, failingSince: at, lastDelivery: { status: 410, error: null, at } })).toEqual({ kind: "disabled", ...disabled });
  });
});
