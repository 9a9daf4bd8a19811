import { pino, type Logger } from "pino";

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

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { service: "tandem" } });
}

export type { Logger };
