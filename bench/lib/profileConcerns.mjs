/**
 * Groups a profile's owners (packages and repo files, see `cpuProfile.mjs`) into the concerns of
 * a write's path through Tandem, so the results say "sessions: 2 %" rather than leaving the
 * reader to add up the session code, the cookie parser and the HMAC. An owner matches the first
 * concern whose pattern it matches; anything unmatched is "other".
 */
const CONCERNS = /** @type {const} */ ([
  ["sessions (auth/sessions.ts, cookies)", /^(express-session|cookie|cookie-signature|uid-safe|random-bytes|apps\/server\/dist\/(auth\/sessions|store\/SqliteSessionStore)\.js)$/],
  ["request logging (request ids, pino)", /^(pino|pino-http|pino-std-serializers|@pinojs\/.*|sonic-boom|thread-stream|apps\/server\/dist\/(http\/requestLogger|logger)\.js)$/],
  ["HTTP framework (express, router, body reading, response headers)", /^(express|router|body-parser|raw-body|on-headers|on-finished|type-is|content-type|media-typer|parseurl|etag|fresh|path-to-regexp|helmet|iconv-lite|mime-types|mime-db|debug|ms|finalhandler|send|serve-static|depd|http-errors|statuses|qs|bytes|unpipe|ee-first|encodeurl|escape-html|vary|accepts|negotiator|proxy-addr|forwarded|ipaddr\.js|apps\/server\/dist\/http\/(jsonBody|apiHeaders|originCheck|errorHandler|HttpError|webApp|expressServer|deviceId|publicOrigin|proxyTrust|sendJsonInSlices)\.js|apps\/server\/dist\/app\.js)$/],
  ["per-user caps (write rate, todo count)", /^(rate-limiter-flexible|apps\/server\/dist\/(todos\/writeLimit|limits\/.*)\.js)$/],
  ["authentication (user lookup per request)", /^apps\/server\/dist\/(http\/authenticate|auth\/apiTokens)\.js$/],
  ["validation (zod)", /^(zod|apps\/server\/dist\/http\/validate\.js|packages\/protocol\/.*)$/],
  ["store write (todo rules, SQLite transaction, change log)", /^(better-sqlite3|bindings|apps\/server\/dist\/store\/.*|apps\/server\/dist\/todos\/(TodoService|todoChanges|changeLog|bulkChange)\.js)$/],
  ["fan-out (change feed, relay, gateway, ws)", /^(ws|packages\/gateway\/.*|apps\/server\/dist\/(todos\/ChangeFeed|sockets\/.*)\.js)$/],
  ["route handler", /^apps\/server\/dist\/routes\/.*$/],
  ["Node internals (HTTP parsing, socket reads, timers)", /^node internals$/],
  ["garbage collection", /^\(garbage collector\)$/],
  ["the benchmark's probe", /^bench\/probe\/.*$/],
]);

/**
 * @param {{ name: string, percent: number }[]} owners every owner with its share (not only the top)
 * @returns {{ name: string, percent: number }[]} largest first
 */
export function byConcern(owners) {
  /** @type {Map<string, number>} */
  const totals = new Map();
  for (const { name, percent } of owners) {
    const concern = CONCERNS.find(([, pattern]) => pattern.test(name))?.[0] ?? "other";
    totals.set(concern, (totals.get(concern) ?? 0) + percent);
  }
  return [...totals].map(([name, percent]) => ({ name, percent: Math.round(percent * 10) / 10 })).sort((a, b) => b.percent - a.percent);
}
