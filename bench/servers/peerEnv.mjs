/**
 * The environment both peers read, named as Tandem names the same settings, so the driver starts
 * all three servers the same way.
 */
export function peerEnv() {
  const port = Number(process.env.PORT ?? 0);
  const host = process.env.HOST ?? "127.0.0.1";
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error("DATA_DIR is required");
  const bcryptCost = Number(process.env.BCRYPT_COST ?? 12);
  /** Accounts for the sign-in phase: `signin-<i>@bench.test`, all with SIGNIN_PASSWORD. */
  const signinUsers = Number(process.env.SIGNIN_USERS ?? 8);
  const signinPassword = process.env.SIGNIN_PASSWORD ?? "bench-password-1";
  return { port, host, dataDir, bcryptCost, signinUsers, signinPassword };
}
