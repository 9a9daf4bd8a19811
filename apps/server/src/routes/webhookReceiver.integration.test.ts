import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, TodoResponse, type ChangeEvent, type Receivers, type ServerMessage } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";
import { SocketClient } from "../../test/SocketClient.js";
import type { ApiClient } from "../../test/ApiClient.js";
import { WebhookProducer } from "../../test/webhookProducer.js";

/**
 * The webhook receiver on the real server: Standard Webhooks signatures (and the bearer secret),
 * the webhook-id as idempotency key, per-user scoping of receivers, and the seq rule.
 */
const CURRENT = "whsec_" + Buffer.alloc(32, 0x5a).toString("base64");
const PREVIOUS = "a-plain-secret-being-rotated-out-0123456789";
const UNRELATED = "whsec_" + Buffer.alloc(32, 0x17).toString("base64");
/** Two users pick the same device id: device ids are the clients' to choose. */
const SHARED_DEVICE = "device-shared-01";

let t: TestServer;
let producer: WebhookProducer;
const sockets: SocketClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ WEBHOOK_SECRET: CURRENT, WEBHOOK_SECRET_PREVIOUS: PREVIOUS });
  producer = new WebhookProducer(t.url, CURRENT);
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await t.close();
});

interface Person {
  id: string;
  api: ApiClient;
  socket: SocketClient;
}

async function person(deviceId = SHARED_DEVICE): Promise<Person> {
  const api = t.client({ deviceId });
  const { id } = await api.signup(uniqueEmail("receiver"));
  const socket = await SocketClient.open(api);
  sockets.push(socket);
  return { id, api, socket };
}

const isChangeOf = (todoId: string) => (m: ServerMessage) => m.type === "change" && m.object.id === todoId;

/** The person makes a change and waits for its event: the store's own event, with its seq. */
async function storedChange(p: Person, text: string): Promise<ChangeEvent> {
  const todo = TodoResponse.parse((await p.api.post("/api/todos", { text })).body).todo;
  await p.socket.until(() => p.socket.messages.some(isChangeOf(todo.id)), `the event of "${text}"`);
  return p.socket.messages.find(isChangeOf(todo.id)) as ChangeEvent;
}

/**
 * What the person's socket received before a change they make now. Frames reach a socket in the
 * order they were sent, so anything a webhook sent it earlier has arrived by then: no waiting and hoping.
 */
async function receivedBefore(p: Person): Promise<ServerMessage[]> {
  const marker = await storedChange(p, "marker");
  return p.socket.messages.slice(0, p.socket.messages.findIndex(isChangeOf(marker.object.id)));
}

async function post(sent: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${t.url}/api/websocket/messages`, { method: "POST", headers, body: sent });
  return { status: res.status, body: await res.json() };
}

const body = (payload: unknown, receivers?: Receivers) => JSON.stringify(receivers ? { payload, receivers } : { payload });
const withoutSeq = (event: ChangeEvent) => {
  const { seq: _seq, ...meta } = event.meta;
  return { ...event, meta };
};

describe("signatures", () => {
  it("relays a signed delivery to its owner's sockets, and a repeated webhook-id only once", async () => {
    const a = await person();
    const event = await storedChange(a, "signed");
    const id = `msg_${Date.now()}`;
    expect(await producer.deliver({ body: body(event), id })).toEqual({ status: 202, body: { delivered: 1 } });
    // The same delivery again, freshly signed (a retry), is acknowledged and not relayed.
    expect(await producer.deliver({ body: body(event), id })).toEqual({ status: 202, body: { delivered: 0 } });
    expect(await receivedBefore(a)).toEqual([event, event]);
  });

  it("refuses a missing, wrong, tampered or stale signature with 401 and a clear message, relaying nothing", async () => {
    const a = await person();
    const event = await storedChange(a, "refused");
    const sent = body(event);
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Promise<{ status: number; body: unknown }>, RegExp][] = [
      ["no credentials", producer.deliver({ body: sent, headers: { "webhook-signature": undefined } }), /missing webhook credentials/],
      ["another secret", producer.deliver({ body: sent, secrets: [UNRELATED] }), /no webhook-signature matches/],
      ["another webhook-id than signed", producer.deliver({ body: sent, headers: { "webhook-id": "msg_other" } }), /no webhook-signature matches/],
      ["a tampered body", post(sent.replace("refused", "tampered"), producer.signedHeaders({ body: sent })), /no webhook-signature matches/],
      ["no webhook-id", producer.deliver({ body: sent, headers: { "webhook-id": undefined } }), /needs a webhook-id and a webhook-timestamp/],
      ["six minutes old", producer.deliver({ body: sent, timestamp: now - 6 * 60 }), /more than 5 minutes/],
      ["six minutes ahead", producer.deliver({ body: sent, timestamp: now + 6 * 60 }), /more than 5 minutes/],
      ["a wrong bearer", producer.deliver({ body: sent, headers: { "webhook-signature": undefined, authorization: `Bearer ${UNRELATED}` } }), /wrong webhook secret/],
    ];
    for (const [what, answer, message] of cases) {
      const { status, body: error } = await answer;
      expect({ what, status }).toEqual({ what, status: 401 });
      expect(ErrorBody.parse(error).error).toMatchObject({ code: "unauthorized", message: expect.stringMatching(message) });
    }
    expect(await receivedBefore(a)).toEqual([event]);
  });

  it("accepts the previous secret while it is rotated out, alone or beside others, and the bearer secret", async () => {
    const a = await person();
    const event = await storedChange(a, "rotation");
    expect(await producer.deliver({ body: body(event), secrets: [PREVIOUS] })).toEqual({ status: 202, body: { delivered: 1 } });
    expect(await producer.deliver({ body: body(event), secrets: [UNRELATED, CURRENT] })).toEqual({ status: 202, body: { delivered: 1 } });
    const bearer = await post(body(event), { authorization: `Bearer ${CURRENT}`, "content-type": "application/json" });
    expect(bearer).toEqual({ status: 202, body: { delivered: 1 } });
    expect(await receivedBefore(a)).toEqual([event, event, event, event]);
  });
});

describe("scoping: a payload reaches only its owner's sockets", () => {
  it("delivers nothing to another user, whatever the receivers name: their device, their user tag, or everyone", async () => {
    const a = await person();
    const b = await person();
    const event = await storedChange(a, "private to A");
    const attempts: [string, Receivers, number][] = [
      ["B's device tag", { sockets: [], tags: [`device:${b.id}:${SHARED_DEVICE}`] }, 0],
      ["the device id both chose, untagged by user", { sockets: [], tags: [`device:${SHARED_DEVICE}`] }, 0],
      ["B's user tag", { sockets: [], tags: [`user:${b.id}`] }, 0],
      ["B's socket by id", { sockets: [b.socket.grant.id], tags: [] }, 0],
      // Every socket of A's, and of nobody else.
      ["everyone", { sockets: ["*"], tags: [] }, 1],
    ];
    for (const [what, receivers, delivered] of attempts) {
      expect({ what, ...(await producer.deliver({ body: body(event, receivers) })) }).toEqual({ what, status: 202, body: { delivered } });
    }
    expect(await receivedBefore(b)).toEqual([]);
    expect(await receivedBefore(a)).toEqual([event, event]);
  });

  it("narrows to the named sockets of the owner: one device of theirs", async () => {
    const a = await person("device-owner-01");
    const second = t.client({ deviceId: "device-owner-02" }).withCookie(a.api.cookie);
    const other = { ...a, api: second, socket: await SocketClient.open(second) };
    sockets.push(other.socket);
    expect(other.socket.grant.tags).toContain(`device:${a.id}:device-owner-02`);
    const event = await storedChange(a, "to one device");
    await other.socket.until(() => other.socket.messages.some(isChangeOf(event.object.id)), "the change on the second device");
    const receivers = { sockets: [], tags: [`device:${a.id}:device-owner-02`] };
    expect(await producer.deliver({ body: body(event, receivers) })).toEqual({ status: 202, body: { delivered: 1 } });
    expect(await receivedBefore(a)).toEqual([event]);
    expect(await receivedBefore(other)).toEqual([event, event, expect.objectContaining({ type: "change" })]);
  });
});

describe("the seq rule: only Tandem's store assigns seqs", () => {
  it("relays the store's own event with its seq, and refuses any other event carrying a seq with 409 conflict", async () => {
    const a = await person();
    const b = await person();
    await storedChange(b, "B's first");
    const event = await storedChange(a, "original");
    expect(await producer.deliver({ body: body(event) })).toMatchObject({ status: 202 });
    const forged: [string, unknown][] = [
      ["another text under a stored seq", { ...event, object: { ...event.object, text: "forged" } }],
      ["a seq the store has not reached", { ...event, meta: { ...event.meta, seq: event.meta.seq + 1 } }],
      ["A's change as B's, under B's seq", { ...event, object: { ...event.object, userId: b.id }, meta: { ...event.meta, userId: b.id, seq: 1 } }],
    ];
    for (const [what, payload] of forged) {
      const { status, body: error } = await producer.deliver({ body: body(payload) });
      expect({ what, status }).toEqual({ what, status: 409 });
      expect(ErrorBody.parse(error).error).toMatchObject({ code: "conflict", message: expect.stringMatching(/only Tandem's store assigns seqs/) });
    }
    expect(await receivedBefore(a)).toEqual([event, event]);
    expect((await receivedBefore(b)).map((m) => m.meta.seq)).toEqual([1]);
  });

  it("relays an event without a seq as it is, and the owner's next change still carries the next seq", async () => {
    const a = await person();
    const event = await storedChange(a, "before");
    const relayed = withoutSeq({ ...event, object: { ...event.object, text: "relayed", version: 2 } } as ChangeEvent);
    expect(await producer.deliver({ body: body(relayed) })).toEqual({ status: 202, body: { delivered: 1 } });
    const next = await storedChange(a, "after");
    expect(next.meta.seq).toBe(event.meta.seq + 1);
    expect(a.socket.messages.slice(0, 3)).toEqual([event, relayed, next]);
    expect("seq" in (a.socket.messages[1]?.meta ?? {})).toBe(false);
  });
});
