import { describe, expect, it } from "vitest";
import { ErrorBody, TodoResponse, type ChangeEvent, type Receivers, type ServerMessage } from "@tandem/protocol";
import { useTwoInstances } from "../../test/twoInstances.js";
import { ApiClient } from "../../test/ApiClient.js";
import { SocketClient } from "../../test/SocketClient.js";
import { uniqueEmail } from "../../test/testServer.js";
import { WebhookProducer } from "../../test/webhookProducer.js";

/**
 * The webhook receiver on two server processes sharing one database and one redis-server: the
 * per-user scoping holds on the instance that did not receive the webhook, and a webhook-id is
 * relayed once whichever instance each copy reaches.
 */
const SECRET = "whsec_" + Buffer.alloc(32, 0x2c).toString("base64");
const SHARED_DEVICE = "device-shared-rd";

const pair = useTwoInstances({ WEBHOOK_SECRET: SECRET });

/**
 * A user who writes through instance one and listens on instance two. Their writes' events reach
 * their socket over the bus, from the same instance (and so in the same order) as the webhooks
 * posted to instance one.
 */
interface Person {
  id: string;
  writer: ApiClient;
  socket: SocketClient;
}

async function person(): Promise<Person> {
  const writer = new ApiClient(pair.a.url, { deviceId: SHARED_DEVICE });
  const { id } = await writer.signup(uniqueEmail("receiver-redis"));
  const socket = await SocketClient.open(new ApiClient(pair.b.url, { deviceId: SHARED_DEVICE }).withCookie(writer.cookie));
  pair.sockets.push(socket);
  return { id, writer, socket };
}

const isChangeOf = (todoId: string) => (m: ServerMessage) => m.type === "change" && m.object.id === todoId;

async function storedChange(p: Person, text: string): Promise<ChangeEvent> {
  const todo = TodoResponse.parse((await p.writer.post("/api/todos", { text })).body).todo;
  await p.socket.until(() => p.socket.messages.some(isChangeOf(todo.id)), `the event of "${text}"`, 10_000);
  return p.socket.messages.find(isChangeOf(todo.id)) as ChangeEvent;
}

/** What the socket received before a change its user makes now through instance one. */
async function receivedBefore(p: Person): Promise<ServerMessage[]> {
  const marker = await storedChange(p, "marker");
  return p.socket.messages.slice(0, p.socket.messages.findIndex(isChangeOf(marker.object.id)));
}

const body = (payload: unknown, receivers?: Receivers) => JSON.stringify(receivers ? { payload, receivers } : { payload });

describe("the webhook receiver on two instances with Redis", () => {
  it("scopes delivery to the owner on the other instance too: another user's device, tag or everyone reach nobody else", async () => {
    const a = await person();
    const b = await person();
    const event = await storedChange(a, "private to A");
    const producer = new WebhookProducer(pair.a.url, SECRET);
    const attempts: Receivers[] = [
      { sockets: [], tags: [`device:${b.id}:${SHARED_DEVICE}`] },
      { sockets: [], tags: [`user:${b.id}`] },
      { sockets: [b.socket.grant.id], tags: [] },
      { sockets: ["*"], tags: [] },
    ];
    // Every socket is on instance two: instance one has none to count.
    for (const receivers of attempts) expect(await producer.deliver({ body: body(event, receivers) })).toEqual({ status: 202, body: { delivered: 0 } });
    expect(await receivedBefore(b)).toEqual([]);
    expect(await receivedBefore(a)).toEqual([event, event]);
  });

  it("relays a webhook-id once whichever instance each copy reaches, and applies the seq rule on both", async () => {
    const a = await person();
    const event = await storedChange(a, "once");
    const id = `msg_redis_${Date.now()}`;
    expect(await new WebhookProducer(pair.a.url, SECRET).deliver({ body: body(event), id })).toEqual({ status: 202, body: { delivered: 0 } });
    expect(await new WebhookProducer(pair.b.url, SECRET).deliver({ body: body(event), id })).toEqual({ status: 202, body: { delivered: 0 } });
    const forged = { ...event, object: { ...event.object, text: "forged" } };
    const refused = await new WebhookProducer(pair.b.url, SECRET).deliver({ body: body(forged) });
    expect({ status: refused.status, code: ErrorBody.parse(refused.body).error.code }).toEqual({ status: 409, code: "conflict" });
    expect(await receivedBefore(a)).toEqual([event, event]);
  });
});
