import { isIPv4, isIPv6 } from "node:net";

/**
 * The key a client's address is counted under by the sign-in throttle, the sign-up limit and the
 * bcrypt queue's fair share: the network one party controls.
 *
 * - IPv4: the address itself (an ISP hands a customer one address, often shared by a whole NAT).
 * - IPv6: its /64 (`2001:db8:1:2::/64`). A customer is given at least a /64 (RFC 6177, RIPE-690),
 *   and a host picks any address in it at will (SLAAC privacy addresses, RFC 8981), so counting
 *   single addresses would hand each client 2^64 budgets.
 * - IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 peer): the
 *   IPv4 address, so one client has one key whichever socket it arrived on.
 *
 * Anything else (no address at all) is its own key, unchanged.
 */
export function clientNetwork(ip: string | undefined): string {
  if (ip === undefined || ip === "") return "unknown";
  if (isIPv4(ip)) return ip;
  const address = ip.split("%", 1)[0] ?? ip; // a zone index (fe80::1%eth0) is not part of it
  if (!isIPv6(address)) return ip;
  const groups = hextets(address.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function hextets(address: string): number[] {
  const [head = "", tail] = address.split("::");
  const parse = (part: string): number[] =>
    part === ""
      ? []
      : part.split(":").flatMap((group) => {
          if (!group.includes(".")) return [parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
