import http from "node:http";
import type { Express, Request, Response } from "express";

/**
 * The HTTP server for an Express app, with requests and responses built as Express's from birth.
 *
 * Express 5 turns each of Node's `IncomingMessage`/`ServerResponse` into its own `req`/`res` with
 * `Object.setPrototypeOf` on every request, which V8 punishes: much of every request then
 * outlives the young generation (expressjs/express#5998; the figures are in docs/performance.md).
 *
 * Here Node constructs them from subclasses whose prototypes carry Express's request and response
 * properties, and those prototypes become `app.request`/`app.response`; Express's own
 * `setPrototypeOf` then finds the prototype already in place and changes nothing.
 *
 * Call it right after `express()`: what was already on `app.request`/`app.response` is copied,
 * but a reference to the old objects kept from before the call (`express.request`, say) no longer
 * reaches the prototypes in use. Additions made afterwards through `app.request` (the request
 * logger's) land where they should.
 */
export function expressServer(app: Express): http.Server {
  class AppRequest extends http.IncomingMessage {}
  class AppResponse extends http.ServerResponse {}
  adopt(AppRequest.prototype, app.request);
  adopt(AppResponse.prototype, app.response);
  // After adopt() the prototypes carry every property Express's objects have (`app` included);
  // TypeScript cannot follow a copy of property descriptors.
  app.request = AppRequest.prototype as unknown as Request;
  app.response = AppResponse.prototype as unknown as Response;
  return http.createServer({ IncomingMessage: AppRequest, ServerResponse: AppResponse }, app);
}

/**
 * Copies the properties `source` adds on top of Node's own prototype (Express's methods and
 * getters, and the `app` it binds) onto `target`: the nearest definition wins, as it would have
 * through `source`'s own prototype chain.
 */
function adopt(target: object, source: object): void {
  const base: unknown = Object.getPrototypeOf(target);
  const layers: object[] = [];
  for (let layer: unknown = source; layer !== base; layer = Object.getPrototypeOf(layer)) {
    if (layer === null || typeof layer !== "object") {
      throw new Error("Express's request/response prototype does not extend Node's own: cannot adopt it");
    }
    layers.unshift(layer);
  }
  for (const layer of layers) Object.defineProperties(target, Object.getOwnPropertyDescriptors(layer));
}
