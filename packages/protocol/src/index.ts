/** Tandem's wire format: every body, envelope and code that crosses a socket or an HTTP request. */
export * from "./version.js";
export * from "./ids.js";
export * from "./todos.js";
export * from "./events.js";
export * from "./auth.js";
export * from "./errors.js";
export * from "./socket.js";
export * from "./devices.js";
export * from "./account.js";
export * from "./webhooks.js";
export * from "./wait.js";
