import { describe, expect, it } from "vitest";
import { clientNetwork } from "./clientNetwork.js";

describe("clientNetwork", () => {
  it("keys IPv4 clients by their address", () => {
    expect(clientNetwork("198.51.100.7")).toBe("198.51.100.7");
    expect(clientNetwork("198.51.100.8")).toBe("198.51.100.8");
  });

  it("keys IPv6 clients by their /64, however the address is written", () => {
    const key = "2001:db8:1:2::/64";
    for (const ip of ["2001:db8:1:2::a", "2001:DB8:1:2:ffff::", "2001:0db8:0001:0002:1234:5678:9abc:def0", "2001:db8:1:2::1%eth0"]) {
      expect(clientNetwork(ip), ip).toBe(key);
    }
    expect(clientNetwork("2001:db8:1:3::a")).toBe("2001:db8:1:3::/64");
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
    expect(clientNetwork("fe80::1")).toBe("fe80:0:0:0::/64");
    expect(clientNetwork("2001:db8::")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
  });

  it("keys IPv4-mapped IPv6 clients by their IPv4 address", () => {
    expect(clientNetwork("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(clientNetwork("::FFFF:c633:6407")).toBe("198.51.100.7");
    expect(clientNetwork("0:0:0:0:0:ffff:198.51.100.7")).toBe("198.51.100.7");
  });

  it("leaves anything that is not an address as it is", () => {
    expect(clientNetwork(undefined)).toBe("unknown");
    expect(clientNetwork("")).toBe("unknown");
    expect(clientNetwork("not an address")).toBe("not an address");
  });
});
