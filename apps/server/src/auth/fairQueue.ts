export interface FairQueueLimits {
  /** Jobs running at once. */
  concurrency: number;
  /** Jobs waiting for a slot, over all clients; past it, new ones are refused. */
  maxQueued: number;
  /** Jobs waiting or running for one client; past it, that client's new ones are refused. */
  maxPerClient: number;
}

/** Why a job was not taken: the queue as a whole is full, or this client has its share. */
export type Refusal = "queue_full" | "client_full";

export type Admission<T> = { ok: true; result: Promise<T> } | { ok: false; refusal: Refusal };

interface Job {
  client: string;
  start: () => void;
}

/**
 * Runs async jobs at most `concurrency` at a time, for many clients, fairly:
 *
 * - Each client may have at most `maxPerClient` jobs waiting or running, so one client (a flood
 *   from one address) cannot fill the queue that everyone shares.
 * - Free slots go to the waiting clients in turn (round robin), not to the oldest job: a client
 *   that arrives behind a flood waits for one job of each other waiting client, not for all of
 *   the flood's jobs.
 *
 * Admission is decided at once, so a refused job costs nothing.
 */
export class FairQueue {
  readonly #limits: FairQueueLimits;
  #active = 0;
  #pending = 0;
  /** Clients with jobs waiting, in the order they get their next turn; each with its jobs, oldest first. */
  readonly #waiting = new Map<string, Job[]>();
  /** Jobs waiting or running, per client. */
  readonly #perClient = new Map<string, number>();

  constructor(limits: FairQueueLimits) {
    this.#limits = limits;
  }

  /** Jobs running and waiting right now. */
  get load(): { active: number; pending: number } {
    return { active: this.#active, pending: this.#pending };
  }

  run<T>(client: string, fn: () => Promise<T>): Admission<T> {
    const mine = this.#perClient.get(client) ?? 0;
    if (mine >= this.#limits.maxPerClient) return { ok: false, refusal: "client_full" };
    const runsNow = this.#active < this.#limits.concurrency && this.#pending === 0;
    if (!runsNow && this.#pending >= this.#limits.maxQueued) return { ok: false, refusal: "queue_full" };
    this.#perClient.set(client, mine + 1);

    const result = new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#active += 1;
        let outcome: Promise<T>;
        try {
          outcome = fn();
        } catch (err) {
          outcome = Promise.reject(err);
        }
        // The slot is free again before the caller hears back, so its next job can have it.
        outcome.then(
          (value) => {
            this.#finish(client);
            resolve(value);
          },
          (err: unknown) => {
            this.#finish(client);
            reject(err);
          },
        );
      };
      if (runsNow) start();
      else this.#enqueue({ client, start });
    });
    return { ok: true, result };
  }

  #enqueue(job: Job): void {
    this.#pending += 1;
    const jobs = this.#waiting.get(job.client);
    if (jobs) jobs.push(job);
    else this.#waiting.set(job.client, [job]);
  }

  #finish(client: string): void {
    this.#active -= 1;
    const left = (this.#perClient.get(client) ?? 1) - 1;
    if (left === 0) this.#perClient.delete(client);
    else this.#perClient.set(client, left);
    this.#startNext();
  }

  /** Gives the free slots to the waiting clients in turn: the one served goes to the back. */
  #startNext(): void {
    while (this.#active < this.#limits.concurrency) {
      const next = this.#waiting.entries().next();
      if (next.done === true) return;
      const [client, jobs] = next.value;
      const job = jobs.shift();
      this.#waiting.delete(client);
      if (jobs.length > 0) this.#waiting.set(client, jobs);
      if (job === undefined) continue;
      this.#pending -= 1;
      job.start();
    }
  }
}
