import type { ErrorCode, ErrorIssue } from "@tandem/protocol";

/** An error meant for the client: its status, code and message are sent as they are. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const notFound = (what = "not found") => new HttpError(404, "not_found", what);
export const unauthorized = () => new HttpError(401, "unauthorized", "sign in first");
