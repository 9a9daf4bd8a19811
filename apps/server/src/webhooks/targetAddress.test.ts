import { describe, expect, it } from "vitest";
import { AddressRefused, isPublicAddress, resolveTarget, type Resolve } from "./targetAddress.js";

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "192.0.0.8",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:a00:1::1", "2001::1", "not an address",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "2a00:1450:4001:81b::200e", "::ffff:8.8.8.8"])(
    "accepts %s",
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe("resolveTarget", () => {
  const resolver = (table: Record<string, string[]>): Resolve => async (host) =>
    (table[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("hands back the first address of a public name", async () => {
    await expect(resolveTarget("hooks.example", false, resolver({ "hooks.example": ["93.184.216.34", "2606:4700::1"] }))).resolves.toEqual({
      address: "93.184.216.34",
      family: 4,
    });
  });

  it("refuses a name when ANY of its addresses is not public", async () => {
    const mixed = resolver({ "mixed.example": ["93.184.216.34", "10.0.0.5"] });
    await expect(resolveTarget("mixed.example", false, mixed)).rejects.toThrow(/10\.0\.0\.5, which is not a public address/);
  });

  it("judges IP literals (IPv6 in brackets too) without resolving them", async () => {
    const none = resolver({});
    await expect(resolveTarget("127.0.0.1", false, none)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveTarget("[::1]", false, none)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveTarget("[::ffff:7f00:1]", false, none)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveTarget("[2606:4700::1]", false, none)).resolves.toEqual({ address: "2606:4700::1", family: 6 });
  });

  it("refuses a name without addresses, and allows anything with allowPrivate", async () => {
    await expect(resolveTarget("nowhere.example", false, resolver({}))).rejects.toThrow(/has no address/);
    await expect(resolveTarget("127.0.0.1", true, resolver({}))).resolves.toEqual({ address: "127.0.0.1", family: 4 });
  });
});
