/**
 * What `--smoke` insists on: not speed (10 sockets on a busy machine say nothing about it) but
 * that every server, in every window, answered every write, delivered every event exactly once to
 * the right devices, and that every phase produced its numbers.
 *
 * @param {any} results
 * @returns {string[]} what went wrong, empty if nothing
 */
export function smokeFailures(results) {
  const failures = [];
  const check = (/** @type {string} */ where, /** @type {any} */ w) => {
    if (!w) return failures.push(`${where}: no result`);
    if (w.writes === 0) failures.push(`${where}: no writes were made`);
    if (w.postErrors > 0) failures.push(`${where}: ${w.postErrors} writes failed`);
    if (w.lost > 0) failures.push(`${where}: ${w.lost} of ${w.expectedDeliveries} deliveries never arrived`);
    if (w.duplicates > 0) failures.push(`${where}: ${w.duplicates} deliveries arrived twice`);
    if (w.misrouted > 0) failures.push(`${where}: ${w.misrouted} deliveries reached another user's device`);
    return 0;
  };
  for (const name of results.config.order ?? results.config.servers) {
    const s = results.servers[name];
    if (!s) {
      failures.push(`${name}: no results`);
      continue;
    }
    if (s.connect?.sockets !== results.config.sockets) failures.push(`${name}: ${s.connect?.sockets} of ${results.config.sockets} sockets connected`);
    if (!(s.idle?.heapPerSocketKB > -Infinity)) failures.push(`${name}: no idle-memory figure`);
    const rounds = Object.values(results.headline?.servers?.[name] ?? {}).flatMap((/** @type {any} */ h) => h.windows);
    if (rounds.length !== results.config.rates.length * results.config.repeats) failures.push(`${name}: ${rounds.length} interleaved windows`);
    for (const w of rounds) check(`${name} at ${w.rate} w/s`, w);
    if (!rounds.every((/** @type {any} */ w) => w.server?.cpuMs > 0)) failures.push(`${name}: no CPU time read from the server`);
    if (name === "baseline") continue; // measured in the headline only
    check(`${name} sign-in window`, s.signIn?.fanout);
    // Whether sign-ins work, not how fast: on a loaded machine the smoke's short window may close
    // before the first one answers, and the ones in flight are still awaited and counted here.
    if (!(s.signIn?.succeeded > 0)) failures.push(`${name}: no sign-in succeeded`);
  }
  if (results.twoInstances) {
    check("tandem ×2 + Redis", results.twoInstances.latency);
    check("tandem ×2 + Redis at the low rate", results.twoInstances.low);
    check("tandem low-rate reference", results.servers.tandem?.lowRate);
  }
  if (!(results.floor?.rtt?.count > 0)) failures.push("floor: no round trips measured");
  return failures;
}
