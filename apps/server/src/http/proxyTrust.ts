/**
 * What the server believes of X-Forwarded-* and where its public origin comes from, said once at
 * startup, so an operator can see at a glance whether the per-IP limits key on real addresses.
 */
export interface ProxyTrustNotice {
  fields: { trustProxy: number; trustedProxies: string; publicUrl: string | null; originFrom: string };
  message: string;
}

export function proxyTrustNotice({ trustProxy, publicUrl }: { trustProxy: number; publicUrl: string | undefined }): ProxyTrustNotice {
  // Express with a hop count trusts that many hops whatever their addresses: it cannot tell a
  // router's address from anyone else's, so the count must match what is really in front.
  const trustedProxies = trustProxy === 0 ? "none" : `the nearest ${trustProxy} hop${trustProxy === 1 ? "" : "s"}, any address`;
  const clients =
    trustProxy === 0
      ? "X-Forwarded-For/-Proto/-Host are ignored and a client's address is the connection's"
      : `a client's address is the ${trustProxy === 1 ? "last" : `${ordinal(trustProxy)} from last`} in X-Forwarded-For and its scheme X-Forwarded-Proto`;
  const originFrom = publicUrl !== undefined ? "PUBLIC_URL" : trustProxy === 0 ? "Host" : "X-Forwarded-Host, else Host";
  const origin = publicUrl !== undefined ? `${publicUrl} (PUBLIC_URL)` : `each request's ${originFrom} header`;
  return {
    fields: { trustProxy, trustedProxies, publicUrl: publicUrl ?? null, originFrom },
    message: `trusted proxies: ${trustedProxies} (TRUST_PROXY=${trustProxy}): ${clients}; public origin: ${origin}`,
  };
}

function ordinal(n: number): string {
  const suffix = n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : n % 10 === 1 && n % 100 !== 11 ? "st" : "th";
  return `${n}${suffix}`;
}
