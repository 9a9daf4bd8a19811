import { pino, type DestinationStream, type Logger } from "pino";

/**
 * Structured JSON logs. Credentials never reach them: the paths below are censored wherever a
 * request, a response or an error object is logged.
 */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
];

/** @param destination where lines go (stdout by default; tests capture them) */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { service: "tandem" } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
