import nodemailer from "nodemailer";
import type { Logger } from "pino";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Tandem's outgoing mail. With `SMTP_URL` it goes out through nodemailer's SMTP transport; in
 * development and tests without it, each message (its link included) is written to the log
 * instead, so the flow can be followed without a mail server; in production without it there is
 * no mailer at all (`null`) and what needs one (password reset) is off.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface MailerSettings {
  smtpUrl: string | undefined;
  from: string;
  production: boolean;
  logger: Logger;
}

export function createMailer({ smtpUrl, from, production, logger }: MailerSettings): Mailer | null {
  if (smtpUrl !== undefined) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      async send(message) {
        await transport.sendMail({ from, ...message });
      },
    };
  }
  if (production) return null;
  return {
    async send(message) {
      logger.info({ mail: { from, ...message } }, `mail not sent (SMTP_URL is not set), it said:\n${message.text}`);
    },
  };
}
