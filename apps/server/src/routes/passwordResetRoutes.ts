import { Router } from "express";
import { PasswordResetConfirmBody, PasswordResetRequestBody } from "@tandem/protocol";
import type { PasswordReset } from "../auth/passwordReset.js";
import type { ActionLimit } from "../auth/loginThrottle.js";
import { clientNetwork } from "../auth/clientNetwork.js";
import { AppError } from "../errors.js";
import { parse } from "../http/validate.js";
import type { OriginOf } from "../http/publicOrigin.js";

/**
 * `/api/auth/password-reset` and `/confirm`. Off (404) where no mail can be sent: production
 * without SMTP_URL, which the server says at start.
 */
export function passwordResetRoutes(reset: PasswordReset, perIp: ActionLimit, originOf: OriginOf): Router {
  const router = Router();
  router.use((_req, _res, next) => {
    next(reset.enabled ? undefined : new AppError("not_found", "password reset is off on this server (no SMTP_URL)"));
  });

  router.post("/", async (req, res) => {
    const { email } = parse(PasswordResetRequestBody, req.body);
    await perIp.consume(clientNetwork(req.ip));
    reset.request(email, originOf(req));
    res.status(202).end();
  });

  router.post("/confirm", async (req, res) => {
    const { token, newPassword } = parse(PasswordResetConfirmBody, req.body);
    const userId = await reset.confirm(token, newPassword, clientNetwork(req.ip));
    req.log.info({ userId, event: "password_reset" }, "password reset through an emailed link");
    res.status(204).end();
  });
  return router;
}
