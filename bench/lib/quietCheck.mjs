import { sleep } from "./clock.mjs";
import { busyFraction, readCore } from "./coreLoad.mjs";

/**
 * How busy the machine is before the run starts: each core's busy fraction over one second,
 * while the driver itself sleeps. Recorded with the results, and warned about when above
 * `warnAbove`: numbers measured on cores that something else is using are pessimistic, and the
 * per-window noise figures say by how much.
 *
 * @param {number} cpus
 * @returns {Promise<number[]>} one fraction per core (empty where /proc/stat is unreadable)
 */
export async function coreBusyNow(cpus) {
  const cores = Array.from({ length: cpus }, (_, i) => i);
  const before = cores.map(readCore);
  await sleep(1000);
  return cores.map((c, i) => busyFraction(before[i] ?? null, readCore(c))).filter((v) => v !== null);
}
