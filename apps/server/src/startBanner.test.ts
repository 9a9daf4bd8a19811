import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { startBanner } from "./startBanner.js";

const lan: NetworkInterfaceInfo = { address: "192.168.1.20", netmask: "255.255.255.0", family: "IPv4", mac: "00:00:00:00:00:01", internal: false, cidr: "192.168.1.20/24" };
const loopback: NetworkInterfaceInfo = { address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: true, cidr: "127.0.0.1/8" };

describe("startBanner", () => {
  it("names the address to open, the network address for a phone, and how to stop", () => {
    const lines = startBanner({ host: "0.0.0.0", port: 3000, interfaces: { lo: [loopback], eth0: [lan] } });
    expect(lines).toContain("  Tandem is running: open http://localhost:3000 in your browser.");
    expect(lines).toContain("  On a phone or another computer on this network: http://192.168.1.20:3000");
    expect(lines).toContain("  Stop it with Ctrl-C.");
  });

  it("offers no network address when bound to this machine only", () => {
    const lines = startBanner({ host: "127.0.0.1", port: 4000, interfaces: { eth0: [lan] } });
    expect(lines.join("\n")).toContain("http://localhost:4000");
    expect(lines.join("\n")).not.toContain("192.168.1.20");
  });
});
