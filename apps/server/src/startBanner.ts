import type { NetworkInterfaceInfo } from "node:os";

export interface StartBannerInput {
  /** The interface the server is bound to (HOST). */
  host: string;
  port: number;
  /** `os.networkInterfaces()`: where another device on the network can reach this one. */
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/**
 * What `npm start` says to a person, beside the JSON log: the address to open, where a phone on
 * the same network finds it, and how to stop. In development only (the default NODE_ENV): in
 * production and in tests every line of output stays a JSON log line.
 */
export function startBanner({ host, port, interfaces }: StartBannerInput): string[] {
  const everywhere = host === "0.0.0.0" || host === "::";
  const local = everywhere || host === "127.0.0.1" || host === "::1" || host === "localhost" ? "localhost" : host;
  const lines = ["", `  Tandem is running: open http://${local}:${port} in your browser.`];
  if (everywhere) {
    const addresses = Object.values(interfaces)
      .flatMap((list) => list ?? [])
      .filter((info) => info.family === "IPv4" && !info.internal)
      .map((info) => info.address);
    for (const address of addresses) lines.push(`  On a phone or another computer on this network: http://${address}:${port}`);
  }
  lines.push("  Stop it with Ctrl-C.", "");
  return lines;
}
