import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import mongoose, { Types } from "mongoose";
import { MongoStore } from "./MongoStore.js";
import { eventSchema, todoSchema, tokenSchema, userSchema } from "./schemas.js";
import { toStoreError } from "./mongoErrors.js";
import { AppError } from "../../errors.js";

// What can be checked without a server: schemas, validation, error mapping, failing fast. The
// behaviour against a server is store.contract.test.ts's (set MONGODB_URI).

describe("mongoSchemas indexes", () => {
  it("has a unique index on users' email", () => {
    expect(userSchema.indexes()).toContainEqual([{ email: 1 }, expect.objectContaining({ unique: true })]);
  });

  it("indexes todos for the per-user list in order", () => {
    expect(todoSchema.indexes()).toContainEqual([{ userId: 1, createdAt: 1, createdSeq: 1 }, expect.anything()]);
  });

  it("has a unique (userId, seq) index on events", () => {
    expect(eventSchema.indexes()).toContainEqual([{ userId: 1, seq: 1 }, expect.objectContaining({ unique: true })]);
  });

  it("has a unique index on tokens' hash and an index on their owner", () => {
    expect(tokenSchema.indexes()).toContainEqual([{ tokenHash: 1 }, expect.objectContaining({ unique: true })]);
    expect(tokenSchema.indexes()).toContainEqual([{ userId: 1, createdAt: 1 }, expect.anything()]);
  });

  it("keys todos by the client's string id, not an ObjectId", () => {
    expect(todoSchema.path("_id").instance).toBe("String");
  });
});

describe("mongoSchemas validation", () => {
  // An unopened connection of its own: models for validation only, never the global default.
  const connection = mongoose.createConnection();
  const Todo = connection.model("Todo", todoSchema);
  const User = connection.model("User", userSchema);
  const Event = connection.model("Event", eventSchema);
  afterAll(() => connection.close());

  const validTodo = () => ({
    _id: randomUUID(),
    userId: new Types.ObjectId(),
    text: "milk",
    done: false,
    createdAt: new Date(),
    updatedAt: new Date(),
    device: null,
    version: 1,
    createdSeq: 1,
  });

  /** The paths `validate()` refuses (`validateSync()` is deprecated in mongoose 9). */
  async function invalidPaths(doc: { validate(): Promise<void> }): Promise<string[]> {
    try {
      await doc.validate();
      return [];
    } catch (err) {
      if (!(err instanceof mongoose.Error.ValidationError)) throw err;
      return Object.keys(err.errors);
    }
  }

  it("accepts a complete todo", async () => {
    expect(await invalidPaths(new Todo(validTodo()))).toEqual([]);
  });

  it("refuses a todo without userId, text or a valid version", async () => {
    const { userId: _u, ...noUser } = validTodo();
    expect(await invalidPaths(new Todo(noUser))).toEqual(["userId"]);
    expect(await invalidPaths(new Todo({ ...validTodo(), text: undefined }))).toEqual(["text"]);
    expect(await invalidPaths(new Todo({ ...validTodo(), version: 0 }))).toEqual(["version"]);
  });

  it("throws on fields the schema does not know (strict: throw)", () => {
    expect(() => new Todo({ ...validTodo(), owner: "someone" })).toThrow(mongoose.Error.StrictModeError);
    expect(() => new User({ email: "a@b.co", passwordHash: "h", isAdmin: true })).toThrow(mongoose.Error.StrictModeError);
  });

  it("refuses a user without a password hash and an event without its envelope", async () => {
    expect(await invalidPaths(new User({ email: "a@b.co" }))).toEqual(["passwordHash"]);
    expect(await invalidPaths(new Event({ userId: new Types.ObjectId(), seq: 1 }))).toEqual(["event"]);
  });
});

describe("mongoErrors.toStoreError", () => {
  it("maps a duplicate email to email_taken", () => {
    const err = toStoreError({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: "a@b.co" } });
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "email_taken" });
  });

  it("passes other duplicate keys through: a todo's id or a seq that raced is the todos domain's to decide", () => {
    for (const err of [{ code: 11000, keyPattern: { _id: 1 } }, { code: 11000, keyPattern: { userId: 1, seq: 1 } }]) {
      expect(toStoreError(err)).toBe(err);
    }
  });

  it("maps server-selection and network failures to unavailable, keeping the cause", () => {
    const selection = Object.assign(new Error("Server selection timed out after 5000 ms"), {
      name: "MongoServerSelectionError",
    });
    const mapped = toStoreError(selection);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ code: "unavailable", cause: selection });

    expect(toStoreError(new mongoose.mongo.MongoNetworkError("connection reset"))).toMatchObject({ code: "unavailable" });
    expect(toStoreError(new mongoose.mongo.MongoNotConnectedError("not connected"))).toMatchObject({ code: "unavailable" });
    expect(toStoreError({ name: "MongoServerError", code: 10107 /* NotWritablePrimary */ })).toMatchObject({ code: "unavailable" });
  });

  it("passes anything else through unchanged", () => {
    const err = new Error("boom");
    expect(toStoreError(err)).toBe(err);
    expect(toStoreError("not even an error")).toBe("not even an error");
  });
});

describe("MongoStore without a server", () => {
  it("does not connect on construction, and init() fails fast as unavailable", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const store = new MongoStore({
      uri: "mongodb://127.0.0.1:1/tandem_unreachable?directConnection=true",
      serverSelectionTimeoutMs: 300,
    });
    expect(store.kind).toBe("mongodb");
    const started = Date.now();
    await expect(store.init()).rejects.toMatchObject({ code: "unavailable" });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(store.ping()).rejects.toMatchObject({ code: "unavailable" });
    await store.close();
  });
});
