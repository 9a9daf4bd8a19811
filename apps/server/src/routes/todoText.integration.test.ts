import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorBody, TodoListResponse, TodoResponse } from "@tandem/protocol";
import { startTestServer, uniqueEmail, type TestServer } from "../../test/testServer.js";

/**
 * Todo text that would break storage or mislead a reader is refused with 400 before any store
 * sees it, so both adapters behave alike; text that is merely unusual is kept exactly as sent.
 * Runs on SQLite always, and on MongoDB when MONGODB_URI names a server.
 */
const adapters: [string, Record<string, string>][] = [["SQLite", {}]];
const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  const database = `tandem_text_${randomBytes(6).toString("hex")}`;
  adapters.push(["MongoDB", { MONGODB_URI: mongoUri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${database}`) }]);
}

const refused: [string, string, RegExp][] = [
  ["text that starts with U+0000", "\u0000 buy milk", /control character/],
  ["a U+0000 inside", "buy\u0000milk", /control character/],
  ["a bell (U+0007)", "ring \u0007", /control character/],
  ["a carriage return", "one\rtwo", /control character/],
  ["an escape sequence", "\u001b[31mred", /control character/],
  ["a lone high surrogate", "half \ud83d", /well-formed Unicode/],
  ["a lone low surrogate", "\ude00 half", /well-formed Unicode/],
  ["only zero-width characters", "\u200b\u200c\u200d\u2060", /visible/],
  ["only a byte order mark and soft hyphens", "\ufeff\u00ad\u00ad", /visible/],
  ["invisible characters between spaces", "  \u200b \u180e\u3164 ", /visible/],
];

const kept: [string, string][] = [
  ["a tab and a newline inside", "milk\teggs\nbread"],
  ["emoji (surrogate pairs)", "🎉 party 👩‍💻"],
  ["a zero-width joiner between visible characters", "a\u200db"],
  ["right-to-left text", "שלום עולם"],
];

describe.each(adapters)("todo text on %s", (_name, env) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(env);
  });
  afterAll(() => t.close());

  async function signedIn() {
    const c = t.client();
    await c.signup(uniqueEmail());
    return c;
  }

  it.each(refused)("POST with %s → 400 validation_failed, nothing stored", async (_case, text, message) => {
    const c = await signedIn();
    const res = await c.post("/api/todos", { text });
    expect(res.status).toBe(400);
    const { error } = ErrorBody.parse(res.body);
    expect(error.code).toBe("validation_failed");
    expect(error.details?.map((d) => d.path)).toContain("text");
    expect(error.details?.find((d) => d.path === "text")?.message).toMatch(message);
    expect(TodoListResponse.parse((await c.get("/api/todos")).body)).toEqual({ todos: [], seq: 0 });
  });

  it.each(refused)("PATCH with %s → 400, the todo unchanged", async (_case, text, message) => {
    const c = await signedIn();
    const { todo } = TodoResponse.parse((await c.post("/api/todos", { text: "before" })).body);
    const res = await c.patch(`/api/todos/${todo.id}`, { text });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.details?.find((d) => d.path === "text")?.message).toMatch(message);
    expect(TodoListResponse.parse((await c.get("/api/todos")).body).todos).toEqual([todo]);
  });

  it.each(kept)("keeps %s exactly as sent, in the answer and in the list", async (_case, text) => {
    const c = await signedIn();
    const created = await c.post("/api/todos", { text });
    expect(created.status).toBe(201);
    expect(TodoResponse.parse(created.body).todo.text).toBe(text);
    expect(TodoListResponse.parse((await c.get("/api/todos")).body).todos.map((todo) => todo.text)).toEqual([text]);
  });
});
