import bcrypt from "bcrypt";

/**
 * Creates the peers' sign-in accounts with a real bcrypt hash of the configured cost, so a
 * sign-in costs them what it costs Tandem: one full bcrypt comparison on libuv's thread pool.
 * One hash is shared by all accounts: only the comparisons are measured, not the set-up.
 *
 * @param {import("./peerStore.mjs").PeerStore} store
 * @param {{ bcryptCost: number, signinUsers: number, signinPassword: string }} env
 */
export async function createSigninAccounts(store, env) {
  const hash = await bcrypt.hash(env.signinPassword, env.bcryptCost);
  for (let i = 0; i < env.signinUsers; i++) store.addUser(`signin-${i}@bench.test`, hash);
}

/**
 * @param {import("./peerStore.mjs").PeerStore} store
 * @param {unknown} body
 * @returns {Promise<boolean>}
 */
export async function verifySignin(store, body) {
  const { email, password } = /** @type {{ email?: unknown, password?: unknown }} */ (body ?? {});
  if (typeof email !== "string" || typeof password !== "string") return false;
  const hash = store.passwordHashOf(email);
  return hash !== undefined && (await bcrypt.compare(password, hash));
}
