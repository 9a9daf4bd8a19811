import WebSocket from "ws";

/**
 * A `ws` client as a native device would open it: no Origin header, no compression offered.
 * @param {string} url
 * @returns {Promise<WebSocket>}
 */
export function openSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => {
      ws.off("error", reject);
      // After open, errors end the socket; the lost deliveries are what the results report.
      ws.on("error", () => ws.terminate());
      resolve(ws);
    });
    ws.once("error", reject);
    ws.once("unexpected-response", (req, res) => {
      req.destroy();
      reject(new Error(`upgrade refused with ${res.statusCode}`));
    });
  });
}
