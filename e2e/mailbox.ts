import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message the server sent, as read off the wire. */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/**
 * A real SMTP server on loopback that keeps every message it is given: the app's mail goes out
 * through its SMTP client exactly as in production, and tests read what arrived. Plain SMTP,
 * no authentication and no STARTTLS (loopback only).
 */
export interface Mailbox {
  /** `smtp://127.0.0.1:<port>`, for the server's SMTP_URL. */
  url: string;
  /** Resolves with the first message to `to` that arrives (or already has). */
  waitFor(to: string, timeoutMs?: number): Promise<Mail>;
  close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
  const mails: Mail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    async onData(stream, _session, callback) {
      try {
        const parsed = await simpleParser(stream);
        const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : [])
          .flatMap((address) => address.value.map((entry) => (entry.address ?? "").toLowerCase()));
        mails.push({ to, subject: parsed.subject ?? "", text: parsed.text ?? "" });
        for (const wake of waiters) wake();
        callback();
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.server.address();
  if (typeof address !== "object" || address === null) throw new Error("the SMTP server has no port");

  return {
    url: `smtp://127.0.0.1:${address.port}`,
    waitFor(to, timeoutMs = 10_000) {
      const wanted = to.toLowerCase();
      const find = () => mails.find((mail) => mail.to.includes(wanted));
      return new Promise<Mail>((resolve, reject) => {
        const check = () => {
          const mail = find();
          if (!mail) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to} within ${timeoutMs} ms (got ${mails.length} to others)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
