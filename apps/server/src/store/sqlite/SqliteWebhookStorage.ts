import type { ClaimedDelivery, DeliveryOutcome, WebhookAttemptRecord, WebhookStorage } from "../WebhookStorage.js";
import type { SqliteConnection } from "./connection.js";
import type { GroupCommit } from "./groupCommit.js";
import { prepareWebhookStatements, toAttemptRecord, toEndpointRecord, type WebhookStatements } from "./webhookStatements.js";

/**
 * Outbound webhooks on SQLite. Claims and completions are write transactions (`BEGIN IMMEDIATE`
 * through the group commit), and SQLite lets one writer in at a time across every process on the
 * file: a claim reads the due endpoints and leases them before any other process can, so two
 * servers sharing the file never lease the same endpoint at once.
 */
export class SqliteWebhookStorage implements WebhookStorage {
  readonly #connection: SqliteConnection;
  readonly #commits: GroupCommit;
  #prepared: WebhookStatements | null = null;

  constructor(connection: SqliteConnection, commits: GroupCommit) {
    this.#connection = connection;
    this.#commits = commits;
  }

  /** Prepared on first use, after the store's init() (which checks the store is open). */
  get #s(): WebhookStatements {
    void this.#connection.statements;
    this.#prepared ??= prepareWebhookStatements(this.#connection.db);
    return this.#prepared;
  }

  async create(endpoint: Parameters<WebhookStorage["create"]>[0], maxPerUser: number): Promise<boolean> {
    return this.#commits.write(() => {
      const s = this.#s;
      if ((s.countOf.get(endpoint.userId) ?? 0) >= maxPerUser) return false;
      s.insert.run(endpoint.id, endpoint.userId, endpoint.url, endpoint.description, endpoint.secret, endpoint.createdAt);
      return true;
    });
  }

  async list(userId: string) {
    return this.#connection.run(() => this.#s.listOf.all(userId)).map(toEndpointRecord);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return this.#commits.write(() => this.#s.deleteOne.run(id, userId).changes > 0);
  }

  async enable(userId: string, id: string): Promise<boolean> {
    return this.#commits.write(() => this.#s.enable.run(id, userId).changes > 0);
  }

  async attempts(userId: string, id: string, limit: number): Promise<WebhookAttemptRecord[] | null> {
    return this.#connection.read(() => {
      const s = this.#s;
      if (s.owned.get(id, userId) === 0) return null;
      return s.attemptsOf.all(id, limit).map(toAttemptRecord);
    });
  }

  async hasDue(now: number): Promise<boolean> {
    return this.#connection.run(() => (this.#s.anyDue.get(now, now) ?? 0) > 0);
  }

  async claim(owner: string, now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]> {
    return this.#commits.write(() => {
      const s = this.#s;
      const claimed: ClaimedDelivery[] = [];
      for (const row of s.due.all(now, now, limit)) {
        const head = s.head.get(row.id);
        if (head === undefined) {
          // Due with nothing queued (its queue was just emptied): nothing to lease.
          s.idle.run(row.id);
          continue;
        }
        s.lease.run(owner, leaseUntil, row.id);
        claimed.push({
          endpointId: row.id,
          userId: row.user_id,
          url: row.url,
          secret: row.secret,
          seq: head.seq,
          body: head.body,
          attempt: head.attempts + 1,
          failingSince: row.failing_since,
        });
      }
      return claimed;
    });
  }

  async complete(owner: string, delivery: ClaimedDelivery, attempt: WebhookAttemptRecord, outcome: DeliveryOutcome, keepAttempts: number): Promise<boolean> {
    return this.#commits.write(() => {
      const s = this.#s;
      const id = delivery.endpointId;
      if (s.leaseOwner.get(id) !== owner) return false;
      s.insertAttempt.run(id, delivery.seq, attempt.attempt, attempt.at, attempt.status, attempt.error, attempt.durationMs, attempt.responseBody, attempt.nextRetryAt);
      s.trimAttempts.run(id, id, keepAttempts);
      const last = [attempt.at, attempt.status, attempt.error] as const;
      switch (outcome.kind) {
        case "delivered":
          s.dequeue.run(id, delivery.seq);
          s.delivered.run(...last, id, Date.now(), id);
          break;
        case "retry":
          s.countAttempt.run(id, delivery.seq);
          s.retry.run(...last, attempt.at, outcome.at, id);
          break;
        case "disable":
          s.dropQueue.run(id);
          s.disable.run(...last, attempt.at, attempt.at, outcome.reason, id);
          break;
      }
      return true;
    });
  }
}
