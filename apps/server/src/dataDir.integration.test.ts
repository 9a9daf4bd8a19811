import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, uniqueEmail, type TestServer } from "../test/testServer.js";
import { developmentSessionSecret } from "./devSecret.js";

/**
 * DATA_DIR holds password hashes and every todo (the SQLite file and its WAL) and, in
 * development, the session secret: other users of the machine must not be able to read them.
 */

const parents: string[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of parents.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp dir whose `data` child does not exist yet. */
function freshDataDir(): string {
  const parent = mkdtempSync(path.join(tmpdir(), "tandem-datadir-"));
  parents.push(parent);
  return path.join(parent, "data");
}

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

/** With the umask most systems start processes with, so that a file created 0644 would show it. */
function withCommonUmask<T>(fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(0o022);
  return fn().finally(() => process.umask(previous));
}

describe("the data directory", () => {
  it("is created 0700, and the database, its WAL and its shared-memory file 0600", async () => {
    const dir = freshDataDir();
    const t = await withCommonUmask(() => startTestServer({}, dir));
    servers.push(t);
    await t.client().signup(uniqueEmail());
    const db = path.join(dir, "tandem.db");
    // While the server runs, SQLite keeps the WAL and its index next to the database.
    expect(existsSync(`${db}-wal`) && existsSync(`${db}-shm`)).toBe(true);
    expect({ dir: modeOf(dir), db: modeOf(db), wal: modeOf(`${db}-wal`), shm: modeOf(`${db}-shm`) }).toEqual({
      dir: "700",
      db: "600",
      wal: "600",
      shm: "600",
    });
  });

  it("keeps the development session secret 0600 in a directory it creates 0700", async () => {
    const dir = freshDataDir();
    await withCommonUmask(async () => developmentSessionSecret(dir));
    expect({ dir: modeOf(dir), secret: modeOf(path.join(dir, "session-secret")) }).toEqual({ dir: "700", secret: "600" });
  });

  it("tightens files an older build left readable to 0600, and warns about an existing directory others can enter without changing it", async () => {
    const dir = freshDataDir();
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const db = path.join(dir, "tandem.db");
    // An older build's database, open in WAL mode (as a running or crashed process leaves it).
    const older = new Database(db);
    older.pragma("journal_mode = WAL");
    older.exec("CREATE TABLE leftover (x); INSERT INTO leftover VALUES (1);");
    for (const file of [db, `${db}-wal`, `${db}-shm`]) chmodSync(file, 0o644);
    try {
      const lines: string[] = [];
      const t = await startTestServer({ LOG_LEVEL: "info" }, dir, { logLines: lines });
      servers.push(t);
      expect({ db: modeOf(db), wal: modeOf(`${db}-wal`), shm: modeOf(`${db}-shm`) }).toEqual({ db: "600", wal: "600", shm: "600" });
      // The directory may be shared with other things (DATA_DIR=. for one): it is the operator's.
      expect(modeOf(dir)).toBe("755");
      const warning = lines.map((line) => JSON.parse(line) as { level: number; msg: string; dataDir?: string }).find((l) => l.msg.includes("DATA_DIR"));
      expect(warning).toMatchObject({ level: 40, dataDir: dir });
      expect(warning?.msg).toContain("chmod 700");
    } finally {
      older.close();
    }
  });
});
