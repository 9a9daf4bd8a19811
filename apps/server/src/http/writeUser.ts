import type { Request } from "express";
import { WRITE_USER_HEADER } from "@tandem/protocol";
import { AppError } from "../errors.js";
import { principalOf } from "./authenticate.js";

/**
 * Refuses a write made as another account than the one this request's session is signed in to
 * (the `Tandem-User` header, when sent): a queue kept in a browser for one account must never be
 * applied to the account someone signed in to there since.
 */
export function checkWriteUser(req: Request): void {
  const madeAs = req.headers[WRITE_USER_HEADER];
  if (madeAs === undefined || madeAs === principalOf(req).user.id) return;
  throw new AppError("unauthorized", "this write was made as another account than the one signed in here; sign in as that account to send it");
}
