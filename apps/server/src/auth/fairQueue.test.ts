import { describe, expect, it } from "vitest";
import { FairQueue, type Admission } from "./fairQueue.js";

/** A job the test finishes by hand, recording when it started. */
function jobs() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const job = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      finishers.set(name, () => resolve(name));
    });
  const finish = async (name: string) => {
    finishers.get(name)?.();
    // Let the queue hand the slot on (a few promise turns).
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, job, finish };
}

const result = <T>(admission: Admission<T>): Promise<T> => {
  if (!admission.ok) throw new Error(`refused: ${admission.refusal}`);
  return admission.result;
};

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("FairQueue", () => {
  it("runs at most `concurrency` jobs at once, and the rest in turn", async () => {
    const q = new FairQueue({ concurrency: 2, maxQueued: 10, maxPerClient: 10 });
    const { started, job, finish } = jobs();
    const results = ["a1", "a2", "a3", "a4"].map((name) => result(q.run("a", job(name))));
    await settle();
    expect(started).toEqual(["a1", "a2"]);
    expect(q.load).toEqual({ active: 2, pending: 2 });
    await finish("a1");
    expect(started).toEqual(["a1", "a2", "a3"]);
    for (const name of ["a2", "a3", "a4"]) await finish(name);
    expect(await Promise.all(results)).toEqual(["a1", "a2", "a3", "a4"]);
    expect(q.load).toEqual({ active: 0, pending: 0 });
  });

  it("refuses a client past its share while others still get in", async () => {
    const q = new FairQueue({ concurrency: 1, maxQueued: 10, maxPerClient: 2 });
    const { job, finish } = jobs();
    expect(q.run("flood", job("f1")).ok).toBe(true);
    expect(q.run("flood", job("f2")).ok).toBe(true);
    expect(q.run("flood", job("f3"))).toEqual({ ok: false, refusal: "client_full" });
    expect(q.run("other", job("o1")).ok).toBe(true);
    // A finished job gives its client's share back.
    await settle();
    await finish("f1");
    expect(q.run("flood", job("f4")).ok).toBe(true);
  });

  it("refuses anyone once maxQueued jobs are waiting", async () => {
    const q = new FairQueue({ concurrency: 1, maxQueued: 2, maxPerClient: 10 });
    const { job } = jobs();
    expect(q.run("a", job("a1")).ok).toBe(true); // runs
    expect(q.run("b", job("b1")).ok).toBe(true); // waits
    expect(q.run("c", job("c1")).ok).toBe(true); // waits
    expect(q.run("d", job("d1"))).toEqual({ ok: false, refusal: "queue_full" });
  });

  it("gives free slots to the waiting clients in turn, not to the oldest job", async () => {
    const q = new FairQueue({ concurrency: 1, maxQueued: 20, maxPerClient: 10 });
    const { started, job, finish } = jobs();
    for (const name of ["a1", "a2", "a3", "a4", "a5"]) result(q.run("a", job(name)));
    result(q.run("b", job("b1")));
    result(q.run("c", job("c1")));
    await settle();
    for (const name of ["a1", "a2", "b1", "c1", "a3", "a4"]) await finish(name);
    expect(started).toEqual(["a1", "a2", "b1", "c1", "a3", "a4", "a5"]);
  });

  it("passes a job's failure on and frees its slot", async () => {
    const q = new FairQueue({ concurrency: 1, maxQueued: 10, maxPerClient: 1 });
    const failed = result(q.run("a", () => Promise.reject(new Error("boom"))));
    await expect(failed).rejects.toThrow("boom");
    const thrown = result(
      q.run("a", () => {
        throw new Error("sync boom");
      }),
    );
    await expect(thrown).rejects.toThrow("sync boom");
    await expect(result(q.run("a", async () => "ok"))).resolves.toBe("ok");
    expect(q.load).toEqual({ active: 0, pending: 0 });
  });
});
