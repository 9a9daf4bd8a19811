import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** A resolved address to connect to: the one that was checked, so nothing resolves the host again. */
export interface TargetAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (injected in tests; the system resolver otherwise). */
export type Resolve = (host: string) => Promise<readonly TargetAddress[]>;

export const systemResolve: Resolve = async (host) => {
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * Whether an address is on the public internet. ipaddr.js names every special-purpose range of
 * the IANA registries (loopback, private, link-local, unique-local, carrier-grade NAT, multicast,
 * unspecified, broadcast, reserved and documentation ranges, and the IPv6 ranges that embed an
 * IPv4 address: 6to4, Teredo, NAT64); only what it calls plain `unicast` is public. An
 * IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

/**
 * The address a webhook to `hostname` connects to. Refused (AddressRefused) when the name
 * resolves to any address that is not public, not only when all do: a name with one public and
 * one private address would otherwise reach the private one whenever the resolver put it first.
 * With `allowPrivate`, any address goes.
 */
export async function resolveTarget(hostname: string, allowPrivate: boolean, resolve: Resolve = systemResolve): Promise<TargetAddress> {
  // URL.hostname keeps an IPv6 literal's brackets.
  const host = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  const family = isIP(host);
  const addresses: readonly TargetAddress[] = family !== 0 ? [{ address: host, family: family === 6 ? 6 : 4 }] : await resolve(host);
  const first = addresses[0];
  if (first === undefined) throw new AddressRefused(`${host} has no address`);
  if (!allowPrivate) {
    const refused = addresses.find(({ address }) => !isPublicAddress(address));
    if (refused !== undefined) throw new AddressRefused(`${host} resolves to ${refused.address}, which is not a public address`);
  }
  return first;
}

/** The target is not one webhooks may reach. */
export class AddressRefused extends Error {
  override readonly name = "AddressRefused";
}
