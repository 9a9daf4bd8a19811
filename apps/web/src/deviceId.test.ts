import { DEVICE_ID_PATTERN } from "@tandem/protocol";
import { describe, expect, it } from "vitest";
import { DEVICE_ID_KEY, resolveDeviceId, type KeyValueStorage } from "./deviceId";

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

describe("resolveDeviceId", () => {
  it("mints an id the protocol accepts and stores it for this tab", () => {
    const storage = memoryStorage();
    const id = resolveDeviceId(storage, "navigate");
    expect(id).toMatch(DEVICE_ID_PATTERN);
    expect(storage.data.get(DEVICE_ID_KEY)).toBe(id);
  });

  it("keeps the stored id across a reload", () => {
    const storage = memoryStorage({ [DEVICE_ID_KEY]: "web-kept-id-1" });
    expect(resolveDeviceId(storage, "reload", () => "web-fresh-id")).toBe("web-kept-id-1");
  });

  it("mints a fresh id for a duplicated tab (reported as back_forward) and any other navigation", () => {
    for (const type of ["back_forward", "navigate", "prerender", undefined]) {
      const storage = memoryStorage({ [DEVICE_ID_KEY]: "web-copied-from-original" });
      expect(resolveDeviceId(storage, type, () => "web-fresh-id")).toBe("web-fresh-id");
      expect(storage.data.get(DEVICE_ID_KEY)).toBe("web-fresh-id");
    }
  });

  it("replaces a stored id the protocol would refuse, and works without storage", () => {
    const storage = memoryStorage({ [DEVICE_ID_KEY]: "bad id!" });
    expect(resolveDeviceId(storage, "reload", () => "web-fresh-id")).toBe("web-fresh-id");
    expect(resolveDeviceId(null, "reload", () => "web-no-storage")).toBe("web-no-storage");
  });

  it("survives a storage that refuses writes", () => {
    const storage: KeyValueStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(resolveDeviceId(storage, "navigate", () => "web-fresh-id")).toBe("web-fresh-id");
  });
});
