import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReceiverIndex, normalizeReceivers } from "./receivers.js";

interface Item {
  id: string;
  tags: string[];
}

function indexOf(items: Item[]): ReceiverIndex<Item> {
  const index = new ReceiverIndex<Item>();
  for (const item of items) index.add(item);
  return index;
}

const a = { id: "a", tags: ["user:1", "session:1"] };
const b = { id: "b", tags: ["user:1", "session:2"] };
const c = { id: "c", tags: ["user:2"] };

describe("ReceiverIndex.match", () => {
  it("is the union of the named sockets and the sockets with any named tag, each once", () => {
    const index = indexOf([a, b, c]);
    expect([...index.match({ sockets: ["a", "c"], tags: ["user:1"] })].map((i) => i.id).sort()).toEqual(["a", "b", "c"]);
    expect([...index.match({ tags: ["user:1", "session:1"] })].map((i) => i.id).sort()).toEqual(["a", "b"]);
    expect([...index.match({ sockets: ["b", "b"] })].map((i) => i.id)).toEqual(["b"]);
  });

  it('treats sockets: ["*"] as every socket', () => {
    const index = indexOf([a, b, c]);
    expect(index.match({ sockets: ["*"], tags: [] }).size).toBe(3);
  });

  it("matches nothing for unknown ids and tags, or empty receivers", () => {
    const index = indexOf([a, b, c]);
    expect(index.match({ sockets: ["zz"], tags: ["user:9"] }).size).toBe(0);
    expect(index.match({}).size).toBe(0);
  });

  it("forgets removed sockets and their now-empty tags", () => {
    const index = indexOf([a, b, c]);
    index.remove(c);
    expect(index.match({ tags: ["user:2"] }).size).toBe(0);
    expect(index.tagCount).toBe(3);
    expect(index.size).toBe(2);
  });

  it("removes only the very item indexed under an id", () => {
    const index = indexOf([a]);
    index.remove({ id: "a", tags: ["user:1"] });
    expect(index.has("a")).toBe(true);
  });

  it("refuses a second socket with an id already indexed", () => {
    const index = indexOf([a]);
    expect(() => index.add({ id: "a", tags: [] })).toThrow(/already indexed/);
  });

  it("with `within`, keeps only the sockets of that group, whatever the receivers name", () => {
    const index = indexOf([a, b, c]);
    const ids = (within: string, r: Parameters<ReceiverIndex<Item>["match"]>[0]) => [...index.match(r, within)].map((i) => i.id).sort();
    expect(ids("user:1", { sockets: ["*"] })).toEqual(["a", "b"]);
    expect(ids("user:1", { sockets: ["c"], tags: ["user:2"] })).toEqual([]);
    expect(ids("user:1", { sockets: ["a", "c"], tags: ["session:2"] })).toEqual(["a", "b"]);
    expect(ids("user:9", { sockets: ["*"] })).toEqual([]);
  });

  it("agrees with a scan of every socket (property)", () => {
    const tag = fc.constantFrom<string>("t1", "t2", "t3", "t4");
    const items = fc.uniqueArray(fc.record({ id: fc.constantFrom("s1", "s2", "s3", "s4", "s5"), tags: fc.uniqueArray(tag) }), {
      selector: (item) => item.id,
    });
    const receivers = fc.record({
      sockets: fc.array(fc.constantFrom("s1", "s2", "s3", "s6")),
      tags: fc.array(fc.constantFrom("t1", "t2", "t3", "t9")),
    });
    const within = fc.option(fc.constantFrom("t1", "t2", "t9"), { nil: undefined });
    fc.assert(
      fc.property(items, receivers, fc.boolean(), within, (all, r, everyone, group) => {
        const sockets: string[] = everyone ? [...r.sockets, "*"] : r.sockets;
        const tags: string[] = r.tags;
        const named = (item: Item) => everyone || sockets.includes(item.id) || item.tags.some((t) => tags.includes(t));
        const expected = all.filter((item) => named(item) && (group === undefined || item.tags.includes(group)));
        const actual = [...indexOf(all).match({ sockets, tags }, group)];
        expect(actual.length).toBe(new Set(actual).size);
        expect(new Set(actual)).toEqual(new Set(expected));
      }),
    );
  });
});

describe("normalizeReceivers", () => {
  it("fills in missing lists and copies the given ones", () => {
    const tags = ["x"];
    const normal = normalizeReceivers({ tags });
    expect(normal).toEqual({ sockets: [], tags: ["x"] });
    expect(normal.tags).not.toBe(tags);
  });
});
