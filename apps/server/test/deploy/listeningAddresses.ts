import { readFileSync } from "node:fs";

const LISTEN = "0A";

/**
 * The local addresses a TCP port listens on, from /proc/net/tcp and /proc/net/tcp6 (Linux):
 * "0.0.0.0" or "::" when it is bound on all interfaces, as a platform's router needs (it reaches
 * the process from outside its container), "127.0.0.1" when only on loopback.
 */
export function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let table: string;
    try {
      table = readFileSync(file, "utf8");
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const line of table.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [hexAddress = "", hexPort = ""] = local.split(":");
      if (parseInt(hexPort, 16) === port) addresses.push(decode(hexAddress));
    }
  }
  return addresses;
}

/** /proc prints IPv4 addresses as one little-endian 32-bit word; IPv6 ones as four of them. */
function decode(hex: string): string {
  if (hex.length === 8) {
    const bytes = hex.match(/../g) ?? [];
    return bytes.reverse().map((b) => parseInt(b, 16)).join(".");
  }
  return /^0+$/.test(hex) ? "::" : `ipv6:${hex}`;
}
