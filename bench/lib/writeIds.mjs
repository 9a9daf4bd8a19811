/**
 * How a delivery is matched to the write that caused it: the todo's text is `w<id>`, with `id`
 * unique across the whole run. It survives every server unchanged (it is user data), and a
 * receiver finds it in a raw frame with one `indexOf`, without parsing the JSON: at thousands of
 * deliveries a second the driver's own parsing would otherwise show up in the latencies.
 */
const MARKER = Buffer.from('"text":"w');

/** @param {number} id */
export const writeText = (id) => `w${id}`;

/**
 * @param {Buffer | ArrayBuffer | Buffer[]} data a raw text frame from `ws`
 * @returns {number} the write id, or -1 if the frame carries none
 */
export function writeIdOfFrame(data) {
  const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  const at = buffer.indexOf(MARKER);
  if (at < 0) return -1;
  let id = 0;
  for (let i = at + MARKER.length; i < buffer.length; i++) {
    const c = /** @type {number} */ (buffer[i]);
    if (c < 48 || c > 57) return i === at + MARKER.length ? -1 : id;
    id = id * 10 + (c - 48);
  }
  return -1;
}

/** @param {unknown} text the `object.text` of an already parsed event */
export function writeIdOfText(text) {
  return typeof text === "string" && text.startsWith("w") ? Number(text.slice(1)) : -1;
}
