import { randomUUID } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Response } from "express";

/**
 * Items serialised per turn of the event loop. A todo of 1,000 characters is about 1.3 KB of
 * JSON, so a slice is a few hundred KB: a millisecond or two of `JSON.stringify`.
 */
export const JSON_SLICE_ITEMS = 250;

/**
 * The Content-Type `res.json` sends, set as it is: `res.type("json")` looks the type up by file
 * extension on every answer, 1–2 % of a write's CPU (docs/performance.md).
 */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/**
 * Sends `body` as JSON with the same bytes `res.json(body)` would, but serialises the array at
 * `body[listKey]` a slice of JSON_SLICE_ITEMS at a time, giving the event loop a turn and waiting
 * for the socket to take each slice before the next. A long list (5,000 todos of 1,000
 * characters is 6 MB of JSON) then never holds the event loop for long, and a slow reader holds
 * back one slice rather than the whole answer. A short list goes out in one piece, as `res.json`
 * sends it. If the client goes away midway, the rest is not serialised.
 *
 * @returns with `keep`, the JSON it sent (what an idempotent write keeps to answer a repeat
 *   with); null without `keep`, or when the client went away first
 */
export async function sendJsonInSlices<K extends string, T extends Record<K, readonly unknown[]>>(
  res: Response,
  body: T,
  listKey: K,
  { keep = false }: { keep?: boolean } = {},
): Promise<string | null> {
  const items = body[listKey];
  if (items.length <= JSON_SLICE_ITEMS) {
    const text = JSON.stringify(body);
    res.setHeader("Content-Type", JSON_CONTENT_TYPE).send(text);
    return keep ? text : null;
  }
  // Everything around the list, in the body's own key order: the list stands in as a marker.
  const marker = JSON.stringify(randomUUID());
  const [before, after] = JSON.stringify({ ...body, [listKey]: JSON.parse(marker) as string }).split(marker);
  if (before === undefined || after === undefined) throw new Error(`no "${listKey}" in the body to send`);
  res.setHeader("Content-Type", JSON_CONTENT_TYPE);
  // Only an answer that is kept collects its parts: a list read sends megabytes and keeps none.
  const sent: string[] = [];
  const write = (part: string): boolean => {
    if (keep) sent.push(part);
    return res.write(part);
  };
  write(`${before}[`);
  for (let start = 0; start < items.length; start += JSON_SLICE_ITEMS) {
    const slice = JSON.stringify(items.slice(start, start + JSON_SLICE_ITEMS)).slice(1, -1);
    if (!write(start === 0 ? slice : `,${slice}`)) await drained(res);
    if (res.destroyed) return null;
    await nextTurn();
    if (res.destroyed) return null;
  }
  const end = `]${after}`;
  res.end(end);
  if (!keep) return null;
  sent.push(end);
  return sent.join("");
}

/** Resolves when the response can take more, or is closed. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
