/**
 * The logging the gateway needs: pino's `(obj, msg)` shape, so a pino logger (or a child of one)
 * can be passed as is. The gateway never logs message contents, only ids, counts and codes.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const ignore = (): void => {};

/** The default: a library stays silent unless its host asks it to speak. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
