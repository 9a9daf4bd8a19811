import bcrypt from "bcrypt";
import { now } from "./clock.mjs";

/**
 * Milliseconds one bcrypt comparison takes at `cost` on this machine, measured in the driver
 * while nothing else runs (the same native `bcrypt` binding Tandem uses). The sign-in phase's
 * bound is derived from it.
 *
 * @param {number} cost @param {number} samples
 */
export async function bcryptHashMs(cost, samples) {
  const hash = await bcrypt.hash("bench-password-1", cost);
  const times = [];
  for (let i = 0; i < samples; i++) {
    const t = now();
    await bcrypt.compare("bench-password-1", hash);
    times.push(now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(/** @type {number} */ (times[Math.floor(times.length / 2)]) * 10) / 10;
}
